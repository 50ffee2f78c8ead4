import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Flow } from '../../src/engine/flow.ts';
import { applyRetention } from '../../src/privacy/retention.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { collect, type ResponseRecord } from '../../src/store/response-store.ts';
import { flow } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';

const closing: Flow = { ...flow, retention: { closes: '2026-06-30', contactsDays: 90, unfinishedDays: 30 } };
const open: Flow = { ...flow, id: 'open_survey' };
const flows = {
  ids: () => [closing.id, open.id],
  get: (id: string) => [closing, open].find((f) => f.id === id),
};

const at = new Date('2026-05-01T10:00:00Z');
const response = (id: string, flowId: string, status: ResponseRecord['status']): ResponseRecord => ({
  id,
  flowId,
  flowVersion: 1,
  locale: 'en',
  channel: 'telegram',
  respondent: `person-${id}`,
  status,
  answers: {},
  durations: {},
  startedAt: at,
  updatedAt: at,
  contactId: id,
});
const contact = (id: string, flowId: string) => ({
  id,
  flowId,
  respondent: `person-${id}`,
  channel: 'telegram',
  name: `Name ${id}`,
  viaChat: true,
  language: 'en',
  createdAt: at,
});

test('retention with a fixed clock: unfinished responses go 30 days after closing, contacts 90 days after, nothing else and nothing early', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'retention-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  t.after(async () => {
    await responses.close();
    await contacts.close();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [id, flowId, status] of [
    ['done', closing.id, 'complete'],
    ['halfway', closing.id, 'partial'],
    ['elsewhere', open.id, 'partial'],
  ] as const) {
    await responses.save(response(id, flowId, status));
    await contacts.save(contact(id, flowId));
  }
  const log = captureLog('info');
  const deps = { flows, responses, contacts, log: log.log };
  const kept = async () => ({
    responses: (await collect(responses.scan())).map((r) => r.id).sort(),
    contacts: (await contacts.list()).map((c) => c.id).sort(),
  });
  const all = { responses: ['done', 'elsewhere', 'halfway'], contacts: ['done', 'elsewhere', 'halfway'] };

  // The last millisecond before the unfinished responses expire: nothing goes.
  assert.deepEqual(await applyRetention(deps, Date.parse('2026-07-29T23:59:59.999Z')), [
    { flowId: closing.id, contacts: 0, unfinished: 0 },
  ]);
  assert.deepEqual(await kept(), all);

  // 30 days after closing: the closing flow's partial response goes; complete ones and contacts stay.
  assert.deepEqual(await applyRetention(deps, Date.parse('2026-07-30T00:00:00Z')), [
    { flowId: closing.id, contacts: 0, unfinished: 1 },
  ]);
  assert.deepEqual(await kept(), { ...all, responses: ['done', 'elsewhere'] });
  assert.deepEqual((await applyRetention(deps, Date.parse('2026-08-01T00:00:00Z')))[0], {
    flowId: closing.id,
    contacts: 0,
    unfinished: 0,
  });

  // 90 days after closing: that flow's contact details go; the open flow's stay.
  assert.deepEqual((await applyRetention(deps, Date.parse('2026-09-28T00:00:00Z')))[0], {
    flowId: closing.id,
    contacts: 2,
    unfinished: 0,
  });
  assert.deepEqual(await kept(), { responses: ['done', 'elsewhere'], contacts: ['elsewhere'] });

  // Counts only in the log.
  const lines = log.lines.filter((l) => l.msg === 'retention: expired data erased');
  assert.deepEqual(
    lines.map((l) => [l.flow, l.contacts, l.unfinished]),
    [
      [closing.id, 0, 1],
      [closing.id, 2, 0],
    ],
  );
  assert.doesNotMatch(log.text(), /Name |person-/);
});
