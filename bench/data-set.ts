import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import mongoose from 'mongoose';
import type { Flow } from '../src/engine/flow.ts';
import { syntheticResponses } from './synthetic-responses.ts';

/**
 * Synthetic data sets for the scan, report and export benchmarks, written the fast way (the file
 * directly, `insertMany` in batches) since the writing is not what is measured; then each
 * measurement runs in a child process of its own, so its memory is its own.
 */
export async function fillEmbedded(flow: Flow, dir: string, respondents: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, 'responses.jsonl'));
  let records = 0;
  for (const record of syntheticResponses(flow, respondents)) {
    if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
    records++;
  }
  out.end();
  await once(out, 'finish');
  return records;
}

export async function fillMongo(
  flow: Flow,
  uri: string,
  dbName: string,
  respondents: number,
): Promise<number> {
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  try {
    const collection = connection.db!.collection<{ _id: string }>('responses');
    await collection.createIndex({ flowId: 1, status: 1, startedAt: 1 });
    await collection.createIndex({ respondent: 1 });
    let batch: { _id: string }[] = [];
    let records = 0;
    for (const { id, ...fields } of syntheticResponses(flow, respondents)) {
      batch.push({ _id: id, ...fields });
      if (batch.length === 1000) {
        await collection.insertMany(batch, { ordered: false });
        batch = [];
      }
      records++;
    }
    if (batch.length) await collection.insertMany(batch, { ordered: false });
    return records;
  } finally {
    await connection.close();
  }
}

export async function dropMongo(uri: string, dbName: string): Promise<void> {
  const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
  await connection.dropDatabase().catch(() => {});
  await connection.close();
}

/** What a measured child process reports. */
export interface Measured {
  seconds: number;
  /** Opening the store: connecting, or indexing the embedded file. */
  openSeconds: number;
  /** Resident memory once the store is open, before the measured work. */
  startMb: number;
  /** The process's peak resident memory (getrusage maxrss). */
  peakMb: number;
  records: number;
  bytes?: number;
}

/**
 * The node flags `npm run <script>` starts the CLI with (`node <flags> src/cli.ts ...`), so a
 * measurement runs with the same V8 settings as the command it stands for.
 */
export function cliNodeFlags(script: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const words = scripts[script]!.split(/\s+/);
  if (words[0] !== 'node' || !words.includes('src/cli.ts'))
    throw new Error(`npm run ${script}: not node src/cli.ts`);
  return words.slice(1, words.indexOf('src/cli.ts'));
}

/**
 * Runs `bench/measure-child.ts` with these arguments and returns what it printed: with the node
 * flags of `npm run <script>` when one is named, else with tsx alone.
 */
export async function measureInChild(args: string[], script?: 'report' | 'export'): Promise<Measured> {
  const flags = script ? cliNodeFlags(script) : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...flags, join(import.meta.dirname, 'measure-child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`measure-child ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
}
