import { statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Sink } from '../src/analysis/render/html.ts';
import {
  exportCsv,
  exportJsonl,
  exportR,
  exportSpss,
  exportXlsx,
  prepareExport,
} from '../src/analysis/run-export.ts';
import { runReport, type ReportFormat } from '../src/analysis/run-report.ts';
import type { AnalysisStores } from '../src/analysis/sources.ts';
import { fileSink } from '../src/analysis/cli/shared.ts';
import { boundHeapGrowth } from '../src/analysis/heap.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { silentLogger } from '../src/log.ts';
import { FileCodingStore } from '../src/store/file-coding-store.ts';
import { FileInvitationStore } from '../src/store/file-invitation-store.ts';
import { FileResponseStore } from '../src/store/file-response-store.ts';
import type { Measured } from './data-set.ts';

/**
 * One measurement in a process of its own: `<task> embedded <dir>` or `<task> mongo <uri> <db>`,
 * the task being `scan`, `report-html`, `report-json` or `export-<format>`. Prints one JSON line
 * (`Measured`): seconds of the task, resident memory once the stores are open, and the process's
 * peak resident memory.
 */
const [task, kind, where, dbName] = process.argv.slice(2);

async function openStore(): Promise<{ stores: AnalysisStores; close(): Promise<void> }> {
  if (kind === 'embedded') {
    const stores = {
      responses: new FileResponseStore(where!),
      invitations: new FileInvitationStore(where!),
      codings: new FileCodingStore(where!),
    };
    return {
      stores,
      close: async () => {
        await Promise.all([stores.responses.close(), stores.invitations.close(), stores.codings.close()]);
      },
    };
  }
  // Loaded only here, as the CLI loads them only for a MongoDB: mongoose and its BSON buffer are
  // 38 MB that an embedded run would otherwise count.
  const [{ connectMongo }, { MongoResponseStore }, { MongoInvitationStore }, { MongoCodingStore }] =
    await Promise.all([
      import('../src/store/mongo-connection.ts'),
      import('../src/store/mongo-response-store.ts'),
      import('../src/store/mongo-invitation-store.ts'),
      import('../src/store/mongo-coding-store.ts'),
    ]);
  const mongo = await connectMongo(where!, silentLogger, { dbName: dbName! });
  await mongo.connected;
  const stores = {
    responses: new MongoResponseStore(mongo.connection),
    invitations: new MongoInvitationStore(mongo.connection),
    codings: new MongoCodingStore(mongo.connection),
  };
  return { stores, close: () => mongo.close() };
}

const flow = loadFlow('advocacy');
const translator = new Translator(loadResources(), flow.languages);
const out = join(tmpdir(), `bench-analysis-${process.pid}`);

/** Writes to a file, then gives its size and removes it. */
async function toFile(
  files: string[],
  run: (sinks: Sink[]) => Promise<number>,
): Promise<{ records: number; bytes: number }> {
  const sinks = files.map((f) => fileSink(f));
  const records = await run(sinks.map((s) => s.write));
  await Promise.all(sinks.map((s) => s.done()));
  let bytes = 0;
  for (const f of files) {
    bytes += statSync(f).size;
    unlinkSync(f);
  }
  return { records, bytes };
}

const report = (format: ReportFormat) => (stores: AnalysisStores) =>
  toFile([`${out}.${format}`], async ([write]) => {
    const r = await runReport(
      stores,
      flow,
      translator,
      { lang: 'en', format, by: 'region', cross: ['q2a,q9a'] },
      write!,
    );
    return r.respondents;
  });
const prepared = (stores: AnalysisStores) => prepareExport(stores, flow, translator, { lang: 'en' });

const tasks: Record<string, (stores: AnalysisStores) => Promise<{ records: number; bytes?: number }>> = {
  'report-html': report('html'),
  'report-json': report('json'),
  'export-csv': async (stores) => {
    const p = await prepared(stores);
    return toFile([`${out}.csv`], ([write]) => exportCsv(p, write!));
  },
  'export-spss': async (stores) => {
    const p = await prepared(stores);
    return toFile([`${out}.sps`, `${out}.csv`], ([sps, csv]) => exportSpss(p, 'data.csv', sps!, csv!));
  },
  'export-r': async (stores) => {
    const p = await prepared(stores);
    return toFile([`${out}.R`, `${out}.csv`], ([r, csv]) => exportR(p, 'data.csv', r!, csv!));
  },
  'export-jsonl': async (stores) => {
    const p = await prepared(stores);
    return toFile([`${out}.jsonl`], ([write]) => exportJsonl(p, write!));
  },
  'export-xlsx': async (stores) => {
    const p = await prepared(stores);
    const records = await exportXlsx(p, { filename: `${out}.xlsx` });
    const bytes = statSync(`${out}.xlsx`).size;
    unlinkSync(`${out}.xlsx`);
    return { records, bytes };
  },
  async scan({ responses }) {
    let records = 0;
    let bytes = 0;
    for await (const r of responses.scan({ flowId: 'advocacy' })) {
      records++;
      // Touch the answers, as a reader would.
      bytes += Object.keys(r.answers).length;
    }
    return { records, bytes };
  },
};

// As the CLI runs them.
boundHeapGrowth();
const opening = performance.now();
const store = await openStore();
const openSeconds = (performance.now() - opening) / 1000;
try {
  const run = tasks[task!];
  if (!run) throw new Error(`unknown task ${task}`);
  global.gc?.();
  const startMb = process.memoryUsage.rss() / 1e6;
  const begin = performance.now();
  const { records, bytes } = await run(store.stores);
  const seconds = (performance.now() - begin) / 1000;
  const peakMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  const result: Measured = {
    seconds,
    openSeconds,
    startMb,
    peakMb,
    records,
    ...(bytes !== undefined ? { bytes } : {}),
  };
  console.log(JSON.stringify(result));
} finally {
  await store.close();
}
