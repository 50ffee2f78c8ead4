import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConversationService } from '../../src/conversation/service.ts';
import { startSweeper } from '../../src/conversation/sweeper.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { collect, type ResponseStore } from '../../src/store/response-store.ts';
import { flow } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';
import { answerUntil, at } from './autopilot.ts';

function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-sweeper-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = new FileResponseStore(dir);
  let failing = false;
  const responses: ResponseStore = {
    save: async (r) => {
      if (failing) throw new Error('database down');
      return files.save(r);
    },
    get: (id) => files.get(id),
    byRespondent: (r, f) => files.byRespondent(r, f),
    scan: (f) => files.scan(f),
    scanHeads: (f) => files.scanHeads(f),
    page: (q, w) => files.page(q, w),
    deleteByRespondent: (r) => files.deleteByRespondent(r),
    deleteIds: (ids) => files.deleteIds(ids),
    close: () => files.close(),
  };
  let now = Date.UTC(2024, 4, 1);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(dir),
    clock: () => now,
    abandonAfter: 3600_000,
  });
  const { log, lines } = captureLog('info');
  const respondent = (user: string) => (input: Parameters<typeof service.turn>[0]['input']) =>
    service.turn({ channel: 'terminal', user, input });
  return {
    service,
    files,
    log,
    lines,
    respondent,
    pass: (ms: number) => (now += ms),
    fail: (on: boolean) => (failing = on),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, probe: () => Promise<boolean> | boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !(await probe()); await sleep(10)) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
  }
}

test('the sweeper archives abandoned sessions periodically, and stops when told', async (t) => {
  const s = setup(t);
  await answerUntil(s.respondent('a'), at('q3'));
  s.pass(2 * 3600_000);
  const sweeper = startSweeper(s.service, { intervalMs: 20, log: s.log });
  // The sweep's log line comes once its writes are done (a stored record shows in list() at once).
  await eventually('archived', async () => s.lines.some((l) => l.msg === 'sweep saved idle sessions'));
  const [archived] = await collect(s.files.scan({ status: 'partial' }));
  assert.ok(archived, 'archived without anyone asking');
  assert.deepEqual(Object.keys(archived.answers), ['language', 'consent', 'q1', 'q2', 'q2a']);
  assert.ok(s.lines.some((l) => l.msg === 'sweep saved idle sessions'));

  await sweeper.stop();
  await answerUntil(s.respondent('b'), at('q2'));
  s.pass(2 * 3600_000);
  await sleep(100);
  assert.equal((await collect(s.files.scan({ status: 'partial' }))).length, 1, 'no sweep after stop');
});

test('a failing sweep is logged and the next one saves what it could not', async (t) => {
  const s = setup(t);
  await answerUntil(s.respondent('a'), at('q4'));
  s.pass(2 * 3600_000);
  s.fail(true);
  const sweeper = startSweeper(s.service, { intervalMs: 20, log: s.log });
  t.after(() => sweeper.stop());
  await eventually('a failure logged', () =>
    s.lines.some((l) => l.level === 50 && l.msg.startsWith('sweep failed')),
  );
  assert.equal((await collect(s.files.scan())).length, 0);
  s.fail(false);
  await eventually(
    'saved by a later run',
    async () => (await collect(s.files.scan({ status: 'partial' }))).length === 1,
  );
});

test('sessions with nothing to archive do not hold back the ones behind them', async (t) => {
  const s = setup(t);
  // Three who only chose a language, then one who answered questions: with a page of three,
  // the sweep must still reach the fourth on its next run.
  for (const user of ['x', 'y', 'z']) await answerUntil(s.respondent(user), at('consent'));
  s.pass(1000);
  await answerUntil(s.respondent('w'), at('q3'));
  s.pass(2 * 3600_000);
  assert.deepEqual(await s.service.sweep(3), { archived: 0, completed: 0 });
  assert.deepEqual(await s.service.sweep(3), { archived: 1, completed: 0 });
});
