import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pseudonym } from '../../src/log.ts';
import { promptFor } from '../../src/engine/engine.ts';
import { flow, translator } from '../support/flow.ts';
import { SALT, startHarness } from './harness.ts';
import { Respondent, questionIdOf } from './respondent.ts';
import { collect } from '../../src/store/response-store.ts';

const en = translator.translatorFor('en');

for (const mode of ['polling', 'webhook'] as const) {
  test(`${mode}: the bot process restarts mid-interview and the respondent continues where they were`, async (t) => {
    const h = await startHarness(t, { mode });
    if (!h) return;
    const r = new Respondent(h.api, 8401, 'en');
    await r.send('/start');
    const steps = [
      { choose: 'en' },
      { choose: 'yes' },
      { choose: 'public' },
      { choose: 'yes' },
      { choose: 'member' },
      { type: 'Nigeria' },
      { choose: 'up_to_4999' },
      { choose: 'no' },
      { choose: 'libraries' },
      { choose: 'business' },
    ] as const;
    for (const step of steps) await r.step(step);
    assert.equal(questionIdOf(r.last), 'q6');
    const q6 = r.question;

    await h.restart();

    // The buttons of the message the first process sent still work in the second.
    await r.step('done');
    assert.equal(questionIdOf(r.last), 'q7');
    assert.ok(r.message(q6.message_id).text.includes('✅'));
    await r.send('/start');
    const { progress } = promptFor(flow, (await h.service.current('telegram', String(r.id)))!) as {
      progress: object;
    };
    assert.ok(r.last.text.startsWith(en({ key: 'common:resumed', params: { ...progress } })), r.last.text);
    const asked = await r.takeSurvey({
      q7: [{ choose: 'business' }],
      q8: ['skip'],
      q9: ['skip'],
      q10: ['skip'],
      q11: ['skip'],
      q11b: ['skip'],
      q12: ['skip'],
      q13: ['skip'],
      q14: ['skip'],
      q15: ['skip'],
      q16: ['skip'],
      q17: [{ choose: 'no' }],
    });
    assert.equal(asked[0], 'q7');
    assert.equal(r.last.text, en({ key: 'common:end.completed' }));
    const [response] = await collect(h.stores.responses.scan());
    assert.ok(response);
    assert.deepEqual(response.answers.q2a, { status: 'answered', value: { option: 'member' } });
    assert.deepEqual(response.answers.q6, {
      status: 'answered',
      value: { options: ['libraries', 'business'] },
    });
    assert.deepEqual(response.answers.q7, {
      status: 'answered',
      value: { order: ['business', 'libraries'], na: [] },
    });
  });
}

test('a 429 with retry_after is waited out and the call retried: the message arrives once', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8402, 'en');
  await r.send('/start');
  h.api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
  const calls = await r.step({ choose: 'en' });
  const sends = calls.filter((c) => c.method === 'sendMessage');
  assert.equal(sends.length, 2);
  assert.equal(sends[0]!.error?.error_code, 429);
  assert.ok(sends[1]!.ok);
  assert.ok(sends[1]!.at - sends[0]!.at >= 990, `waited ${sends[1]!.at - sends[0]!.at} ms`);
  assert.equal(questionIdOf(r.last), 'consent');
  assert.equal(r.messages.filter((m) => questionIdOf(m) === 'consent').length, 1);
  const warning = h.log.lines.find((l) => l.msg === 'telegram rate limit: waiting');
  assert.equal(warning?.retryAfter, 1);
  assert.equal(warning?.method, 'sendMessage');
});

test('a 429 asking for a longer wait than allowed is dropped and logged; the bot goes on', async (t) => {
  const h = await startHarness(t, { maxRetryAfter: 5 });
  if (!h) return;
  const r = new Respondent(h.api, 8403, 'en');
  h.api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests',
    parameters: { retry_after: 600 },
  });
  await r.send('/start');
  assert.equal(r.messages.length, 0);
  assert.ok(h.log.lines.some((l) => l.msg === 'telegram rate limit: call dropped' && l.retryAfter === 600));
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
});

test('a user who blocked the bot: the failure is logged with context and recorded, and other users are served', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const blocker = new Respondent(h.api, 8404, 'en');
  const other = new Respondent(h.api, 8405, 'en');
  await blocker.send('/start');
  await other.send('/start');
  h.api.block(blocker.id);
  // A reminder through the outbound port reaches the blocked chat: Telegram answers 403.
  const respondent = pseudonym(SALT, 'telegram', String(blocker.id));
  const reminder = { kind: 'text', texts: [{ key: 'telegram:welcome' }], locale: 'en' } as const;
  assert.deepEqual(await h.outbound.sendTo(respondent, 'telegram', reminder), { status: 'blocked' });
  const line = h.log.lines.find((l) => l.msg === 'telegram chat unreachable');
  assert.ok(line);
  assert.equal(line.reason, 'blocked');
  assert.equal(line.method, 'sendMessage');
  assert.equal(
    line.chat,
    pseudonym(SALT, 'telegram', String(blocker.id)),
    'logged by pseudonym, never the chat id',
  );
  assert.ok(
    !JSON.stringify(h.log.lines).includes(String(blocker.id)),
    'the chat id appears nowhere in the logs',
  );
  // Recorded once, on the address the port sent to; the session is not written for it.
  const address = await h.stores.addresses.get(respondent, 'telegram');
  assert.equal(address?.unreachable?.reason, 'blocked');
  assert.equal((await h.service.current('telegram', String(blocker.id)))?.meta.unreachable, undefined);
  // Blocked while answering: recorded on the session by the update path.
  await blocker.step({ choose: 'en' });
  const recorded = await h.service.current('telegram', String(blocker.id));
  assert.equal(recorded?.meta.unreachable, 'blocked');
  assert.ok(recorded?.meta.unreachableAt);
  // The others go on.
  await other.step({ choose: 'en' });
  assert.equal(questionIdOf(other.last), 'consent');
});

test('Telegram telling of a block (my_chat_member) is recorded too', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8406, 'en');
  await r.send('/start');
  await h.api.deliver(r.user.blocks());
  assert.equal((await h.service.current('telegram', String(r.id)))?.meta.unreachable, 'blocked');
});

test('a chat that no longer exists is logged and recorded, never thrown', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8407, 'en');
  await r.send('/start');
  h.api.forget(r.id);
  await r.step({ choose: 'en' });
  assert.equal((await h.service.current('telegram', String(r.id)))?.meta.unreachable, 'chat_not_found');
  assert.ok(h.log.lines.some((l) => l.msg === 'telegram chat unreachable' && l.reason === 'chat_not_found'));
});

test('bulk sends: one message per second to one chat, while other chats are not held up', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const text = { kind: 'text', texts: [{ key: 'telegram:welcome' }], locale: 'en' } as const;
  const outcomes = await Promise.all([
    ...[1, 2, 3].map(() => h.channel.sender.send('9001', text)),
    ...[1, 2].map(() => h.channel.sender.send('9002', text)),
  ]);
  assert.ok(outcomes.every((o) => o.status === 'delivered'));
  const sends = h.api.callsOf('sendMessage');
  const at = (chat: number) => sends.filter((c) => c.body.chat_id === chat).map((c) => c.at);
  const [a, b] = [at(9001), at(9002)];
  assert.equal(a.length, 3);
  assert.equal(b.length, 2);
  for (let i = 1; i < a.length; i++) assert.ok(a[i]! - a[i - 1]! >= 1000, `gap ${a[i]! - a[i - 1]!} ms`);
  // The second chat's first message does not wait behind the first chat's second.
  const order = sends.map((c) => c.body.chat_id);
  assert.ok(order.indexOf(9002) < order.lastIndexOf(9001) - 1, order.join(' '));
});

test('a store that fails mid-turn: the respondent is told the survey is unavailable, and nothing crashes', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8408, 'en');
  await r.send('/start');
  // Down as a server is down: every command fails (the service may not read before writing).
  const sessions = h.stores.sessions;
  const working = { get: sessions.get, put: sessions.put, swap: sessions.swap };
  const down = async () => {
    throw new Error('connection refused');
  };
  Object.assign(sessions, { get: down, put: down, swap: down });
  await r.step({ choose: 'en' });
  assert.equal(r.last.text, en({ key: 'common:unavailable' }));
  Object.assign(sessions, working);
  await r.step({ choose: 'en' });
  assert.equal(questionIdOf(r.last), 'consent');
});
