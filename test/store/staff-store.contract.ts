import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { StaffInvite, StaffMember } from '../../src/staff/staff.ts';
import type { StaffStore } from '../../src/store/staff-store.ts';

export type OpenStaffStore = (t: TestContext) => Promise<StaffStore | null>;

export function member(over: Partial<StaffMember> = {}): StaffMember {
  return {
    id: 'm1',
    name: 'Amina',
    role: 'coordinator',
    scope: { campaigns: ['cairo-2027'], regions: ['015'] },
    principals: [{ channel: 'telegram', user: '1001' }],
    locale: 'ar',
    status: 'active',
    createdAt: new Date('2026-11-01T10:00:00Z'),
    updatedAt: new Date('2026-11-01T10:00:00Z'),
    ...over,
  };
}

function invite(over: Partial<StaffInvite> = {}): StaffInvite {
  return {
    codeHash: 'a'.repeat(64),
    role: 'interviewer',
    scope: { campaigns: [], regions: [] },
    name: 'New interviewer',
    createdBy: 'm1',
    createdAt: new Date('2026-11-01T10:00:00Z'),
    expiresAt: new Date('2026-11-08T10:00:00Z'),
    ...over,
  };
}

export function staffStoreContract(name: string, open: OpenStaffStore): void {
  describe(`staff store contract: ${name}`, () => {
    test('members are found by id and by any of their accounts, and updated in place', async (t) => {
      const store = await open(t);
      if (!store) return;
      const amina = member({
        principals: [
          { channel: 'telegram', user: '1001' },
          { channel: 'discord', user: '2002' },
        ],
      });
      await store.create(amina);
      await store.create(member({ id: 'm2', name: 'Boris', role: 'interviewer', principals: [] }));
      await assert.rejects(store.create(member()), /already exists/);
      assert.deepEqual(await store.get('m1'), amina);
      assert.deepEqual(await store.byPrincipal({ channel: 'discord', user: '2002' }), amina);
      assert.equal(await store.byPrincipal({ channel: 'discord', user: '1001' }), null);
      assert.equal(await store.byPrincipal({ channel: 'telegram', user: '2002' }), null);
      assert.deepEqual(
        (await store.list()).map((m) => m.id),
        ['m1', 'm2'],
      );
      const revoked = { ...amina, status: 'revoked' as const, updatedAt: new Date('2026-11-02T00:00:00Z') };
      assert.equal(await store.update(revoked), true);
      assert.deepEqual(await store.get('m1'), revoked);
      assert.equal(await store.update(member({ id: 'nobody' })), false);
      assert.equal(await store.get('nobody'), null);
    });

    test('lookups with values that are not ids find nothing and never become operators', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(member());
      for (const bad of [{ $ne: 'x' }, { $gt: '' }, 42, null]) {
        assert.equal(await store.get(bad as never), null);
        assert.equal(await store.byPrincipal({ channel: 'telegram', user: bad as never }), null);
        const taken = await store.redeemInvite(bad as never, new Date());
        assert.equal(taken.ok, false);
      }
    });

    test('an invitation code is taken once, never after it expired, and racing takers get it once', async (t) => {
      const store = await open(t);
      if (!store) return;
      const now = new Date('2026-11-03T00:00:00Z');
      await store.createInvite(invite());
      await store.createInvite(
        invite({ codeHash: 'b'.repeat(64), expiresAt: new Date('2026-11-02T00:00:00Z') }),
      );
      await store.createInvite(invite({ codeHash: 'c'.repeat(64), name: '' }));
      await assert.rejects(store.createInvite(invite()), /already exists/);

      const first = await store.redeemInvite('a'.repeat(64), now);
      assert.deepEqual(first, { ok: true, invite: invite() });
      assert.deepEqual(await store.redeemInvite('a'.repeat(64), now), { ok: false, reason: 'used' });
      assert.deepEqual(await store.redeemInvite('b'.repeat(64), now), { ok: false, reason: 'expired' });
      assert.deepEqual(await store.redeemInvite('d'.repeat(64), now), { ok: false, reason: 'unknown' });

      const racing = await Promise.all(
        Array.from({ length: 8 }, () => store.redeemInvite('c'.repeat(64), now)),
      );
      assert.equal(racing.filter((r) => r.ok).length, 1);
      assert.ok(racing.every((r) => r.ok || r.reason === 'used'));
      assert.equal(racing.find((r) => r.ok)?.invite.name, '');
    });
  });
}
