import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { parseConfig } from '../src/config.ts';
import { FileLinkStore } from '../src/dashboard/auth/link-store.ts';
import { MemoryStaffSessions } from '../src/dashboard/auth/session-store.ts';
import { SignInLinks } from '../src/dashboard/auth/sign-in-links.ts';
import { StaffAuth } from '../src/dashboard/auth/staff-auth.ts';
import { ResponseTally } from '../src/dashboard/overview/tally.ts';
import { countryQuestionOf } from '../src/dashboard/routes/responses.ts';
import { createDashboard } from '../src/dashboard/server.ts';
import { FlowRegistry } from '../src/flows/registry.ts';
import { HttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { StaffDirectory } from '../src/staff/directory.ts';
import { createIndexes, modelsOf } from '../src/store/mongo-models.ts';
import { openStores } from '../src/store/open.ts';
import { Client } from '../test/dashboard/harness.ts';
import { resources, translator } from '../test/support/flow.ts';
import { reachable } from './measure.ts';
import { TEST_DATA_KEYS } from '../test/support/servers.ts';

/**
 * The dashboard's overview and responses pages over BENCH_RESPONSES (default 100,000) stored
 * responses in the MongoDB at MONGODB_URI (default 127.0.0.1:27017), through HTTP as a browser
 * asks for them. Seeds its own database once (`dashboard_bench_<count>`) and keeps it for the next
 * run. Target: each page within a second. BENCH_RUNS sets the timed requests per page (default 3).
 */
const COUNT = Number(process.env.BENCH_RESPONSES ?? 100_000);
const URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
/** Timed requests per page (after one untimed). */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COUNTRIES = ['RU', 'FR', 'EG', 'MX', 'US', 'DE', 'SA', 'KZ', 'AR', 'MA', 'IN', 'BR'];
const CHANNELS = ['telegram', 'discord', 'terminal'];
const LOCALES = ['en', 'ru', 'ar', 'es', 'fr'];
const TEXT = 'Joint visits to the regional parliament with the public libraries network';

function seedDoc(i: number, start: number) {
  const partial = i % 7 === 0;
  const startedAt = new Date(start + i * 30_000);
  const updatedAt = new Date(startedAt.getTime() + 600_000);
  const answered = (value: unknown) => ({ status: 'answered', value });
  return {
    _id: `bench-${i}`,
    flowId: 'advocacy',
    flowVersion: 1,
    locale: LOCALES[i % 5],
    channel: CHANNELS[i % 3],
    respondent: `respondent-${i}`,
    ...(i % 4 === 0 ? { invitation: `INV-${i % 20}` } : {}),
    status: partial ? 'partial' : 'complete',
    answers: {
      language: answered(LOCALES[i % 5]),
      consent: answered('yes'),
      q1: answered({ option: 'public' }),
      q2: answered('yes'),
      q2a: answered({ option: 'member' }),
      q3: answered({ code: COUNTRIES[i % COUNTRIES.length], region: '150', subregion: '151' }),
      q4: answered({ option: 'up_to_4999' }),
      q5: { status: 'declined' },
      q6: answered({ options: ['libraries', 'government'] }),
      q7: answered({ order: ['government', 'libraries'], na: [] }),
      q8: answered(TEXT),
      q9: answered(TEXT),
      q9a: answered({ option: 'partly' }),
      q10: answered(TEXT),
      q11: answered(TEXT),
      q12: answered('no'),
      q13: answered(TEXT),
      q14: answered({ order: ['libraries', 'government'], na: ['business'] }),
      q15: answered(TEXT),
      q16: answered({ options: ['mou'] }),
      q17: answered({ agreed: 'no' }),
    },
    durations: { q1: 4100, q3: 9000, q8: 61_000, q11: 45_000 },
    startedAt,
    updatedAt,
    ...(partial ? {} : { finishedAt: updatedAt }),
  };
}

async function seed(uri: string): Promise<void> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const meta = connection.collection('bench_meta');
    if ((await meta.findOne({ _id: 'seeded' as never }))?.count === COUNT) return;
    await connection.dropDatabase();
    await createIndexes(connection);
    const { responses } = modelsOf(connection);
    const start = Date.now() - COUNT * 30_000;
    const begin = performance.now();
    for (let i = 0; i < COUNT; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, COUNT - i) }, (_, k) => seedDoc(i + k, start));
      await responses.insertMany(docs, { ordered: false, lean: true });
    }
    await meta.insertOne({ _id: 'seeded' as never, count: COUNT });
    console.log(
      `dashboard: seeded ${COUNT.toLocaleString('en')} responses in ${((performance.now() - begin) / 1000).toFixed(1)} s`,
    );
  } finally {
    await connection.close();
  }
}

/** The median and the slowest of `runs` timings of `step`, in ms. */
async function timed(runs: number, step: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const begin = performance.now();
    await step();
    times.push(performance.now() - begin);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! };
}

export async function run(): Promise<void> {
  if (!(await reachable(URI))) {
    console.log(`dashboard: skipped, no MongoDB-protocol server at ${URI} (set MONGODB_URI)`);
    return;
  }
  const uri = new URL(URI);
  uri.pathname = `/dashboard_bench_${COUNT}`;
  await seed(uri.toString());
  const dataDir = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
  const stores = await openStores(
    parseConfig({ MONGODB_URI: uri.toString(), DATA_DIR: dataDir, ...TEST_DATA_KEYS }),
    silentLogger,
  );
  const http = new HttpServer();
  try {
    const port = await http.listen(0, '127.0.0.1');
    const directory = new StaffDirectory({ store: stores.staff, audit: stores.audit });
    const flows = FlowRegistry.open({
      resources,
      translator,
      store: stores.flowVersions,
      defaultFlow: 'advocacy',
    });
    await flows.deploy();
    const links = new SignInLinks({
      store: new FileLinkStore(dataDir),
      directory,
      audit: stores.audit,
      baseUrl: `http://127.0.0.1:${port}/dashboard`,
    });
    const tally = new ResponseTally({
      responses: stores.responses,
      countryQuestion: (id) => countryQuestionOf(flows.get(id)),
      log: silentLogger,
    });
    const dashboard = await createDashboard({
      stores,
      directory,
      flows,
      translator,
      links,
      auth: new StaffAuth({
        sessions: new MemoryStaffSessions(),
        directory,
        audit: stores.audit,
        idleMs: 3600_000,
      }),
      tally,
      log: silentLogger,
      secureCookies: false,
    });
    http.mount('/dashboard', (req, res) => dashboard.handle(req, res));
    const admin = await directory.add('bench', { name: 'Bench', role: 'admin' });
    const browser = new Client(`http://127.0.0.1:${port}`);
    await browser.signInWith(await links.issue(admin, 'bench'));

    const rss = process.memoryUsage().rss;
    let begin = performance.now();
    await tally.refresh();
    const build = (performance.now() - begin) / 1000;
    console.log(
      `dashboard: overview tally read by streaming scan: ${COUNT.toLocaleString('en')} responses in ${build.toFixed(1)} s (${Math.round(COUNT / build).toLocaleString('en')}/s, once at start and every 10 minutes), process memory +${Math.round((process.memoryUsage().rss - rss) / 2 ** 20)} MB`,
    );
    begin = performance.now();
    await tally.refresh();
    console.log(
      `dashboard: overview tally refresh (what changed since, on the updatedAt index): ${(performance.now() - begin).toFixed(0)} ms`,
    );

    const pages: [string, string][] = [
      ['overview page', '/dashboard'],
      ['overview figures (polled)', '/dashboard/overview/live'],
      ['responses, page 1', '/dashboard/responses'],
      ['responses, page 1,000 (skip 49,950)', '/dashboard/responses?page=1000'],
      ['responses filtered by country', '/dashboard/responses?country=EG'],
      ['responses filtered by status and language', '/dashboard/responses?status=partial&lang=ar'],
      ['one response', '/dashboard/responses/bench-4242'],
    ];
    for (const [name, path] of pages) {
      const first = await browser.get(path);
      if (first.status !== 200) throw new Error(`${path}: ${first.status}`);
      const { median, max } = await timed(RUNS, () => browser.get(path));
      const verdict = max < 1000 ? 'within' : 'over';
      console.log(
        `dashboard: ${name}: median ${median.toFixed(0)} ms, slowest ${max.toFixed(0)} ms (${verdict} the 1 s target)`,
      );
    }
    await tally.stop();
    await dashboard.close();
  } finally {
    await http.close();
    await stores.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
