import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHarness } from '../support/discord-harness.ts';
import { watchCrashes } from '../support/fuzz.ts';
import { captureLog } from '../support/logs.ts';

/** Found by the fuzz test (test/privacy/fuzz.test.ts): both ended the process before. */
test('an event discord.js cannot read, or whose channel it cannot resolve, is dropped: no crash, nothing answered, the bot goes on', async (t) => {
  const log = captureLog();
  const h = await startHarness(t, { log: log.log });
  const r = h.respondent({ locale: 'en-US' });
  const crashes = watchCrashes();
  t.after(() => crashes.stop());
  const requests = h.api.requests.length;

  // A DM interaction whose channel has `recipients: null`: discord.js throws while reading it,
  // inside its socket handler.
  const record = h.api.openInteraction(r.user.id, r.dm.id);
  const broken: Record<string, unknown> = {
    ...r.base(record, r.dm),
    type: 2,
    data: { id: '1'.repeat(19), type: 1, name: 'survey', options: [{ type: 1, name: 'start', options: [] }] },
  };
  h.api.gateway.dispatch('INTERACTION_CREATE', {
    ...broken,
    channel: { ...(broken.channel as object), recipients: null },
  });
  // A DM message naming no channel: discord.js reads it, but its channel resolves to nothing.
  const message = h.api.newMessage(r.dm.id, h.api.publicUser(r.user), { content: 'hello' });
  const { channel_id: _, ...withoutChannel } = message;
  h.api.gateway.dispatch('MESSAGE_CREATE', { ...withoutChannel, channel_type: 1 });
  await r.settled(message.id);

  assert.deepEqual(record.callbacks, [], 'the unreadable interaction is not answered');
  assert.deepEqual(r.botMessages(), [], 'the message without a channel is not answered');
  assert.equal(h.api.requests.length, requests);
  assert.deepEqual(crashes.crashes, []);
  const dropped = log.lines.filter((l) => l.msg === 'discord gateway event unreadable: dropped');
  assert.deepEqual(
    dropped.map((l) => [l.event, l.error]),
    [['INTERACTION_CREATE', 'TypeError']],
  );
  assert.ok(!JSON.stringify(dropped).includes(r.user.id), 'logged without its content');
  assert.deepEqual(
    log.lines.filter((l) => l.level >= 50),
    [],
  );

  // The bot goes on: the same respondent starts the survey.
  await r.survey('start');
  assert.ok(r.latestQuestion().components.length > 0);
});

test('an interaction whose locale is not a text is answered in the default language, with no error', async (t) => {
  const log = captureLog();
  const h = await startHarness(t, { log: log.log });
  const r = h.respondent({ locale: 'en-US' });
  for (const locale of [42, null, { lang: 'fr' }]) {
    const record = h.api.openInteraction(r.user.id, r.dm.id);
    const done = r.settled(record.id);
    h.api.gateway.dispatch('INTERACTION_CREATE', {
      ...r.base(record, r.dm),
      locale,
      type: 2,
      data: {
        id: '1'.repeat(19),
        type: 1,
        name: 'survey',
        options: [{ type: 1, name: 'progress', options: [] }],
      },
    });
    await done;
    assert.equal(record.callbacks.length, 1, JSON.stringify(locale));
  }
  assert.deepEqual(
    log.lines.filter((l) => l.level >= 50).map((l) => l.msg),
    [],
  );
});
