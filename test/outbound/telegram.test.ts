import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pseudonym } from '../../src/log.ts';
import type { OutboundMessage } from '../../src/outbound/outbound.ts';
import { translator } from '../support/flow.ts';
import { pacingOf } from '../support/pacing.ts';
import { SALT, startHarness } from '../telegram/harness.ts';
import { Respondent, buttonsOf, questionIdOf } from '../telegram/respondent.ts';

const en = translator.translatorFor('en');
const respondentOf = (id: number) => pseudonym(SALT, 'telegram', String(id));
const reminder = (key = 'telegram:welcome'): OutboundMessage => ({
  kind: 'text',
  texts: [{ key }],
  locale: 'en',
});
const livePrompt: OutboundMessage = { kind: 'prompt', intro: [{ key: 'telegram:welcome' }] };

/** A respondent who is at q1, their language and consent given. */
async function atFirstQuestion(r: Respondent): Promise<void> {
  await r.send('/start');
  await r.step({ choose: 'en' });
  await r.step({ choose: 'yes' });
  assert.equal(questionIdOf(r.last), 'q1');
}

test('a live prompt sent through the port shows the current question with working buttons; the older question message loses its keyboard; one tap continues', async (t) => {
  const h = await startHarness(t, { sharedPrompts: true });
  if (!h) return;
  const r = new Respondent(h.api, 8801, 'en');
  await atFirstQuestion(r);
  await r.step({ choose: 'public' });
  const older = r.question;
  assert.equal(questionIdOf(older), 'q2');
  const buttons = buttonsOf(older);

  const outcome = await h.outbound.sendTo(respondentOf(r.id), 'telegram', livePrompt);
  assert.deepEqual(outcome, { status: 'delivered' });
  const live = r.question;
  assert.notEqual(live.message_id, older.message_id, 'a new message, at the bottom of the chat');
  assert.equal(r.last.message_id, live.message_id);
  assert.equal(questionIdOf(live), 'q2');
  assert.ok(live.text.startsWith(`${en({ key: 'telegram:welcome' })}\n\n`), live.text);
  assert.deepEqual(buttonsOf(live), buttons, 'the same buttons, for the same session version');
  assert.equal(r.message(older.message_id).reply_markup, undefined, 'one live question per chat');

  await r.step({ choose: 'yes' });
  assert.equal(questionIdOf(r.last), 'q2a');
  const session = await h.service.current('telegram', String(r.id));
  assert.deepEqual(session?.answers.q2, { status: 'answered', value: 'yes' });
  // The prompt's message now shows the answer, without buttons, as any answered question does.
  assert.equal(r.message(live.message_id).reply_markup, undefined);
  assert.match(r.message(live.message_id).text, /Yes/);
});

test('a live prompt for someone with no survey under way is "no prompt", and nothing is sent', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8802, 'en');
  await atFirstQuestion(r);
  await h.service.discard('telegram', String(r.id));
  const before = h.api.callsOf('sendMessage').length;
  assert.deepEqual(await h.outbound.sendTo(respondentOf(r.id), 'telegram', livePrompt), {
    status: 'no_prompt',
  });
  assert.deepEqual(await h.outbound.sendTo(respondentOf(999), 'telegram', livePrompt), {
    status: 'no_address',
  });
  assert.equal(h.api.callsOf('sendMessage').length, before);
});

test('after the respondent erases their data, the address is gone and nothing reaches them through the port', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const r = new Respondent(h.api, 8808, 'en');
  await atFirstQuestion(r);
  assert.equal((await h.stores.addresses.get(respondentOf(r.id), 'telegram'))?.chat, String(r.id));
  await h.service.erase('telegram', String(r.id));
  assert.deepEqual(await h.stores.addresses.byRespondent(respondentOf(r.id)), []);
  const before = h.api.callsOf('sendMessage').length;
  assert.deepEqual(await h.outbound.sendTo(respondentOf(r.id), 'telegram', reminder()), {
    status: 'no_address',
  });
  assert.equal(h.api.callsOf('sendMessage').length, before);
});

test('a blocked user and a missing chat come back as their outcome and are recorded on the address, once', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  // A long id: the log check below looks for it as text, and a short one turns up inside timestamps.
  const blocker = new Respondent(h.api, 5_803_417_296, 'en');
  const gone = new Respondent(h.api, 8804, 'en');
  const fine = new Respondent(h.api, 8805, 'en');
  for (const r of [blocker, gone, fine]) await atFirstQuestion(r);
  h.api.block(blocker.id);
  h.api.forget(gone.id);

  assert.deepEqual(await h.outbound.sendTo(respondentOf(blocker.id), 'telegram', livePrompt), {
    status: 'blocked',
  });
  assert.deepEqual(await h.outbound.sendTo(respondentOf(gone.id), 'telegram', reminder()), {
    status: 'chat_not_found',
  });
  assert.deepEqual(await h.outbound.sendTo(respondentOf(fine.id), 'telegram', reminder()), {
    status: 'delivered',
  });
  assert.equal(fine.last.text, en({ key: 'telegram:welcome' }));

  const address = (id: number) => h.stores.addresses.get(respondentOf(id), 'telegram');
  assert.equal((await address(blocker.id))?.unreachable?.reason, 'blocked');
  assert.equal((await address(gone.id))?.unreachable?.reason, 'chat_not_found');
  assert.equal((await address(fine.id))?.unreachable, undefined);
  // The port records it; the update path's hook does not record it again on the session.
  for (const id of [blocker.id, gone.id])
    assert.equal((await h.service.current('telegram', String(id)))?.meta.unreachable, undefined);
  // Never logged by chat id.
  assert.ok(!JSON.stringify(h.log.lines).includes(String(blocker.id)));
});

test('a 429 with retry_after is waited out by every paced send, and nothing is sent twice', async (t) => {
  const h = await startHarness(t, { maxRetryAfter: 5 });
  if (!h) return;
  const [first, second] = [new Respondent(h.api, 8806, 'en'), new Respondent(h.api, 8807, 'en')];
  for (const r of [first, second]) await atFirstQuestion(r);
  h.api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 2',
    parameters: { retry_after: 2 },
  });
  const sent = h.outbound.sendTo(respondentOf(first.id), 'telegram', reminder('telegram:help'));
  const refused = await h.api.waitForCall((c) => c.error?.error_code === 429);
  // Sent after the 429: it waits too, rather than add to a flood Telegram already complained of.
  const other = await h.outbound.sendTo(respondentOf(second.id), 'telegram', reminder('telegram:help'));
  assert.deepEqual([await sent, other], [{ status: 'delivered' }, { status: 'delivered' }]);

  const help = en({ key: 'telegram:help' });
  const delivered = h.api.callsOf('sendMessage').filter((c) => c.ok && c.body.text === help);
  assert.equal(delivered.length, 2);
  for (const call of delivered) assert.ok(call.at - refused.at >= 2000, `${call.at - refused.at} ms`);
  assert.equal(first.messages.filter((m) => m.text === help).length, 1, 'delivered once');
  assert.equal(second.messages.filter((m) => m.text === help).length, 1);
  assert.ok(h.log.lines.some((l) => l.msg === 'telegram rate limit: waiting' && l.retryAfter === 2));

  // Asked to wait longer than the channel waits: the outcome says how long, and nothing went out.
  h.api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 600',
    parameters: { retry_after: 600 },
  });
  assert.deepEqual(await h.outbound.sendTo(respondentOf(first.id), 'telegram', livePrompt), {
    status: 'rate_limited',
    retryAfterMs: 600_000,
  });
  assert.equal((await h.stores.addresses.get(respondentOf(first.id), 'telegram'))?.unreachable, undefined);
});

test('pacing: 240 messages to 40 chats at once never put more than 30 in a second, nor 2 in a second in one chat', async (t) => {
  const h = await startHarness(t, { stores: 'embedded' });
  if (!h) return;
  const chats = Array.from({ length: 40 }, (_, i) => 7_100_000 + i);
  for (const chat of chats) {
    await h.stores.addresses.put({
      respondent: respondentOf(chat),
      channel: 'telegram',
      chat: String(chat),
      locale: 'en',
      updatedAt: new Date(),
    });
  }
  const from = h.api.calls.length;
  // Each chat's six together: its later ones wait their second while the other chats go on.
  const outcomes = await Promise.all(
    chats.flatMap((chat) =>
      Array.from({ length: 6 }, () => h.outbound.sendTo(respondentOf(chat), 'telegram', reminder())),
    ),
  );
  assert.ok(outcomes.every((o) => o.status === 'delivered'));
  const sends = h.api.calls
    .slice(from)
    .filter((c) => c.method === 'sendMessage')
    .map((c) => ({ chat: Number(c.body.chat_id), at: c.at }));
  assert.equal(sends.length, 240, 'each message sent once');
  const pacing = pacingOf(sends);
  assert.ok(pacing.busiestSecond <= 30, `${pacing.busiestSecond} in one second`);
  assert.ok(pacing.closestInChat >= 1000, `${pacing.closestInChat} ms apart in one chat`);
  for (const chat of chats) assert.equal(h.api.chat(chat).length, 6);
});
