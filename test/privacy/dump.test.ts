import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rotate } from '../../src/privacy/rotate.ts';
import { openStores } from '../../src/store/open.ts';
import { captureLog } from '../support/logs.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { BEFORE_CONTACT, dumpMongo, dumpRedis, found } from './dump-support.ts';

// Distinct values: a platform id or a name found anywhere in a dump is a leak, never a coincidence.
const PEOPLE = {
  email: { id: 5550001111, name: 'Zanele Okonkwo', email: 'zanele.okonkwo@example.org' },
  chat: { id: 5550002222, name: 'Bartholomew Quist' },
  partial: { id: 5550003333, name: 'Cressida Vantongeren' },
};
const STAFF_NAME = 'Staffperson Ekwueme';
const personal = [
  ...Object.values(PEOPLE).flatMap((p) => [String(p.id), p.name]),
  PEOPLE.email.email,
  STAFF_NAME,
];

test('a dump of MongoDB and Redis after a run holds no personal data in clear; with the key it reads; after rotation the old key is not needed', async (t) => {
  const h = await startHarness(t, { stores: 'servers', sharedPrompts: true });
  if (!h) return;
  const redis = h.stores.redis!;

  const a = new Respondent(h.api, PEOPLE.email.id, 'en');
  await a.send('/start');
  await a.takeSurvey({
    ...BEFORE_CONTACT,
    q17: [
      { choose: 'yes' },
      { type: PEOPLE.email.name },
      { choose: 'email' },
      { type: PEOPLE.email.email },
      { choose: 'en' },
    ],
  });
  const b = new Respondent(h.api, PEOPLE.chat.id, 'en');
  await b.send('/start');
  await b.takeSurvey({
    ...BEFORE_CONTACT,
    q17: [{ choose: 'yes' }, { type: PEOPLE.chat.name }, { choose: 'chat' }, { choose: 'en' }],
  });
  // Still answering: their name is in the session's draft, in Redis.
  const c = new Respondent(h.api, PEOPLE.partial.id, 'en');
  await c.send('/start');
  await assert.rejects(c.takeSurvey(BEFORE_CONTACT), /asked q17/);
  await c.step({ choose: 'yes' });
  await c.step({ type: PEOPLE.partial.name });
  await h.directory.add('cli', { name: STAFF_NAME, role: 'coordinator' });

  const contacts = await h.stores.contacts.list();
  assert.deepEqual(
    contacts.map((x) => x.name).sort(),
    [PEOPLE.chat.name, PEOPLE.email.name].sort(),
    'with the key, contacts read',
  );
  assert.equal(contacts.find((x) => x.email)?.email, PEOPLE.email.email);
  assert.equal(
    (await h.service.current('telegram', String(c.id)))?.draft?.name,
    PEOPLE.partial.name,
    'the session reads',
  );
  assert.equal(
    (
      await h.outbound.sendTo(h.service.respondentOf('telegram', String(b.id)), 'telegram', {
        kind: 'text',
        texts: [{ key: 'common:help' }],
        locale: 'en',
      })
    ).status,
    'delivered',
    'the address book reads: a message reaches the chat',
  );

  const dump = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(redis, h.redisPrefix))];
  assert.ok(
    dump.some((d) => d.startsWith('contacts ')),
    'the dump holds the contacts collection',
  );
  assert.ok(
    dump.some((d) => d.includes('session:')),
    'and the sessions',
  );
  assert.deepEqual(found(dump, personal), [], 'no personal data in clear in the dump');

  // Rotation: a second key becomes current; everything is sealed again with it.
  const oldKey = h.config.DATA_KEYS![0]!;
  const newKey = { id: 'k2', key: Buffer.alloc(32, 42) };
  const both = await openStores(
    { ...h.config, DATA_KEYS: [oldKey, newKey], DATA_KEY_CURRENT: 'k2' },
    captureLog().log,
  );
  await both.verifyKeys();
  const results = await rotate(both);
  await both.close();
  assert.deepEqual(
    results.map((r) => [r.store, r.resealed, r.unreadable]),
    [
      ['contacts', 2, 0],
      ['addresses', 3, 0],
      ['staff', 1, 0],
      ['sessions', 1, 0],
    ],
  );
  const after = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(redis, h.redisPrefix))];
  assert.deepEqual(found(after, [`enc1:${oldKey.id}:`]), [
    // Only the old key's own check value stays (it checks that key if it is ever configured again).
    ...found(after, [`enc1:${oldKey.id}:`]).filter((hit) => hit.includes('data_key_checks')),
  ]);
  assert.deepEqual(found(after, personal), []);

  // The new key alone reads everything.
  const log = captureLog();
  const only = await openStores({ ...h.config, DATA_KEYS: [newKey], DATA_KEY_CURRENT: 'k2' }, log.log);
  t.after(() => only.close());
  await only.verifyKeys();
  assert.deepEqual(
    (await only.contacts.list()).map((x) => x.name).sort(),
    [PEOPLE.chat.name, PEOPLE.email.name].sort(),
  );
  const session = await only.sessions.get(`telegram:${c.id}`);
  assert.ok(session && !('corrupt' in session) && session.draft?.name === PEOPLE.partial.name);
  assert.equal(
    (await only.addresses.get(h.service.respondentOf('telegram', String(a.id)), 'telegram'))?.chat,
    String(a.id),
  );
  assert.equal((await only.staff.list())[0]?.name, STAFF_NAME);
  assert.doesNotMatch(log.text(), /not readable/);
});
