import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect } from '../../src/store/response-store.ts';
import { translator } from '../support/flow.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { BEFORE_CONTACT, dumpMongo, dumpRedis, found } from './dump-support.ts';

const en = translator.translatorFor('en');
const ID = 5550004444;
const NAME = 'Ngozi Adebayo-Whitfield';
const EMAIL = 'ngozi.aw@example.net';
const TEXT = 'Our mobile library reached 40 villages';

test('Telegram: /my_data sends exactly what is stored, as a message and a JSON file; /delete_my_data leaves nothing of the respondent in any collection or Redis key', async (t) => {
  const h = await startHarness(t, { stores: 'servers', sharedPrompts: true });
  if (!h) return;
  const r = new Respondent(h.api, ID, 'en');
  await r.send('/start');
  await r.takeSurvey({
    ...BEFORE_CONTACT,
    q13: [{ type: TEXT }],
    q17: [{ choose: 'yes' }, { type: NAME }, { choose: 'email' }, { type: EMAIL }, { choose: 'en' }],
  });
  const respondent = h.service.respondentOf('telegram', String(ID));

  await r.send('/my_data');
  const [summary, file] = r.messages.slice(-2);
  assert.ok(summary && file?.document, 'a message, then a document');
  assert.equal(
    summary.text,
    [
      en({ key: 'common:privacy.my_data.intro' }),
      `• ${en({ key: 'common:privacy.my_data.responses', params: { count: 1 } })}`,
      `• ${en({ key: 'common:privacy.my_data.contact', params: { name: NAME, how: EMAIL } })}`,
      `• ${en({ key: 'common:privacy.my_data.addresses', params: { count: 1 } })}`,
    ].join('\n'),
  );
  assert.equal(file.document.file_name, 'my-data.json');
  assert.equal(file.text, en({ key: 'common:privacy.my_data.file' }));
  // Exactly what the stores hold, read here through the stores themselves.
  const responses = (await collect(h.stores.responses.scan())).filter((x) => x.respondent === respondent);
  const stored = {
    respondent,
    channel: 'telegram',
    session: null,
    responses,
    contacts: [await h.stores.contacts.get(responses[0]!.contactId!)],
    addresses: await h.stores.addresses.byRespondent(respondent),
    more: {},
  };
  assert.deepEqual(JSON.parse(file.document.content), JSON.parse(JSON.stringify(stored)));
  assert.equal(JSON.parse(file.document.content).responses[0].answers.q13.value, TEXT);

  const before = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(h.stores.redis!, h.redisPrefix))];
  assert.ok(found(before, [respondent, TEXT]).length >= 2, 'the search finds the respondent before erasure');

  await r.send('/delete_my_data');
  await r.press('!delete:yes', r.last.message_id);
  assert.match(r.last.text, new RegExp(en({ key: 'common:privacy.erased.addresses', params: { count: 1 } })));
  const after = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(h.stores.redis!, h.redisPrefix))];
  assert.deepEqual(found(after, [respondent, String(ID), NAME, EMAIL, TEXT]), []);

  await r.send('/my_data');
  assert.equal(r.last.text, en({ key: 'common:privacy.my_data.nothing' }));
});
