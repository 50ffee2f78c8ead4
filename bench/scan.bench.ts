import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFlow } from '../src/flows/load.ts';
import { dropMongo, fillEmbedded, fillMongo, measureInChild, type Measured } from './data-set.ts';
import { reachable } from './measure.ts';

/**
 * `ResponseStore.scan` over 100,000 stored responses, embedded (JSON-lines file) and MongoDB
 * (FerretDB here): records per second and how far the process's memory grows above what it holds
 * once the store is open (target: under 50 MB). Each scan runs in a process of its own.
 */
const RESPONDENTS = Number(process.env.BENCH_RESPONDENTS ?? 100_000);
const TARGET_MB = 50;

function print(label: string, m: Measured): void {
  const growth = m.peakMb - m.startMb;
  console.log(
    `scan ${label}: ${m.records.toLocaleString('en')} responses in ${m.seconds.toFixed(2)} s = ` +
      `${Math.round(m.records / m.seconds).toLocaleString('en')} records/s; memory ${m.startMb.toFixed(0)} MB ` +
      `once open (opening took ${m.openSeconds.toFixed(2)} s), peak ${m.peakMb.toFixed(0)} MB: ` +
      `growth ${growth.toFixed(1)} MB (target < ${TARGET_MB} MB)${growth < TARGET_MB ? '' : ' NOT MET'}`,
  );
}

export async function run(): Promise<void> {
  const flow = loadFlow('advocacy');
  const dir = mkdtempSync(join(tmpdir(), 'bench-scan-'));
  try {
    const records = await fillEmbedded(flow, dir, RESPONDENTS);
    const mb = statSync(join(dir, 'responses.jsonl')).size / 1e6;
    console.log(
      `scan: ${RESPONDENTS.toLocaleString('en')} respondents, ${records.toLocaleString('en')} records, file ${mb.toFixed(0)} MB`,
    );
    print('embedded', await measureInChild(['scan', 'embedded', dir]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
  if (!(await reachable(uri))) {
    console.log(`scan: no MongoDB-protocol server at ${uri}: MongoDB figures skipped`);
    return;
  }
  const dbName = `bench_scan_${randomBytes(4).toString('hex')}`;
  try {
    const started = Date.now();
    await fillMongo(flow, uri, dbName, RESPONDENTS);
    console.log(`scan: MongoDB filled in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    print('MongoDB', await measureInChild(['scan', 'mongo', uri, dbName]));
  } finally {
    await dropMongo(uri, dbName);
  }
}
