import { sampleInvitee } from '../support/invitees.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Keyring } from '../../src/privacy/keyring.ts';
import { EMAIL_HASH, SealedInviteeStore } from '../../src/privacy/sealed-invitees.ts';
import { SealedAddressBook, SealedContactStore, SealedStaffStore } from '../../src/privacy/sealed-stores.ts';
import type { StaffInvite, StaffMember } from '../../src/staff/staff.ts';
import type { Address, AddressBook } from '../../src/store/address-book.ts';
import { FileAddressBook } from '../../src/store/file-address-book.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileContactStore } from '../../src/store/file-response-store.ts';
import { FileStaffStore } from '../../src/store/file-staff-store.ts';
import { MongoAddressBook } from '../../src/store/mongo-address-book.ts';
import { MongoContactStore } from '../../src/store/mongo-response-store.ts';
import { MongoStaffStore } from '../../src/store/mongo-staff.ts';
import { inviteeId, normalEmail, type Invitee } from '../../src/store/invitee-store.ts';
import type { JsonlFile } from '../../src/store/jsonl-file.ts';
import { MongoInviteeStore } from '../../src/store/mongo-invitee-store.ts';
import type { ContactRecord, ContactStore } from '../../src/store/response-store.ts';
import type { SealedSwap } from '../../src/store/sealed-swap.ts';
import type { StaffInviteRows, StaffStore } from '../../src/store/staff-store.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import type { Session } from '../../src/engine/session.ts';
import { mongoFor, redisFor } from '../support/stores.ts';
import { session } from '../store/session-store.contract.ts';

/**
 * A rotation reads a record, then writes it back sealed with the new key. An erasure or an update
 * landing in between must win: the write-back is a compare-and-set on the sealed values read.
 * The interleaving is made exact by running the other write inside the store's `list`, after the
 * records were read and before rotation gets them.
 */

const key = (fill: number) => ({ id: `k${fill}`, key: Buffer.alloc(32, fill) });
const ring = (current: number, ...others: number[]) =>
  new Keyring([key(current), ...others.map(key)], `k${current}`, Buffer.alloc(32, 9));
const K1 = ring(1);
/** The rotation's keys, and those of a process that restarted with the new current key. */
const K2_WITH_K1 = ring(2, 1);
/** Once rotation is done the old key can go: everything must open with the new one alone. */
const K2 = ring(2);
const nothing = () => {};

interface Inner {
  contacts: ContactStore & SealedSwap;
  addresses: AddressBook & SealedSwap;
  staff: StaffStore & SealedSwap & StaffInviteRows;
  /** The same data opened anew (embedded: the files read again), to see what is on disk. */
  reopen(): Inner;
}

function embedded(t: TestContext): Inner {
  const dir = mkdtempSync(join(tmpdir(), 'rotation-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const open = (): Inner => {
    const stores = {
      contacts: new FileContactStore(dir),
      addresses: new FileAddressBook(dir),
      staff: new FileStaffStore(dir),
    };
    t.after(() => Promise.all(Object.values(stores).map((s) => s.close())));
    return { ...stores, reopen: open };
  };
  return open();
}

async function ferret(t: TestContext): Promise<Inner | null> {
  const mongo = await mongoFor(t);
  if (!mongo) return null;
  const open = (): Inner => ({
    contacts: new MongoContactStore(mongo.connection),
    addresses: new MongoAddressBook(mongo.connection),
    staff: new MongoStaffStore(mongo.connection),
    reopen: open,
  });
  return open();
}

const KINDS: [string, (t: TestContext) => Promise<Inner | null>][] = [
  ['embedded', async (t) => embedded(t)],
  ['FerretDB', ferret],
];

/** `inner` whose `list` (or `method`) runs `between` once the records are read, before rotation sees any of them. */
function racing<T extends object>(inner: T, between: () => Promise<unknown>, method = 'list'): T {
  const list = () => {
    const read = (inner as Record<string, () => unknown>)[method]!.call(inner);
    if (read instanceof Promise)
      return read.then(async (all: unknown) => {
        await between();
        return all;
      });
    return (async function* () {
      const all: unknown[] = [];
      for await (const record of read as AsyncIterable<unknown>) all.push(record);
      await between();
      yield* all;
    })();
  };
  return Object.create(inner, { [method]: { value: list } }) as T;
}

const keyIdOf = (sealed: string | undefined) => sealed?.split(':')[1];

const contact = (n: number, name = `Adaeze Okonkwo-${n}`): ContactRecord => ({
  id: `resp-${n}-advocacy`,
  flowId: 'advocacy',
  respondent: `p${n}`,
  channel: 'telegram',
  chat: `55500${n}`,
  name,
  email: `adaeze${n}@example.org`,
  viaChat: false,
  language: 'en',
  createdAt: new Date('2026-11-01T00:00:00Z'),
});

const address = (n: number, chat = `77700${n}`): Address => ({
  respondent: `p${n}`,
  channel: 'telegram',
  chat,
  locale: 'en',
  updatedAt: new Date('2026-11-01T00:00:00Z'),
});

const member = (n: number, changes: Partial<StaffMember> = {}): StaffMember => ({
  id: `staff-${n}`,
  name: `Interviewer Liesel Brandt-${n}`,
  role: 'coordinator',
  scope: { campaigns: [], regions: [] },
  principals: [{ channel: 'telegram', user: `90${n}` }],
  locale: 'en',
  status: 'active',
  createdAt: new Date(Date.parse('2026-11-01T00:00:00Z') + n),
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  ...changes,
});

for (const [kind, open] of KINDS) {
  test(`${kind}: a contact erased between rotation's read and its write stays erased`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedContactStore(inner.contacts, K1, nothing);
    for (const n of [1, 2]) await before.save(contact(n));
    const live = new SealedContactStore(inner.contacts, K2_WITH_K1, nothing);
    const rotation = new SealedContactStore(
      racing(inner.contacts, () => live.deleteByRespondent('p2')),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedContactStore(inner.reopen().contacts, K2, nothing);
    assert.deepEqual(await after.list(), [contact(1)]);
    assert.equal(await after.get(contact(2).id), null, 'the erased contact is not written back');
    assert.deepEqual(
      result,
      { store: 'contacts', resealed: 1, unreadable: 0, skipped: 1 },
      'counted as changed meanwhile',
    );
  });

  test(`${kind}: a contact updated between rotation's read and its write keeps the update`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedContactStore(inner.contacts, K1, nothing);
    for (const n of [1, 2]) await before.save(contact(n));
    const live = new SealedContactStore(inner.contacts, K2_WITH_K1, nothing);
    const updated = { ...contact(2, 'Adaeze Okonkwo-Bello'), email: 'a.bello@example.org' };
    const rotation = new SealedContactStore(
      racing(inner.contacts, () => live.save(updated)),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedContactStore(inner.reopen().contacts, K2, nothing);
    assert.deepEqual(await after.get(updated.id), updated, 'the update is not undone');
    assert.deepEqual(await after.get(contact(1).id), contact(1));
    assert.deepEqual(
      (await inner.contacts.list()).map((c) => [keyIdOf(c.name), keyIdOf(c.email), keyIdOf(c.chat)]),
      [
        ['k2', 'k2', 'k2'],
        ['k2', 'k2', 'k2'],
      ],
      'the update sealed with the current key: nothing is left on the old one',
    );
    assert.deepEqual(await live.reseal(), { store: 'contacts', resealed: 0, unreadable: 0, skipped: 0 });
    assert.deepEqual(
      result,
      { store: 'contacts', resealed: 1, unreadable: 0, skipped: 1 },
      'counted as changed meanwhile',
    );
  });

  test(`${kind}: an address erased between rotation's read and its write stays erased`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedAddressBook(inner.addresses, K1, nothing);
    for (const n of [1, 2]) await before.put(address(n));
    const live = new SealedAddressBook(inner.addresses, K2_WITH_K1, nothing);
    const rotation = new SealedAddressBook(
      racing(inner.addresses, () => live.deleteByRespondent('p2')),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedAddressBook(inner.reopen().addresses, K2, nothing);
    assert.deepEqual(await after.byRespondent('p2'), [], 'the erased address is not written back');
    assert.deepEqual(await after.get('p1', 'telegram'), address(1));
    assert.deepEqual(
      result,
      { store: 'addresses', resealed: 1, unreadable: 0, skipped: 1 },
      'counted as changed meanwhile',
    );
  });

  test(`${kind}: an address moved or marked unreachable between rotation's read and its write keeps the change`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedAddressBook(inner.addresses, K1, nothing);
    for (const n of [1, 2]) await before.put(address(n));
    const live = new SealedAddressBook(inner.addresses, K2_WITH_K1, nothing);
    const blocked = { reason: 'blocked', at: new Date('2026-11-02T00:00:00Z') };
    const rotation = new SealedAddressBook(
      racing(inner.addresses, async () => {
        // A new chat for p2 (a put seals it anew); p1 blocked the bot (its chat is untouched).
        await live.put(address(2, '7770099'));
        await live.markUnreachable('p1', 'telegram', blocked.reason, blocked.at);
      }),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedAddressBook(inner.reopen().addresses, K2, nothing);
    assert.deepEqual(await after.get('p2', 'telegram'), address(2, '7770099'), 'the new chat is kept');
    assert.deepEqual(
      await after.get('p1', 'telegram'),
      { ...address(1), unreachable: blocked },
      'the chat sealed again, the mark made meanwhile kept',
    );
    assert.deepEqual(await live.reseal(), { store: 'addresses', resealed: 0, unreadable: 0, skipped: 0 });
    assert.deepEqual(
      result,
      { store: 'addresses', resealed: 1, unreadable: 0, skipped: 1 },
      'counted as changed meanwhile',
    );
  });

  test(`${kind}: a staff member revoked or renamed between rotation's read and its write keeps the change`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedStaffStore(inner.staff, K1, nothing);
    for (const n of [1, 2, 3]) await before.create(member(n));
    const live = new SealedStaffStore(inner.staff, K2_WITH_K1, nothing);
    const revoked = member(2, { status: 'revoked', updatedAt: new Date('2026-11-03T00:00:00Z') });
    const renamed = member(3, { name: 'Liesel Brandt', updatedAt: new Date('2026-11-03T00:00:00Z') });
    const rotation = new SealedStaffStore(
      racing(inner.staff, async () => {
        assert.equal(await live.update(revoked), true);
        assert.equal(await live.update(renamed), true);
      }),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedStaffStore(inner.reopen().staff, K2, nothing);
    assert.deepEqual(await after.get('staff-2'), revoked, 'a revocation is never undone by a rotation');
    assert.deepEqual(await after.get('staff-3'), renamed);
    assert.deepEqual(await after.get('staff-1'), member(1));
    assert.deepEqual(await live.reseal(), { store: 'staff', resealed: 0, unreadable: 0, skipped: 0 });
    assert.deepEqual(
      result,
      { store: 'staff', resealed: 1, unreadable: 0, skipped: 2 },
      'counted as changed meanwhile',
    );
  });

  test(`${kind}: the names given with invitation codes are sealed again too, and a code's redemption meanwhile stays`, async (t) => {
    const inner = await open(t);
    if (!inner) return;
    const before = new SealedStaffStore(inner.staff, K1, nothing);
    const code = (n: number, name: string): StaffInvite => ({
      codeHash: `code-${n}`,
      role: 'interviewer',
      scope: { campaigns: [], regions: [] },
      name,
      createdBy: 'staff-admin',
      createdAt: new Date('2026-11-01T00:00:00Z'),
      expiresAt: new Date('2026-12-01T00:00:00Z'),
    });
    await before.createInvite(code(1, 'Ngozi Adichie-Obi'));
    await before.createInvite(code(2, ''));
    await before.createInvite(code(3, 'Tomasz Wiśniewski'));
    const live = new SealedStaffStore(inner.staff, K2_WITH_K1, nothing);
    const rotation = new SealedStaffStore(
      racing(inner.staff, () => live.redeemInvite('code-3', new Date('2026-11-02T00:00:00Z')), 'listInvites'),
      K2_WITH_K1,
      nothing,
    );
    const result = await rotation.reseal();
    const after = new SealedStaffStore(inner.reopen().staff, K2, nothing);
    const now = new Date('2026-11-03T00:00:00Z');
    assert.deepEqual(await after.redeemInvite('code-1', now), {
      ok: true,
      invite: code(1, 'Ngozi Adichie-Obi'),
    });
    assert.deepEqual(await after.redeemInvite('code-2', now), { ok: true, invite: code(2, '') });
    assert.deepEqual(
      await after.redeemInvite('code-3', now),
      { ok: false, reason: 'used' },
      'redeemed meanwhile',
    );
    assert.deepEqual(result, { store: 'staff', resealed: 2, unreadable: 0, skipped: 0 });
  });
}

/**
 * Redis holds only sessions of the sealed data; their rotation replaces a session by a script
 * that checks the version and the data read. The other write runs just before that script is
 * sent for the session it races with.
 */
async function sessionRace(
  t: TestContext,
  between: (live: RedisSessionStore) => Promise<unknown>,
): Promise<{ result: unknown; stored: Session | unknown; live: RedisSessionStore } | null> {
  const r = await redisFor(t);
  if (!r) return null;
  const store = (keyring: Keyring) =>
    new RedisSessionStore(r.redis, { prefix: r.prefix, ttlMs: 60_000, keyring });
  const before = store(K1);
  for (const user of [1, 2]) await before.put(`telegram:${user}`, session({ id: `sess-${user}` }), null);
  const live = store(K2_WITH_K1);
  const rotation = store(K2_WITH_K1);
  const client = r.redis as unknown as { sessionReseal(name: string, ...rest: string[]): Promise<number> };
  const reseal = client.sessionReseal.bind(client);
  const raced = live.redisKey('telegram:2');
  client.sessionReseal = async (name, ...rest) => {
    if (name === raced) await between(live);
    return reseal(name, ...rest);
  };
  const result = await rotation.reseal();
  client.sessionReseal = reseal;
  const after = store(K2);
  assert.deepEqual(await after.get('telegram:1'), session({ id: 'sess-1' }), 'the other one sealed again');
  return { result, stored: await after.get('telegram:2'), live };
}

const oneSkipped = { store: 'sessions', resealed: 1, unreadable: 0, skipped: 1 };

test("Redis: a session erased between rotation's read and its write stays erased", async (t) => {
  const race = await sessionRace(t, (live) => live.delete('telegram:2'));
  if (!race) return;
  assert.equal(race.stored, null);
  assert.deepEqual(race.result, oneSkipped);
});

test("Redis: a session a turn updated between rotation's read and its write keeps the turn", async (t) => {
  const turn = session({ id: 'sess-2', version: 2, current: 'q7' });
  const race = await sessionRace(t, (live) => live.put('telegram:2', turn, 1));
  if (!race) return;
  assert.deepEqual(race.stored, turn);
  assert.deepEqual(race.result, oneSkipped);
  assert.deepEqual(await race.live.reseal(), { store: 'sessions', resealed: 0, unreadable: 0, skipped: 0 });
});

test('Redis: a session erased and begun again at the same version meanwhile is not replaced by the erased one', async (t) => {
  const fresh = session({ id: 'sess-new', answers: {}, path: [] });
  const race = await sessionRace(t, async (live) => {
    await live.delete('telegram:2');
    await live.put('telegram:2', fresh, null);
  });
  if (!race) return;
  assert.deepEqual(race.stored, fresh, 'the erased session does not come back under the new one');
  assert.deepEqual(race.result, oneSkipped);
});

test('embedded: once rotated, no line of the contacts, addresses or staff files holds a value of the old key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rotation-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stores = {
    contacts: new FileContactStore(dir),
    addresses: new FileAddressBook(dir),
    staff: new FileStaffStore(dir),
  };
  t.after(() => Promise.all(Object.values(stores).map((s) => s.close())));
  await new SealedContactStore(stores.contacts, K1, nothing).save(contact(1));
  await new SealedAddressBook(stores.addresses, K1, nothing).put(address(1));
  const staff = new SealedStaffStore(stores.staff, K1, nothing);
  await staff.create(member(1));
  await staff.createInvite({
    codeHash: 'code-1',
    role: 'interviewer',
    scope: { campaigns: [], regions: [] },
    name: 'Ngozi Adichie-Obi',
    createdBy: 'staff-1',
    createdAt: new Date('2026-11-01T00:00:00Z'),
    expiresAt: new Date('2026-12-01T00:00:00Z'),
  });
  const files = () =>
    ['contacts', 'addresses', 'staff', 'staff-invites']
      .map((f) => readFileSync(join(dir, `${f}.jsonl`), 'utf8'))
      .join('');
  assert.equal(files().match(/enc1:k1:/g)?.length, 6);
  for (const store of [
    new SealedContactStore(stores.contacts, K2_WITH_K1, nothing),
    new SealedAddressBook(stores.addresses, K2_WITH_K1, nothing),
    new SealedStaffStore(stores.staff, K2_WITH_K1, nothing),
  ])
    await store.reseal();
  assert.doesNotMatch(files(), /enc1:k1:/);
  assert.equal(files().match(/enc1:k2:/g)?.length, 6);
});

const invitee = (n: number) => sampleInvitee(n);

/** The stored id of invitee `n` (its address's keyed hash). */
const storedInviteeId = (n: number) =>
  inviteeId('mena-2026', K1.hash(normalEmail(invitee(n).email), EMAIL_HASH));

const INVITEE_CHANGES: [string, (live: SealedInviteeStore) => Promise<unknown>, Invitee | null][] = [
  ['erased', (live) => live.deleteByEmail(invitee(2).email), null],
  [
    'unsubscribed',
    (live) => live.unsubscribe(invitee(2).token, new Date('2026-11-05T00:00:00Z')),
    { ...invitee(2), unsubscribedAt: new Date('2026-11-05T00:00:00Z') },
  ],
];

for (const [change, between, expected] of INVITEE_CHANGES) {
  /**
   * The embedded store reads the invitee again from disk before replacing it; that read waits on
   * the file, and an erasure or an unsubscription can run meanwhile.
   */
  test(`embedded: an invitee ${change} while rotation reads it back from disk keeps that change`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rotation-race-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const inner = new FileInviteeStore(dir);
    t.after(() => inner.close());
    const before = new SealedInviteeStore(inner, K1, nothing);
    for (const n of [1, 2]) await before.upsert(invitee(n));
    const live = new SealedInviteeStore(inner, K2_WITH_K1, nothing);
    const file = (inner as unknown as { file: JsonlFile<{ id: string }> }).file;
    const read = file.read.bind(file);
    let reads = 0;
    // Its first read is rotation's batch; the second, the one before the replacement.
    file.read = async (id) => {
      const row = await read(id);
      if (id === storedInviteeId(2) && ++reads === 2) {
        file.read = read;
        await between(live);
      }
      return row;
    };
    const result = await new SealedInviteeStore(inner, K2_WITH_K1, nothing).reseal();
    const next = await live.reseal();
    assert.equal(reads, 2);
    const reopened = new FileInviteeStore(dir);
    t.after(() => reopened.close());
    const after = new SealedInviteeStore(reopened, K2, nothing);
    assert.deepEqual(await after.get('mena-2026', invitee(2).email), expected);
    assert.deepEqual(await after.get('mena-2026', invitee(1).email), invitee(1));
    assert.deepEqual(result, { store: 'invitees', resealed: 1, unreadable: 0, skipped: 1 });
    assert.deepEqual(
      next,
      { store: 'invitees', resealed: expected ? 1 : 0, unreadable: 0, skipped: 0 },
      'an unsubscription seals nothing: the next run seals what is still on the old key',
    );
  });

  test(`FerretDB: an invitee ${change} between rotation's read and its write keeps that change`, async (t) => {
    const mongo = await mongoFor(t);
    if (!mongo) return;
    const inner = new MongoInviteeStore(mongo.connection);
    const before = new SealedInviteeStore(inner, K1, nothing);
    for (const n of [1, 2]) await before.upsert(invitee(n));
    const live = new SealedInviteeStore(inner, K2_WITH_K1, nothing);
    const racing = Object.create(inner, {
      rows: {
        value: async (...args: Parameters<MongoInviteeStore['rows']>) => {
          const batch = await inner.rows(...args);
          if (batch.length > 0) await between(live);
          return batch;
        },
      },
    }) as MongoInviteeStore;
    const result = await new SealedInviteeStore(racing, K2_WITH_K1, nothing).reseal();
    const next = await live.reseal();
    const after = new SealedInviteeStore(inner, K2, nothing);
    assert.deepEqual(await after.get('mena-2026', invitee(2).email), expected);
    assert.deepEqual(await after.get('mena-2026', invitee(1).email), invitee(1));
    assert.deepEqual(result, { store: 'invitees', resealed: 1, unreadable: 0, skipped: 1 });
    assert.deepEqual(
      next,
      { store: 'invitees', resealed: expected ? 1 : 0, unreadable: 0, skipped: 0 },
      'an unsubscription seals nothing: the next run seals what is still on the old key',
    );
  });
}
