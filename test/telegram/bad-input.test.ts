import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Update } from 'telegraf/types';
import { TelegramChannel } from '../../src/channels/telegram/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { flow, translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { SALT, startHarness, type Harness } from './harness.ts';
import { Respondent, buttonsOf, questionIdOf } from './respondent.ts';

const en = translator.translatorFor('en');
const refusal = (code: string) => en({ key: `common:refusal.${code}` });

/** A respondent brought to question `until` (q2, q6 or q8) in English. */
async function reach(
  t: TestContext,
  until: 'q2' | 'q6' | 'q8',
): Promise<{ h: Harness; r: Respondent } | null> {
  const h = await startHarness(t);
  if (!h) return null;
  const r = new Respondent(h.api, 8100, 'en');
  await r.send('/start');
  const plan = {
    language: [{ choose: 'en' }],
    consent: [{ choose: 'yes' }],
    q1: [{ choose: 'public' }],
    q2: [{ choose: 'no' }],
    q3: [{ type: 'Chile' }],
    q4: [{ choose: 'up_to_4999' }],
    q5: [{ choose: 'no' }],
    q6: [{ choose: 'libraries' }, 'done'],
  } as const;
  while (questionIdOf(r.last) !== until) {
    const id = questionIdOf(r.last)!;
    for (const step of plan[id as keyof typeof plan]) await r.step(step);
  }
  return { h, r };
}

const session = (h: Harness, r: Respondent) => h.service.current('telegram', String(r.id));
const sent = (calls: ApiCall[]) => calls.filter((c) => c.method === 'sendMessage').map((c) => c.body.text);
const callbackAnswers = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.body.text ?? '');

test('a stale button: answered with a short notice, nothing sent, the session untouched', async (t) => {
  const at = await reach(t, 'q2');
  if (!at) return;
  const { h, r } = at;
  // q1's message was edited when answered; its old button data is pressed again (an old client).
  const q1Message = r.messages.find((m) => m.text.includes(en({ key: 'advocacy:q1.text' })))!;
  const edited = h.api.calls.find(
    (c) => c.method === 'editMessageText' && c.body.message_id === q1Message.message_id,
  );
  assert.ok(edited, 'the answered question was edited');
  assert.equal(q1Message.reply_markup, undefined, 'and lost its keyboard');
  const before = await session(h, r);
  const staleData = `${before!.version - 1}:q1:c:national`;
  const calls = await r.press(staleData, q1Message.message_id);
  assert.deepEqual(callbackAnswers(calls), [refusal('stale')]);
  assert.deepEqual(sent(calls), []);
  assert.deepEqual(await session(h, r), before);
  // And the current question is still there to answer.
  assert.equal(questionIdOf(r.last), 'q2');
});

test('forged callback data: wrong version, unknown option, malformed — each refused, nothing changes', async (t) => {
  const at = await reach(t, 'q6');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  const v = before!.version;
  const cases: [string, string][] = [
    [`${v + 5}:q6:c:libraries`, refusal('stale')],
    [`${v}:q5:c:yes`, refusal('stale')],
    [`${v}:q6:c:museums`, refusal('unknown_choice')],
    [`${v}:q6:n:libraries`, refusal('not_accepted')],
    ['<script>', en({ key: 'telegram:invalid.malformed' })],
    [`${v}:q6:c:${'x'.repeat(70)}`, en({ key: 'telegram:invalid.malformed' })],
    ['!delete:now', en({ key: 'telegram:invalid.malformed' })],
  ];
  for (const [data, answer] of cases) {
    const calls = await r.press(data);
    assert.deepEqual(callbackAnswers(calls), [answer], data);
    assert.deepEqual(sent(calls), [], data);
    assert.deepEqual(await session(h, r), before, data);
  }
});

test('Done with nothing chosen is refused with a message until something is chosen or the question declined', async (t) => {
  const at = await reach(t, 'q6');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  const calls = await r.step('done');
  assert.deepEqual(callbackAnswers(calls), [refusal('nothing_selected')]);
  assert.deepEqual(await session(h, r), before);
  await r.step('skip');
  assert.deepEqual((await session(h, r))!.answers.q6, { status: 'declined' });
});

test('a double tap on Done (two concurrent presses): the answer is stored once, the second press is refused', async (t) => {
  const at = await reach(t, 'q6');
  if (!at) return;
  const { h, r } = at;
  await r.step({ choose: 'government' });
  await r.step({ choose: 'nonprofit' });
  const before = await session(h, r);
  const done = r.button('d').data;
  const q6Message = r.question.message_id;
  const from = h.api.calls.length;
  await Promise.all([
    h.api.deliver(r.user.press(q6Message, done)),
    h.api.deliver(r.user.press(q6Message, done)),
  ]);
  const calls = h.api.calls.slice(from);
  // The winner's press is answered when its input is taken. The loser is told once: by its
  // press's answer when it was refused before being taken (this process already knew the first
  // had moved on), or by a message when both were taken before either wrote.
  const answers = callbackAnswers(calls);
  assert.equal(answers.length, 2, 'each press answered once');
  assert.ok(answers.includes(''), 'the winner');
  const told =
    answers.filter((a) => a === refusal('stale')).length +
    sent(calls).filter((text) => text === refusal('stale')).length;
  assert.equal(told, 1, 'the loser is told, once');
  const after = await session(h, r);
  assert.equal(after!.version, before!.version + 1);
  assert.deepEqual(after!.answers.q6, {
    status: 'answered',
    value: { options: ['government', 'nonprofit'] },
  });
  assert.equal(after!.current, 'q7');
  assert.equal(sent(calls).length, 1, 'one next question, not two');
  assert.equal(questionIdOf(r.last), 'q7');
});

test('two bot processes on the same stores get the same Done at once: one wins, one is refused', async (t) => {
  const at = await reach(t, 'q6');
  if (!at) return;
  const { h, r } = at;
  // A second replica: its own service and bot, the same stores, the same Bot API.
  const service = new ConversationService({ flow, ...h.stores, salt: SALT });
  const replica = new TelegramChannel({
    token: h.api.token,
    apiRoot: h.api.apiRoot,
    service,
    translator,
    log: h.log.log,
  });
  await replica.prepare();
  await r.step({ choose: 'libraries' });
  const before = await session(h, r);
  const done = r.button('d').data;
  const message = r.question.message_id;
  const from = h.api.calls.length;
  await Promise.all([
    h.api.deliver(r.user.press(message, done)),
    replica.bot.handleUpdate({ update_id: 900_000, ...r.user.press(message, done) } as Update),
  ]);
  const calls = h.api.calls.slice(from);
  // The winner's press is answered when its input is taken. The loser is told once: by its
  // press's answer when it was refused before being taken (this process already knew the first
  // had moved on), or by a message when both were taken before either wrote.
  const answers = callbackAnswers(calls);
  assert.equal(answers.length, 2, 'each press answered once');
  assert.ok(answers.includes(''), 'the winner');
  const told =
    answers.filter((a) => a === refusal('stale')).length +
    sent(calls).filter((text) => text === refusal('stale')).length;
  assert.equal(told, 1, 'the loser is told, once');
  const after = await session(h, r);
  assert.equal(after!.version, before!.version + 1);
  assert.deepEqual(after!.answers.q6, { status: 'answered', value: { options: ['libraries'] } });
  service.close();
});

test('text where a button is expected gets the refusal as a message, and the question stays', async (t) => {
  const at = await reach(t, 'q2');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  const question = r.question;
  const calls = await r.send('maybe');
  assert.deepEqual(sent(calls), [refusal('unknown_choice')]);
  assert.deepEqual(await session(h, r), before);
  assert.deepEqual(
    buttonsOf(r.message(question.message_id)),
    buttonsOf(question),
    'the keyboard is still there',
  );
  // The typed number of a choice works, as for clients without buttons.
  await r.send('1');
  assert.equal((await session(h, r))!.answers.q2?.status, 'answered');
});

test('a 5,000-character message is refused as too long, at a text question and at a button question', async (t) => {
  const at = await reach(t, 'q8');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  assert.deepEqual(sent(await r.send('a'.repeat(5000))), [refusal('too_long')]);
  assert.deepEqual(await session(h, r), before);
  // The question can still be answered afterwards.
  await r.send('A reading campaign.');
  assert.equal((await session(h, r))!.current, 'q9');
});

test('a sticker or a photo where text is expected: told that only text and buttons are read', async (t) => {
  const at = await reach(t, 'q8');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  for (const update of [r.user.sticker(), r.user.photo('here is my answer')]) {
    const calls = await r.deliver(update);
    assert.deepEqual(sent(calls), [en({ key: 'telegram:invalid.unsupported' })]);
    assert.deepEqual(await session(h, r), before);
  }
});

test('text made only of invisible or formatting characters is refused as empty, like plain spaces', async (t) => {
  const at = await reach(t, 'q8');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  const invisible = [
    '\u200B', // zero-width space
    '\u200C\u200D\u2060', // zero-width non-joiner, joiner, word joiner
    '\u2066\u2069', // a bidi isolate and its end
    '\u202E', // a right-to-left override alone
    '\u200E \u200F', // direction marks around a space
    '\uFEFF', // byte order mark
    '\u3164', // Hangul filler
    '\u00AD\u034F', // soft hyphen, combining grapheme joiner
  ];
  for (const text of invisible) {
    assert.deepEqual(sent(await r.send(text)), [refusal('empty')], JSON.stringify(text));
    assert.deepEqual(await session(h, r), before, JSON.stringify(text));
  }
  // Visible text with an override inside is an answer, kept as typed, and echoed without it.
  const q8 = r.question.message_id;
  await r.send('Campaign \u202Eevil\u202C done');
  assert.deepEqual((await session(h, r))!.answers.q8, {
    status: 'answered',
    value: 'Campaign \u202Eevil\u202C done',
  });
  assert.ok(r.message(q8).text.endsWith('✅ Campaign evil done'), r.message(q8).text);
});

test('forged command buttons on the question message are refused: the question stays, with its buttons', async (t) => {
  const at = await reach(t, 'q2');
  if (!at) return;
  const { h, r } = at;
  const before = await session(h, r);
  const question = r.question;
  const forged = [
    '!lang:xx',
    '!lang:ru',
    '!restart:no',
    '!restart:yes',
    '!delete:no',
    '!delete:yes',
    '!start',
  ];
  for (const data of forged) {
    const calls = await r.press(data, question.message_id);
    assert.deepEqual(callbackAnswers(calls), [en({ key: 'telegram:invalid.malformed' })], data);
    assert.deepEqual(
      calls.filter((c) => c.method !== 'answerCallbackQuery').map((c) => c.method),
      [],
      `${data}: nothing but the notice`,
    );
    const now = r.message(question.message_id);
    assert.equal(now.deleted, false, data);
    assert.deepEqual(buttonsOf(now), buttonsOf(question), `${data}: the keyboard is still there`);
    assert.deepEqual(await session(h, r), before, data);
  }
  // The real buttons of a real confirmation still work.
  await r.send('/restart');
  const calls = await r.press('!restart:no', r.last.message_id);
  assert.deepEqual(callbackAnswers(calls), [en({ key: 'telegram:restart.cancelled' })]);
  assert.deepEqual(await session(h, r), before);
});
