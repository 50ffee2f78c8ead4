import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlow } from '../src/flows/load.ts';
import { dropMongo, fillEmbedded, fillMongo, measureInChild, type Measured } from './data-set.ts';
import { reachable } from './measure.ts';

/**
 * The report (HTML with every text listed, and JSON) and each export over 10,000 and 100,000
 * synthetic respondents, each in a process of its own: seconds and the process's peak memory
 * (target at 100,000: under 30 s and under 300 MB). Embedded always; MongoDB when one answers
 * (`BENCH_MONGO_SIZES`, default 10000: FerretDB reads a few thousand documents a second).
 * `BENCH_SIZES` and `BENCH_TASKS` (comma-separated) narrow the run.
 */
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const MONGO_SIZES = (process.env.BENCH_MONGO_SIZES ?? '10000').split(',').filter(Boolean).map(Number);
const TASKS = (
  process.env.BENCH_TASKS ??
  'report-html,report-json,export-csv,export-xlsx,export-spss,export-r,export-jsonl'
).split(',');

/** The npm script a task stands for, whose node flags its process gets. */
const scriptOf = (task: string) => (task.startsWith('report') ? 'report' : 'export');

function line(store: string, size: number, task: string, m: Measured): void {
  const met = size >= 100_000 ? (m.seconds < 30 && m.peakMb < 300 ? '' : '  NOT MET (30 s, 300 MB)') : '';
  console.log(
    `analysis ${store} ${size.toLocaleString('en')} ${task.padEnd(12)} ${m.seconds.toFixed(1).padStart(6)} s  ` +
      `peak ${m.peakMb.toFixed(0).padStart(4)} MB (open ${m.startMb.toFixed(0)} MB)  ` +
      `${((m.bytes ?? 0) / 1e6).toFixed(1)} MB written${met}`,
  );
}

export async function run(): Promise<void> {
  const flow = loadFlow('advocacy');
  for (const size of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-analysis-'));
    try {
      const records = await fillEmbedded(flow, dir, size);
      console.log(
        `analysis: ${size.toLocaleString('en')} respondents (${records.toLocaleString('en')} stored responses), embedded`,
      );
      for (const task of TASKS)
        line('embedded', size, task, await measureInChild([task, 'embedded', dir], scriptOf(task)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  if (!MONGO_SIZES.length || !(await reachable(uri))) {
    console.log(
      `analysis: no MongoDB-protocol server at ${uri} (or BENCH_MONGO_SIZES empty): MongoDB figures skipped`,
    );
    return;
  }
  for (const size of MONGO_SIZES) {
    const dbName = `bench_analysis_${randomBytes(4).toString('hex')}`;
    try {
      await fillMongo(flow, uri, dbName, size);
      console.log(`analysis: ${size.toLocaleString('en')} respondents, MongoDB at ${uri}`);
      for (const task of TASKS)
        line('MongoDB', size, task, await measureInChild([task, 'mongo', uri, dbName], scriptOf(task)));
    } finally {
      await dropMongo(uri, dbName);
    }
  }
}
