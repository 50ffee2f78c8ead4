import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionKey } from '../../src/store/session-store.ts';
import { startHarness } from '../support/discord-harness.ts';
import { choose, playOnDiscord } from '../support/discord-script.ts';
import { translator } from '../support/flow.ts';

const en = translator.translatorFor('en');

test('Discord: /survey my-data shows what is kept, only to the respondent, with the JSON file of exactly what is stored', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
  ]);
  const shown = await r.survey('my-data');
  const message = shown.interaction.original!;
  assert.ok(Number(message.flags) & 64, 'ephemeral: only the respondent sees it');
  assert.equal(
    message.content,
    [
      en({ key: 'common:privacy.my_data.intro' }),
      `- ${en({ key: 'common:privacy.my_data.session', params: { count: 2 } })}`,
      `- ${en({ key: 'common:privacy.my_data.addresses', params: { count: 1 } })}`,
      en({ key: 'common:privacy.my_data.file' }),
    ].join('\n'),
  );
  const [file] = message.attachments as { filename: string; content: string }[];
  assert.equal(file?.filename, 'my-data.json');
  const data = JSON.parse(file.content);
  const session = await h.stores.sessions.get(sessionKey('discord', r.user.id));
  assert.ok(session && !('corrupt' in session));
  assert.deepEqual(data.session.answers, session.answers);
  const respondent = data.respondent as string;
  assert.deepEqual(
    data.addresses,
    JSON.parse(JSON.stringify(await h.stores.addresses.byRespondent(respondent))),
  );
  assert.deepEqual([data.responses, data.contacts], [[], []]);

  const ask = await r.survey('delete-my-data');
  await r.press('Delete my data', ask.interaction.original!);
  assert.deepEqual(
    await h.stores.addresses.byRespondent(respondent),
    [],
    'the address book entry is erased too',
  );
  const after = await r.survey('my-data');
  assert.equal(after.interaction.original!.content, en({ key: 'common:privacy.my_data.nothing' }));
});
