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
