import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionKey } from '../../src/store/session-store.ts';
import { translator } from '../support/flow.ts';
import { startHarness } from '../telegram/harness.ts';
import { questionIdOf, Respondent } from '../telegram/respondent.ts';

const en = translator.translatorFor('en');

test('Telegram: a flood from one user is refused politely once, changes nothing, and does not touch another user; later they go on', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  // 10 a minute: 5 at once.
  const h = await startHarness(t, { updatesPerMinute: 10, clock: () => now });
  if (!h) return;
  const flood = new Respondent(h.api, 5550006001, 'en');
  const calm = new Respondent(h.api, 5550006002, 'en');
  await flood.send('/start');
  await flood.step({ choose: 'en' });
  await flood.step({ choose: 'yes' });
  const stored = async () => {
    const s = await h.stores.sessions.get(sessionKey('telegram', String(flood.id)));
    return s && !('corrupt' in s) ? s : null;
  };
  const before = await stored();
  assert.ok(before);
  await flood.send('2'); // the fourth update, and the fifth: the last of the burst
  await flood.send('/back');
  const atLimit = await stored();
  const sentBefore = flood.messages.length;
  for (let i = 0; i < 20; i++) await flood.send(String((i % 3) + 1));
  assert.deepEqual(await stored(), atLimit, 'nothing the flood sent changed the session');
  const replies = flood.messages.slice(sentBefore);
  assert.deepEqual(
    replies.map((m) => m.text),
    [en({ key: 'common:rate_limited' })],
    'one polite message for the whole flood',
  );
  // Another user, meanwhile, is not limited.
  await calm.send('/start');
  await calm.step({ choose: 'en' });
  assert.equal(questionIdOf(calm.question), 'consent', 'the other user goes on');
  // A minute later the user goes on where they were.
  now += 60_000;
  await flood.send('2');
  assert.notDeepEqual(await stored(), atLimit);
});

for (const mode of ['polling', 'webhook'] as const) {
  test(`Telegram (${mode}): past the limit, commands and presses are limited too: /help, /my_data, /progress and buttons get nothing but the one notice`, async (t) => {
    let now = Date.UTC(2026, 0, 1);
    const h = await startHarness(t, { mode, updatesPerMinute: 10, clock: () => now });
    if (!h) return;
    const flood = new Respondent(h.api, 5550006011, 'en');
    await flood.send('/start');
    await flood.step({ choose: 'en' });
    await flood.step({ choose: 'yes' });
    await flood.send('/help');
    await flood.send('/progress'); // the fifth: the last of the burst
    const sentBefore = flood.messages.length;
    const callsBefore = h.api.calls.length;
    const button = flood.button('c', 'public').data;
    for (let i = 0; i < 4; i++) {
      for (const text of ['/help', '/my_data', '/progress', '/delete_my_data', '/restart', '/staff'])
        await flood.send(text);
      await flood.press(button);
    }
    assert.deepEqual(
      flood.messages.slice(sentBefore).map((m) => m.text),
      [en({ key: 'common:rate_limited' })],
      'one polite message for the whole flood',
    );
    const calls = h.api.calls.slice(callsBefore).filter((c) => c.method !== 'getUpdates');
    assert.deepEqual(
      [...new Set(calls.map((c) => c.method))].sort(),
      ['answerCallbackQuery', 'sendMessage'],
      'presses are answered (so the client stops waiting), nothing else is done',
    );
    assert.ok(
      calls.filter((c) => c.method === 'answerCallbackQuery').every((c) => c.body.text === undefined),
    );
    if (mode === 'webhook') {
      // Past the limit, a message is dropped at the webhook before anything reads it, even its shape.
      const warnings = h.log.lines.filter((l) => l.level === 40).length;
      const broken = { ...(flood.user.text('x') as { message: object }) };
      broken.message = { ...broken.message, text: 42 };
      await h.api.deliverRaw(broken);
      assert.deepEqual(h.log.lines.filter((l) => l.level === 40).slice(warnings), []);
    }
    now += 60_000;
    await flood.send('/help');
    assert.equal(flood.last.text, en({ key: 'telegram:help' }));
  });
}
