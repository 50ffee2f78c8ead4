import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Invitation, InvitationStore } from '../../src/store/invitation-store.ts';

export type OpenInvitationStore = (t: TestContext) => Promise<InvitationStore | null>;

const NOW = new Date('2024-05-01T12:00:00.000Z');

export function invitation(over: Partial<Invitation> = {}): Invitation {
  return {
    token: 'Egypt-2024_a',
    campaign: 'mena-2024',
    coordinator: 'coord-7',
    region: 'MENA',
    maxUses: 2,
    uses: 0,
    revoked: false,
    expiresAt: new Date('2024-06-01T00:00:00.000Z'),
    createdAt: new Date('2024-04-01T00:00:00.000Z'),
    ...over,
  };
}

/** One contract for every InvitationStore. */
export function invitationStoreContract(name: string, open: OpenInvitationStore): void {
  describe(`InvitationStore contract: ${name}`, () => {
    test('an invitation reads back whole; an unknown or malformed token reads as nothing', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      assert.deepEqual(await store.get('Egypt-2024_a'), invitation());
      assert.equal(await store.get('Egypt-2024_b'), null);
      assert.equal(await store.get('no spaces allowed'), null);
      const {
        coordinator: _c,
        region: _r,
        expiresAt: _e,
        ...bare
      } = invitation({ token: 'open-link', maxUses: null });
      await store.create(bare);
      assert.deepEqual(await store.get('open-link'), bare);
    });

    test('a token exists once, and only tokens of the safe alphabet are accepted', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      await assert.rejects(store.create(invitation({ campaign: 'other' })), /already exists/);
      await assert.rejects(store.create(invitation({ token: '$where' })), /invalid invitation token/);
      assert.equal((await store.get('Egypt-2024_a'))!.campaign, 'mena-2024');
    });

    test('a batch of invitations is created at once; a token already there is refused', async (t) => {
      const store = await open(t);
      if (!store) return;
      const batch = Array.from({ length: 150 }, (_, i) => invitation({ token: `batch-${i}`, maxUses: 1 }));
      await store.createMany(batch);
      assert.deepEqual(await store.get('batch-149'), batch[149]);
      assert.equal((await store.list()).length, 150);
      await assert.rejects(store.createMany([invitation({ token: 'batch-7' })]), /already exists/);
      await assert.rejects(store.createMany([invitation({ token: 'no spaces' })]), /invalid/);
      await store.createMany([]);
    });

    test('redeeming counts uses up to the limit, then says why not', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      const first = await store.redeem('Egypt-2024_a', NOW);
      assert.deepEqual(first, { ok: true, invitation: invitation({ uses: 1 }) });
      assert.equal((await store.redeem('Egypt-2024_a', NOW)).ok, true);
      assert.deepEqual(await store.redeem('Egypt-2024_a', NOW), { ok: false, reason: 'used_up' });
      assert.equal((await store.get('Egypt-2024_a'))!.uses, 2);
    });

    test('unknown, revoked and expired tokens are refused with their reason', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      await store.create(invitation({ token: 'old-one', expiresAt: new Date('2024-04-30T00:00:00.000Z') }));
      assert.deepEqual(await store.redeem('nope-nope', NOW), { ok: false, reason: 'unknown' });
      assert.deepEqual(await store.redeem('old-one', NOW), { ok: false, reason: 'expired' });
      assert.equal(await store.revoke('Egypt-2024_a'), true);
      assert.equal(await store.revoke('nope-nope'), false);
      assert.deepEqual(await store.redeem('Egypt-2024_a', NOW), { ok: false, reason: 'revoked' });
      assert.equal((await store.get('Egypt-2024_a'))!.uses, 0);
    });

    test('a campaign link without limit is redeemed any number of times', async (t) => {
      const store = await open(t);
      if (!store) return;
      const { expiresAt: _e, ...open_ } = invitation({ token: 'campaign', maxUses: null });
      await store.create(open_);
      for (let i = 0; i < 5; i++) assert.equal((await store.redeem('campaign', NOW)).ok, true);
      assert.equal((await store.get('campaign'))!.uses, 5);
    });

    test('respondents racing for the last uses: exactly as many win as there are uses', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation({ maxUses: 3 }));
      const results = await Promise.all(Array.from({ length: 20 }, () => store.redeem('Egypt-2024_a', NOW)));
      assert.equal(results.filter((r) => r.ok).length, 3);
      assert.ok(results.every((r) => r.ok || r.reason === 'used_up'));
      assert.equal((await store.get('Egypt-2024_a'))!.uses, 3);
    });

    test('a token smuggled in as an object is no token', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      const operator = { $gt: '' } as unknown as string;
      assert.equal(await store.get(operator), null);
      assert.deepEqual(await store.redeem(operator, NOW), { ok: false, reason: 'unknown' });
      assert.equal(await store.revoke(operator), false);
      assert.equal((await store.get('Egypt-2024_a'))!.revoked, false);
    });

    test('list gives every invitation', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(invitation());
      await store.create(invitation({ token: 'second', createdAt: new Date('2024-04-02T00:00:00.000Z') }));
      assert.deepEqual((await store.list()).map((i) => i.token).sort(), ['Egypt-2024_a', 'second']);
    });
  });
}
