import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConversationService } from '../src/conversation/service.ts';
import type { Input } from '../src/engine/input.ts';
import { loadFlow } from '../src/flows/load.ts';
import { silentLogger } from '../src/log.ts';
import { connectRedis } from '../src/store/redis-connection.ts';
import { RedisSessionStore } from '../src/store/redis-session-store.ts';
import type {
  ContactRecord,
  ContactStore,
  ResponseRecord,
  ResponseStore,
} from '../src/store/response-store.ts';
import { answerFor } from '../test/conversation/autopilot.ts';
import { reachable } from './measure.ts';

/**
 * Conversation turns per second through the conversation service with sessions in Redis (the
 * production path: load, engine, compare-and-set script), and the median and 99th percentile
 * turn time. Finished responses are kept in process memory here, so the figures are those of the
 * session store. Redis memory per session and round trips per update: redis-turns.bench.ts.
 */
const RESPONDENTS = 200;
const TURNS = 60_000;
/** A typical typed answer: a sentence, not a single word. */
const SENTENCE = 'Joint visits to the regional parliament with the public libraries network';

const flow = loadFlow('advocacy');

/** Kept in process memory: this bench measures the session store, not the response store. */
class MemoryRecords<T extends { id: string }> {
  private readonly records = new Map<string, T>();
  async save(record: T) {
    this.records.set(record.id, record);
  }
  async deleteIds(ids: string[]) {
    return ids.filter((id) => this.records.delete(id)).length;
  }
  async get(id: string) {
    return this.records.get(id) ?? null;
  }
  async list() {
    return [...this.records.values()];
  }
  async byRespondent() {
    return [];
  }
  async *scan() {
    yield* this.records.values();
  }
  async *scanHeads() {
    yield* this.records.values();
  }
  async page() {
    return { records: [], total: 0 };
  }
  async deleteByRespondent() {
    return 0;
  }
  async close() {}
}

export async function run(): Promise<void> {
  const server = await redisToUse();
  if (!server) return;
  const redis = await connectRedis(server.url, silentLogger);
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const sessions = new RedisSessionStore(redis, { prefix, ttlMs: 3600_000 });
  const responses: ResponseStore = new MemoryRecords<ResponseRecord>();
  const contacts: ContactStore = new MemoryRecords<ContactRecord>();
  const service = new ConversationService({ flow, sessions, responses, contacts });
  try {
    await throughput(service);
    await unloaded(service);
  } finally {
    service.close();
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    server.stop();
  }
}

/** One respondent at a time: the time a turn takes when nobody else is queued before it. */
async function unloaded(service: ConversationService): Promise<void> {
  const times: number[] = [];
  for (let round = 0; times.length < 3000; round++) {
    let input: Input = { type: 'start' };
    for (;;) {
      const begin = performance.now();
      const result = await service.turn({ channel: 'bench', user: `alone-${round}`, input });
      times.push(performance.now() - begin);
      if (result.prompt?.kind !== 'question') break;
      input = answerFor(result.prompt, SENTENCE);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.floor(q * times.length)]!;
  console.log(
    `store: turn time of a single respondent (no queue): median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`,
  );
}

async function throughput(service: ConversationService): Promise<void> {
  const times: number[] = [];
  let turns = 0;
  const respondent = async (n: number) => {
    let round = 0;
    while (turns < TURNS) {
      const user = `${n}-${round++}`;
      let input: Input = { type: 'start' };
      for (;;) {
        const begin = performance.now();
        const result = await service.turn({ channel: 'bench', user, input });
        times.push(performance.now() - begin);
        turns++;
        if (!result.prompt) throw new Error(`turn failed: ${JSON.stringify(result.notices)}`);
        if (result.prompt.kind !== 'question') break;
        input = answerFor(result.prompt, SENTENCE);
      }
    }
  };
  // Warm-up: JIT, script cache, connection.
  await Promise.all(Array.from({ length: 20 }, (_, n) => respondent(-1 - n)));
  times.length = 0;
  turns = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: RESPONDENTS }, (_, n) => respondent(n)));
  const seconds = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(
    `store: ${turns.toLocaleString('en')} turns of complete interviews by ${RESPONDENTS} concurrent respondents in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `store: ${Math.round(turns / seconds).toLocaleString('en')} turns/s through the conversation service with Redis sessions, one process (target ≥ 5,000)`,
  );
  console.log(
    `store: turn time under that load (queueing included): median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`,
  );
}

/** Redis at REDIS_URL or 127.0.0.1:6379; else a throw-away redis-server on a free port, if installed. */
async function redisToUse(): Promise<{ url: string; stop(): void } | null> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await reachable(url)) return { url, stop() {} };
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.log(
      `store: no Redis at ${url} and no redis-server installed: start one or set REDIS_URL (skipped)`,
    );
    return null;
  }
  const freePort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child: ChildProcess = spawn(
    found.stdout.trim(),
    ['--port', String(freePort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await reachable(`redis://127.0.0.1:${freePort}`)); i++)
    await new Promise((r) => setTimeout(r, 50));
  console.log(
    `store: no Redis at ${url}; started a temporary redis-server on 127.0.0.1:${freePort} for this bench`,
  );
  return {
    url: `redis://127.0.0.1:${freePort}`,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
