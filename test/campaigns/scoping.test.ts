import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Campaigns } from '../../src/campaigns/campaigns.ts';
import { invitationQueue } from '../../src/campaigns/invitation-send.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import type { Role, StaffMember } from '../../src/staff/staff.ts';
import { FileAuditLog } from '../../src/store/file-audit-log.ts';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { FileResponseStore } from '../../src/store/file-response-store.ts';
import { flow } from '../support/flow.ts';

function member(id: string, role: Role, over: Partial<StaffMember> = {}): StaffMember {
  const at = new Date('2026-11-01T00:00:00Z');
  return {
    id,
    name: id,
    role,
    scope: { campaigns: [], regions: [] },
    principals: [{ channel: 'telegram', user: id }],
    locale: 'en',
    status: 'active',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

function desk(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'campaign-scope-'));
  const jobs = new MemoryJobs();
  const stores = {
    campaigns: new FileCampaignStore(dir),
    invitees: new FileInviteeStore(dir),
    invitations: new FileInvitationStore(dir),
    sends: new FileSendLog(dir),
    audit: new FileAuditLog(dir),
    responses: new FileResponseStore(dir),
  };
  const queue = invitationQueue(jobs);
  t.after(async () => {
    await jobs.close();
    for (const s of Object.values(stores)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    campaigns: new Campaigns({ ...stores, flowOf: () => flow, invitationQueue: queue }),
    stores,
    queue,
  };
}

const base = {
  name: 'Campaign',
  flowId: 'advocacy',
  regions: [],
  languages: ['en' as const],
  consentOrganisation: 'IFLA',
};

test('a coordinator sees and sends only for their own campaigns; an interviewer creates, sees and sends nothing', async (t) => {
  const { campaigns, stores, queue } = desk(t);
  const admin = member('m-admin', 'admin');
  const alice = member('m-alice', 'coordinator');
  const bob = member('m-bob', 'coordinator');
  const ivan = member('m-ivan', 'interviewer');
  const revoked = member('m-gone', 'coordinator', { status: 'revoked' });

  assert.equal((await campaigns.create(alice, { ...base, id: 'alice-2026', coordinators: [] })).ok, true);
  assert.equal(
    (await campaigns.create(admin, { ...base, id: 'bob-2026', coordinators: ['m-bob'] })).ok,
    true,
  );
  assert.deepEqual(await campaigns.create(ivan, { ...base, id: 'ivan-2026', coordinators: [] }), {
    ok: false,
    reason: 'forbidden',
  });
  assert.deepEqual(
    (await stores.campaigns.get('alice-2026'))?.coordinators,
    ['m-alice'],
    'the creator runs it',
  );

  assert.deepEqual(
    (await campaigns.list(alice)).map((c) => c.id),
    ['alice-2026'],
  );
  assert.deepEqual(
    (await campaigns.list(admin)).map((c) => c.id),
    ['alice-2026', 'bob-2026'],
  );
  assert.deepEqual(await campaigns.list(ivan), []);
  assert.deepEqual(await campaigns.list(revoked), []);

  const file = Buffer.from('email\nx@example.org\n');
  const notFound = { ok: false, reason: 'not_found' };
  for (const [who, id] of [
    [bob, 'alice-2026'],
    [alice, 'bob-2026'],
    [ivan, 'alice-2026'],
    [revoked, 'alice-2026'],
  ] as const) {
    assert.deepEqual(await campaigns.get(who, id), notFound, `${who.id} on ${id}`);
    assert.deepEqual(await campaigns.importInvitees(who, id, file), notFound);
    assert.deepEqual(await campaigns.sendInvitations(who, id), notFound);
    assert.deepEqual(await campaigns.progress(who, id), notFound);
    assert.deepEqual(await campaigns.openLink(who, id, 10), notFound);
    assert.deepEqual(await campaigns.setStatus(who, id, 'closed'), notFound);
  }
  assert.equal(await stores.invitees.count('alice-2026'), 0, 'nothing imported by others');
  assert.deepEqual(await queue.counts(), { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 });

  const imported = await campaigns.importInvitees(alice, 'alice-2026', file);
  assert.equal(imported.ok && 'added' in imported.value && imported.value.added, 1);
  assert.deepEqual(await campaigns.sendInvitations(alice, 'alice-2026'), { ok: true, value: 'added' });
  assert.equal((await campaigns.sendInvitations(bob, 'bob-2026')).ok, true);
  // A coordinator whose scope names a campaign runs it too.
  const scoped = member('m-carol', 'coordinator', { scope: { campaigns: ['bob-2026'], regions: [] } });
  assert.equal((await campaigns.get(scoped, 'bob-2026')).ok, true);
  assert.deepEqual(await campaigns.get(scoped, 'alice-2026'), notFound);
});

test('a campaign is checked before it is stored: a bad id, no language, an unknown region; an id taken', async (t) => {
  const { campaigns } = desk(t);
  const admin = member('m-admin', 'admin');
  const bad = await campaigns.create(admin, {
    ...base,
    id: 'Bad Id!',
    coordinators: [],
    languages: [],
    regions: ['Europe'],
  });
  assert.deepEqual(bad, { ok: false, reason: 'invalid', problems: ['id', 'regions.0', 'languages'] });
  assert.equal((await campaigns.create(admin, { ...base, id: 'taken', coordinators: [] })).ok, true);
  assert.deepEqual(await campaigns.create(admin, { ...base, id: 'taken', coordinators: [] }), {
    ok: false,
    reason: 'invalid',
    problems: ['id'],
  });
});
