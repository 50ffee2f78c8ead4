import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Campaign } from '../../src/campaigns/campaign.ts';
import type { CampaignStore } from '../../src/store/campaign-store.ts';
import {
  inviteeId,
  type Invitee,
  type InviteeRows,
  type InviteeStore,
} from '../../src/store/invitee-store.ts';
import type { SendLog } from '../../src/store/send-log.ts';

type Open<T> = (t: TestContext) => Promise<T | null>;

const T0 = new Date('2026-11-01T00:00:00.000Z');
const T1 = new Date('2026-11-02T00:00:00.000Z');

export function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 'mena-2026',
    name: 'Arab States 2026',
    flowId: 'advocacy',
    coordinators: ['m-coord-1'],
    regions: ['145', 'EG'],
    languages: ['ar', 'en'],
    opensAt: T0,
    closesAt: new Date('2026-12-31T00:00:00.000Z'),
    consentOrganisation: 'IFLA Section on Library Associations',
    reminders: { firstAfterDays: 3, minGapDays: 4, maxCount: 2 },
    status: 'draft',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function invitee(over: Partial<Invitee> = {}): Invitee {
  return {
    campaign: 'mena-2026',
    email: 'amal@example.org',
    name: 'Amal',
    language: 'ar',
    country: 'EG',
    organisation: 'Egyptian Library Association',
    attributes: { city: 'Cairo' },
    token: 'AAAAAAAAAAAAAAAAAAAAAAAA',
    coordinator: 'm-coord-1',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function campaignStoreContract(name: string, open: Open<CampaignStore>): void {
  describe(`campaign store contract: ${name}`, () => {
    test('a campaign reads back whole, exists once, is replaced by update and listed oldest first', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(campaign());
      assert.deepEqual(await store.get('mena-2026'), campaign());
      await assert.rejects(store.create(campaign({ name: 'again' })), /already exists/);
      const { opensAt: _o, closesAt: _c, ...undated } = campaign({ id: 'latam', createdAt: T1 });
      await store.create(undated);
      assert.deepEqual(await store.get('latam'), undated);
      assert.equal(await store.update(campaign({ status: 'open', updatedAt: T1 })), true);
      assert.equal((await store.get('mena-2026'))?.status, 'open');
      assert.equal(await store.update(campaign({ id: 'nowhere' })), false);
      assert.deepEqual(
        (await store.list()).map((c) => c.id),
        ['mena-2026', 'latam'],
      );
    });

    test('an unknown id, a malformed one or an operator reads as nothing', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(campaign());
      assert.equal(await store.get('other'), null);
      assert.equal(await store.get('Not An Id'), null);
      assert.equal(await store.get({ $ne: '' } as unknown as string), null);
    });
  });
}

/** `order: 'any'`: a store that streams in another stable order (the sealed one: by the address's hash). */
export function inviteeStoreContract(
  name: string,
  open: Open<InviteeStore>,
  { order = 'address' }: { order?: 'address' | 'any' } = {},
): void {
  describe(`invitee store contract: ${name}`, () => {
    test('an address is one invitee per campaign: importing it again merges and keeps the token', async (t) => {
      const store = await open(t);
      if (!store) return;
      assert.equal((await store.upsert(invitee())).added, true);
      const again = await store.upsert(
        invitee({
          email: ' Amal@Example.ORG ',
          name: 'Amal H.',
          token: 'BBBBBBBBBBBBBBBBBBBBBBBB',
          attributes: { phone: '1' },
          updatedAt: T1,
        }),
      );
      assert.equal(again.added, false);
      const stored = await store.get('mena-2026', 'AMAL@example.org');
      assert.deepEqual(stored, {
        ...invitee(),
        name: 'Amal H.',
        attributes: { city: 'Cairo', phone: '1' },
        updatedAt: T1,
      });
      assert.deepEqual(again.invitee, stored);
      assert.deepEqual(await store.byToken('AAAAAAAAAAAAAAAAAAAAAAAA'), stored);
      assert.equal(await store.byToken('BBBBBBBBBBBBBBBBBBBBBBBB'), null);
      // An address without a name is an invitee all the same.
      await store.upsert(invitee({ email: 'noname@x.org', name: '', token: 'N'.repeat(24) }));
      assert.equal((await store.byToken('N'.repeat(24)))?.name, '');
      // The same address in another campaign is another invitee.
      await store.upsert(invitee({ campaign: 'latam', token: 'CCCCCCCCCCCCCCCCCCCCCCCC' }));
      assert.equal(await store.count('mena-2026'), 2);
      assert.equal(await store.count('latam'), 1);
    });

    test('a batch is upserted as one by one: new ones added, stored ones merged keeping their token', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.upsert(invitee());
      // More than one write command holds (a store may split its merges).
      const others = Array.from({ length: 150 }, (_, i) =>
        invitee({ email: `p${i}@x.org`, token: `T${String(i).padStart(23, '0')}` }),
      );
      await store.upsertMany(others.slice(0, 120));
      const batch = [
        invitee({ email: ' AMAL@example.org', name: 'Amal H.', token: 'B'.repeat(24), updatedAt: T1 }),
        ...others.map((o, i) => ({
          ...o,
          name: `${o.name}!`,
          token: `N${String(i).padStart(23, '0')}`,
          updatedAt: T1,
        })),
      ];
      const results = await store.upsertMany(batch);
      assert.deepEqual(
        results.map((r) => r.added),
        [false, ...others.map((_, i) => i >= 120)],
      );
      const amal = { ...invitee(), name: 'Amal H.', updatedAt: T1 };
      assert.deepEqual(results[0]!.invitee, amal);
      assert.deepEqual(await store.get('mena-2026', 'amal@example.org'), amal);
      // Stored ones keep their token; new ones take theirs.
      assert.equal((await store.get('mena-2026', 'p5@x.org'))?.token, others[5]!.token);
      assert.equal((await store.get('mena-2026', 'p5@x.org'))?.name, 'Amal!');
      assert.equal((await store.get('mena-2026', 'p130@x.org'))?.token, `N${String(130).padStart(23, '0')}`);
      assert.equal(await store.count('mena-2026'), 151);
      assert.deepEqual(await store.upsertMany([]), []);
    });

    test("getMany finds a campaign's invitees by address, whatever its case", async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.upsert(invitee());
      await store.upsert(invitee({ email: 'b@x.org', token: 'B'.repeat(24) }));
      await store.upsert(invitee({ campaign: 'latam', email: 'c@x.org', token: 'C'.repeat(24) }));
      const found = await store.getMany('mena-2026', [
        ' Amal@Example.org',
        'b@x.org',
        'c@x.org',
        'none@x.org',
      ]);
      assert.deepEqual([...found.keys()].sort(), ['amal@example.org', 'b@x.org']);
      assert.deepEqual(found.get('amal@example.org'), invitee());
      assert.equal((await store.getMany('mena-2026', [])).size, 0);
      assert.equal((await store.getMany('mena-2026', [{ $ne: '' } as unknown as string])).size, 0);
    });

    test('a campaign streams in address order; unsubscribing and starting are noted', async (t) => {
      const store = await open(t);
      if (!store) return;
      for (const [email, token] of [
        ['c@x.org', 'C'],
        ['a@x.org', 'A'],
        ['b@x.org', 'B'],
      ] as const)
        await store.upsert(invitee({ email, token: token.repeat(24) }));
      const seen: string[] = [];
      for await (const i of store.scan('mena-2026')) seen.push(i.email);
      assert.deepEqual(order === 'address' ? seen : seen.sort(), ['a@x.org', 'b@x.org', 'c@x.org']);
      assert.equal(await store.unsubscribe('B'.repeat(24), T1), true);
      assert.equal(await store.unsubscribe('B'.repeat(24), new Date('2027-01-01')), true);
      assert.deepEqual((await store.byToken('B'.repeat(24)))?.unsubscribedAt, T1);
      assert.equal(await store.unsubscribe('Z'.repeat(24), T1), false);
      assert.equal(await store.linkRespondent('A'.repeat(24), 'p-1'), true);
      assert.equal((await store.byToken('A'.repeat(24)))?.respondent, 'p-1');
    });

    test('erasure by e-mail (every campaign) and by respondent', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.upsert(invitee());
      await store.upsert(invitee({ campaign: 'latam', token: 'C'.repeat(24) }));
      await store.upsert(invitee({ email: 'other@x.org', token: 'D'.repeat(24) }));
      await store.linkRespondent('D'.repeat(24), 'p-2');
      assert.equal(await store.deleteByEmail('AMAL@example.org'), 2);
      assert.equal(await store.byToken('A'.repeat(24)), null);
      assert.equal(await store.deleteByRespondent('p-2'), 1);
      assert.equal(await store.count('mena-2026'), 0);
      assert.equal(await store.deleteByEmail({ $ne: '' } as unknown as string), 0);
    });
  });
}

/** The stored invitees, walked and replaced one by one as a key rotation does. */
export function inviteeRowsContract(name: string, open: Open<InviteeStore & InviteeRows>): void {
  describe(`invitee rows contract: ${name}`, () => {
    test('rows are walked in id order in batches; a replacement keeps to what was read, may move to another id, and never brings back an erased invitee', async (t) => {
      const store = await open(t);
      if (!store) return;
      const emails = ['e@x.org', 'a@x.org', 'd@x.org', 'b@x.org', 'c@x.org'];
      for (const [i, email] of emails.entries())
        await store.upsert(invitee({ email, token: String(i).repeat(24) }));
      const walked: string[] = [];
      for (let after = ''; ;) {
        const batch = await store.rows(after, 2);
        walked.push(...batch.map((r) => r.email));
        if (batch.length < 2) break;
        after = inviteeId(batch.at(-1)!.campaign, batch.at(-1)!.email);
      }
      assert.deepEqual(walked, [...emails].sort());

      // In place: the name changes; the rest stays.
      const [a] = await store.rows('', 1);
      assert.equal(await store.replace(a!, { ...a!, name: 'sealed name' }), true);
      assert.equal((await store.get('mena-2026', 'a@x.org'))?.name, 'sealed name');
      assert.equal(
        await store.replace(a!, { ...a!, name: 'again' }),
        false,
        'the name is not what was read any more',
      );

      // Changed meanwhile: left as it is.
      const b = (await store.get('mena-2026', 'b@x.org'))!;
      await store.linkRespondent(b.token, 'p-b');
      assert.equal(await store.replace(b, { ...b, name: 'x' }), false);
      assert.equal((await store.get('mena-2026', 'b@x.org'))?.respondent, 'p-b', 'the link is kept');
      const c = (await store.get('mena-2026', 'c@x.org'))!;
      await store.unsubscribe(c.token, T1);
      assert.equal(await store.replace(c, { ...c, name: 'x' }), false);

      // Moved to another id (an address gets its hash): found by the new address and the same token.
      const d = (await store.get('mena-2026', 'd@x.org'))!;
      const hashed = { ...d, email: 'f'.repeat(32), sealedEmail: 'sealed d' };
      assert.equal(await store.replace(d, hashed), true);
      assert.equal(await store.get('mena-2026', 'd@x.org'), null);
      assert.deepEqual(await store.get('mena-2026', 'f'.repeat(32)), hashed);
      assert.deepEqual(await store.byToken(d.token), hashed);
      assert.equal(await store.count('mena-2026'), 5);

      // Erased between the read and the replacement: it stays erased.
      const e = (await store.get('mena-2026', 'e@x.org'))!;
      assert.equal(await store.deleteByEmail('e@x.org'), 1);
      assert.equal(await store.replace(e, { ...e, email: 'e'.repeat(32) }), false);
      assert.equal(await store.replace(e, { ...e, name: 'x' }), false);
      assert.equal(await store.get('mena-2026', 'e'.repeat(32)), null);
      assert.equal(await store.byToken(e.token), null);
      await store.compact();
      assert.equal(await store.count('mena-2026'), 4);
      assert.equal((await store.get('mena-2026', 'a@x.org'))?.name, 'sealed name');
    });
  });
}

export function sendLogContract(name: string, open: Open<SendLog>): void {
  describe(`send log contract: ${name}`, () => {
    test('a key is claimed once, settled, streamed by campaign and erased by respondent', async (t) => {
      const log = await open(t);
      if (!log) return;
      const base = { campaign: 'mena-2026', kind: 'invitation' as const, channel: 'email', startedAt: T0 };
      assert.equal(await log.begin({ ...base, key: 'invite:mena-2026:A', invitee: 'A' }), true);
      assert.equal(await log.begin({ ...base, key: 'invite:mena-2026:A', invitee: 'A' }), false);
      assert.deepEqual(await log.get('invite:mena-2026:A'), {
        ...base,
        key: 'invite:mena-2026:A',
        invitee: 'A',
        status: 'sending',
      });
      await log.finish('invite:mena-2026:A', 'refused', T1, '550');
      assert.deepEqual(await log.get('invite:mena-2026:A'), {
        ...base,
        key: 'invite:mena-2026:A',
        invitee: 'A',
        status: 'refused',
        detail: '550',
        finishedAt: T1,
      });
      await assert.rejects(log.finish('nothing', 'sent', T1), /no such send/);
      const reminder = { ...base, kind: 'reminder' as const, channel: 'telegram', respondent: 'p-1' };
      assert.equal(await log.begin({ ...reminder, key: 'remind:mena-2026:p-1:1' }), true);
      assert.equal(await log.begin({ ...reminder, key: 'remind:other:p-1:1', campaign: 'other' }), true);
      const keys: string[] = [];
      for await (const r of log.scan('mena-2026')) keys.push(r.key);
      assert.deepEqual(keys.sort(), ['invite:mena-2026:A', 'remind:mena-2026:p-1:1']);
      assert.equal(await log.deleteByRespondent('p-1'), 2);
      assert.equal(await log.get('remind:mena-2026:p-1:1'), null);
    });

    test('claims racing for one key: exactly one wins', async (t) => {
      const log = await open(t);
      if (!log) return;
      const base = { campaign: 'c1', kind: 'invitation' as const, channel: 'email', startedAt: T0 };
      const won = await Promise.all(Array.from({ length: 10 }, () => log.begin({ ...base, key: 'k' })));
      assert.equal(won.filter(Boolean).length, 1);
    });
  });
}
