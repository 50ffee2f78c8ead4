import { sampleInvitee } from '../support/invitees.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Keyring } from '../../src/privacy/keyring.ts';
import { EMAIL_HASH, SealedInviteeStore } from '../../src/privacy/sealed-invitees.ts';
import { UNREADABLE, type UnreadableRecord } from '../../src/privacy/sealed-stores.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { inviteeId } from '../../src/store/invitee-store.ts';
import { ensureCollections } from '../../src/store/mongo-model.ts';
import { inviteeModel, MongoInviteeStore } from '../../src/store/mongo-invitee-store.ts';
import { mongoFor } from '../support/stores.ts';

const key = (fill: number) => ({ id: `k${fill}`, key: Buffer.alloc(32, fill) });
const ring = (current: number, ...others: number[]) =>
  new Keyring([key(current), ...others.map(key)], `k${current}`, Buffer.alloc(32, 9));

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-invitees-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const T0 = new Date('2026-11-01T00:00:00.000Z');
const person = sampleInvitee;
const onDisk = (dir: string) => readFileSync(join(dir, 'invitees.jsonl'), 'utf8');

test('an invitee is sealed at rest and found by a keyed hash of the address: import merges, unsubscribe and erasure find them', async (t) => {
  const dir = folder(t);
  const inner = new FileInviteeStore(dir);
  t.after(() => inner.close());
  const keyring = ring(1);
  const store = new SealedInviteeStore(inner, keyring, () => {});
  assert.equal((await store.upsert(person(1))).added, true);
  const merged = await store.upsert(
    person(1, {
      email: ' MARIAM.ElKhoury1@example.org',
      name: '',
      attributes: { phone: '+961 1' },
      token: 'Z'.repeat(24),
    }),
  );
  assert.equal(merged.added, false, 'the same address, written otherwise, is the same invitee');
  const expected = { ...person(1), attributes: { city: 'Jounieh-1', phone: '+961 1' } };
  assert.deepEqual(merged.invitee, expected);
  assert.deepEqual(await store.get('mena-2026', 'mariam.elkhoury1@EXAMPLE.org'), expected);
  assert.deepEqual(await store.byToken(person(1).token), expected);
  assert.doesNotMatch(onDisk(dir), /Mariam|mariam|Byblos|Jounieh|961/);
  const [stored] = await inner.rows('', 1);
  assert.equal(stored!.email, keyring.hash('mariam.elkhoury1@example.org', EMAIL_HASH));
  for (const value of [stored!.sealedEmail, stored!.name, stored!.organisation, stored!.attributes.city])
    assert.match(value!, /^enc1:k1:/);

  assert.equal(await store.unsubscribe(person(1).token, T0), true);
  await store.upsert(person(2));
  assert.equal(await store.deleteByEmail('Mariam.ElKhoury1@example.org'), 1);
  assert.equal(await store.count('mena-2026'), 1);
});

test('invitees stored in clear before sealing read as they are; an import of their address and a rotation move them to their hash; the old key is then not needed', async (t) => {
  const dir = folder(t);
  const inner = new FileInviteeStore(dir);
  t.after(() => inner.close());
  // 250 in clear: more than one batch.
  for (let n = 0; n < 250; n++) await inner.upsert(person(n));
  await inner.linkRespondent(person(3).token, 'p-3');
  const k1 = new SealedInviteeStore(inner, ring(1), () => {});
  assert.deepEqual(await k1.get('mena-2026', person(3).email), { ...person(3), respondent: 'p-3' });
  // A new import of one of them merges into it, sealed under its hash.
  const again = await k1.upsert(person(5, { name: 'Mariam E.', token: 'Q'.repeat(24) }));
  assert.equal(again.added, false);
  assert.equal(again.invitee.token, person(5).token, 'the invitee keeps the token their link carries');
  assert.equal(await k1.count('mena-2026'), 250);
  // One more sealed with k1.
  await k1.upsert(person(300));

  const both = new SealedInviteeStore(inner, ring(2, 1), () => {});
  assert.deepEqual(await both.reseal(true), { store: 'invitees', resealed: 251, unreadable: 0, skipped: 0 });
  assert.deepEqual(await both.reseal(), { store: 'invitees', resealed: 251, unreadable: 0, skipped: 0 });
  assert.deepEqual(await both.reseal(), { store: 'invitees', resealed: 0, unreadable: 0, skipped: 0 });
  assert.doesNotMatch(onDisk(dir), /Mariam|mariam|Byblos|Jounieh|enc1:k1:/);

  const reports: UnreadableRecord[] = [];
  const k2 = new SealedInviteeStore(inner, ring(2), (r) => reports.push(r));
  assert.deepEqual(await k2.get('mena-2026', person(3).email), { ...person(3), respondent: 'p-3' });
  assert.equal((await k2.byToken(person(300).token))?.name, person(300).name);
  const all: string[] = [];
  for await (const i of k2.scan('mena-2026')) all.push(i.email);
  assert.equal(all.length, 251);
  assert.ok(all.includes(person(249).email));
  assert.deepEqual(reports, []);
});

test('an invitee whose key is gone reads as unreadable, reported without the address, and is left alone by a rotation', async (t) => {
  const dir = folder(t);
  const inner = new FileInviteeStore(dir);
  t.after(() => inner.close());
  await new SealedInviteeStore(inner, ring(1), () => {}).upsert(person(1));
  const reports: UnreadableRecord[] = [];
  const k2 = new SealedInviteeStore(inner, ring(2), (r) => reports.push(r));
  const read = await k2.byToken(person(1).token);
  assert.equal(read?.email, UNREADABLE);
  assert.equal(read?.name, UNREADABLE);
  assert.equal(read?.country, 'LB');
  assert.ok(reports.length > 0 && reports.every((r) => r.store === 'invitees' && r.keyId === 'k1'));
  assert.doesNotMatch(JSON.stringify(reports), /mariam/i);
  assert.deepEqual(await k2.reseal(), { store: 'invitees', resealed: 0, unreadable: 1, skipped: 0 });
  assert.equal(
    await k2.deleteByEmail(person(1).email),
    1,
    'erasure by address still finds it: the hash key stays',
  );
});

test('on MongoDB (unique tokens), an invitee in clear moves to its hashed id; a move cut off after its token gave way is finished by the next rotation', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  const model = inviteeModel(mongo.connection);
  await ensureCollections([model]);
  const inner = new MongoInviteeStore(mongo.connection);
  for (const n of [1, 2]) await inner.upsert(person(n));
  // A rotation died right after the first one's token gave way to the record under its new id.
  await model.updateOne(
    { _id: inviteeId('mena-2026', person(1).email) },
    { $set: { token: `moving:${person(1).token}` } },
  );
  const k1 = new SealedInviteeStore(inner, ring(1), () => {});
  assert.deepEqual(
    await k1.get('mena-2026', person(1).email),
    person(1),
    'it reads meanwhile, token and all',
  );
  assert.deepEqual(await k1.reseal(), { store: 'invitees', resealed: 2, unreadable: 0, skipped: 0 });
  for (const n of [1, 2]) {
    assert.deepEqual(await k1.byToken(person(n).token), person(n));
    assert.deepEqual(await k1.get('mena-2026', person(n).email.toUpperCase()), person(n));
  }
  const docs = await model.find({}).lean();
  assert.equal(docs.length, 2);
  assert.doesNotMatch(JSON.stringify(docs), /mariam|Byblos|Jounieh|moving:/i);
  assert.equal(await k1.deleteByEmail(person(1).email), 1);
  assert.equal(await model.countDocuments({}), 1);
});

test('a batch import finds invitees stored in clear before sealing, merges into them under their hash and keeps their token', async (t) => {
  const dir = folder(t);
  const inner = new FileInviteeStore(dir);
  t.after(() => inner.close());
  await inner.upsert(person(1));
  await inner.upsert(person(2));
  const sealed = new SealedInviteeStore(inner, ring(1), () => {});
  await sealed.upsert(person(3));
  const found = await sealed.getMany('mena-2026', [
    person(1).email.toUpperCase(),
    person(3).email,
    'x@y.org',
  ]);
  assert.deepEqual([...found.keys()].sort(), [person(1).email, person(3).email]);
  assert.deepEqual(found.get(person(1).email), person(1));
  const results = await sealed.upsertMany([
    person(1, { name: 'Mariam E.', token: 'Q'.repeat(24) }),
    person(3, { name: 'Mariam F.', token: 'R'.repeat(24) }),
    person(4),
  ]);
  assert.deepEqual(
    results.map((r) => [r.added, r.invitee.token, r.invitee.name]),
    [
      [false, person(1).token, 'Mariam E.'],
      [false, person(3).token, 'Mariam F.'],
      [true, person(4).token, person(4).name],
    ],
  );
  assert.equal(await sealed.count('mena-2026'), 4);
  // Nothing of theirs is left in clear on disk but the one never imported again.
  const latest = onDisk(dir);
  assert.equal(latest.includes('Mariam E.'), false);
  assert.equal(latest.includes(person(4).email), false);
  assert.deepEqual(await sealed.get('mena-2026', person(2).email), person(2));
});
