import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { computeFunnel, funnelCsv } from '../../src/campaigns/funnel.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileResponseStore } from '../../src/store/file-response-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { flow } from '../support/flow.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { FUNNEL_DROP_OFF, funnelRows, seedFunnel } from './funnel-fixture.ts';

/** The fixture's hand count (funnel-fixture.ts). */
test('a campaign’s funnel at every stage and split, with drop-off per question and median time, equals the hand count; the CSV says the same', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'funnel-'));
  const stores = {
    invitees: new FileInviteeStore(dir),
    invitations: new FileInvitationStore(dir),
    sends: new FileSendLog(dir),
    responses: new FileResponseStore(dir),
  };
  t.after(async () => {
    for (const s of Object.values(stores)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const c = campaign({ status: 'open' });
  await seedFunnel(stores, c);
  const funnel = await computeFunnel({ ...stores, flowOf: () => flow }, c);
  assert.deepEqual(funnel.rows, funnelRows());
  assert.deepEqual(funnel.dropOff, FUNNEL_DROP_OFF);

  const csv = parse(funnelCsv(funnel), { columns: true }) as Record<string, string>[];
  assert.equal(csv.length, funnel.rows.length);
  assert.deepEqual(csv[0], {
    campaign: c.id,
    split: 'all',
    group: 'all',
    invited: '4',
    delivered: '3',
    started: '5',
    consented: '4',
    completed: '3',
    followUp: '2',
    median_seconds: '900',
  });
  assert.deepEqual(
    csv.map((r) => [r.split, r.group, r.started, r.median_seconds]),
    funnel.rows.map((r) => [
      r.split,
      r.group,
      String(r.started),
      r.medianSeconds === null ? '' : String(r.medianSeconds),
    ]),
  );
});
