import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pointerTo } from '../src/channels/telegram/live-question.ts';
import { RedisPromptMessages } from '../src/channels/telegram/redis-prompt-messages.ts';
import { ConversationService } from '../src/conversation/service.ts';
import type { Input } from '../src/engine/input.ts';
import { loadFlow } from '../src/flows/load.ts';
import { silentLogger } from '../src/log.ts';
import { Keyring } from '../src/privacy/keyring.ts';
import { RedisSessionStore } from '../src/store/redis-session-store.ts';
import type { ContactStore, ResponseStore } from '../src/store/response-store.ts';
import { answerFor } from '../test/conversation/autopilot.ts';
import { reachable } from './measure.ts';

/**
 * What a Telegram turn costs Redis, measured against a redis-server of its own (so that its
 * counters hold only this bench's commands): round trips per update (requests the bot's client
 * waits for, one after the other), commands per update as Redis counts them (INFO: those run
 * inside scripts too) and Redis memory per unfinished session after 8 and 20 updates (MEMORY USAGE
 * of its session, its question pointer and its share of the idle index), with sessions in clear
 * and sealed (DATA_KEYS). Each update is a turn of the conversation service followed by what the
 * Telegram adapter does with the pointer of the chat's live question (showTurn): look it up when
 * a typed answer names no message, point the chat at the question shown.
 */
const RESPONDENTS = 200;
const flow = loadFlow('advocacy');
/** Typed answers, a different one for each question (repeated text would flatter the deflated size). */
const TYPED = [
  'Joint visits to the regional parliament',
  'A petition signed by 4,000 readers',
  'Meetings with the minister of culture',
  'Press coverage in two national papers',
  'Budget hearings of the city council',
  'We wrote to every member of parliament',
  'Open days in all branch libraries',
  'A coalition with the teachers union',
];

const records = {
  save: async () => {},
  get: async () => null,
  byRespondent: async () => [],
  deleteByRespondent: async () => 0,
} as unknown as ResponseStore & ContactStore;

export async function run(): Promise<void> {
  const server = await ownRedis();
  if (!server) return;
  try {
    for (const sealed of [false, true])
      for (const updates of [8, 20]) await measure(server.url, sealed, updates);
  } finally {
    server.stop();
  }
}

async function measure(url: string, sealed: boolean, updates: number): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  await redis.flushall();
  const keyring = sealed
    ? new Keyring([{ id: 'k20261129', key: randomBytes(32) }], 'k20261129', randomBytes(32))
    : undefined;
  const prefix = 'survey:';
  const ttlMs = 30 * 86_400_000;
  const sessions = new RedisSessionStore(redis, { prefix, ttlMs, ...(keyring ? { keyring } : {}) });
  const prompts = new RedisPromptMessages(redis, {
    prefix,
    ttlMs,
    log: silentLogger,
    ...(keyring ? { keyring } : {}),
  });
  const service = new ConversationService({
    flow,
    sessions,
    responses: records,
    contacts: records,
    salt: 'bench-salt-0123456789',
  });
  let requests = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<typeof send>) => {
    requests++;
    return send(...args);
  }) as typeof redis.sendCommand;
  const commandsBefore = await processed(redis);
  requests = 0;

  let update = 700_000_000;
  let message = 1;
  const answers = { updates: 0, requests: 0, most: 0, overTwo: 0 };
  let all = 0;
  // One respondent after another: each update's requests are its own.
  for (let n = 0; n < RESPONDENTS; n++) {
    const chat = 500_000_000 + n;
    let input: Input = { type: 'start' };
    let shown: number | undefined;
    for (let i = 0; i < updates; i++) {
      const before = requests;
      const event = update++;
      const result = await service.turn({
        channel: 'telegram',
        user: String(chat),
        event: String(event),
        input,
      });
      const prompt = result.prompt;
      if (prompt?.kind !== 'question' || !result.session) throw new Error(`no question after ${i} updates`);
      // showTurn: a typed answer names no message, so the one showing the question is looked up.
      if (!input.bound && result.before?.kind === 'question')
        await prompts.showing(chat, result.before.question, result.before.version);
      const sameStep =
        result.before?.kind === 'question' &&
        result.before.question === prompt.question &&
        result.before.step === prompt.step;
      if (!sameStep || shown === undefined) shown = message++;
      await prompts.show(chat, pointerTo(shown, prompt, result.session, event));
      const spent = requests - before;
      all += spent;
      if (i > 0) {
        answers.updates++;
        answers.requests += spent;
        answers.most = Math.max(answers.most, spent);
        if (spent > 2) answers.overTwo++;
      }
      input = answerFor(prompt, TYPED[(n + i) % TYPED.length]);
    }
  }
  const commands = (await processed(redis)) - commandsBefore - 1;
  const total = RESPONDENTS * updates;
  const memory = await memoryByKind(redis);
  const bytes = (kind: string) => Math.round((memory.get(kind) ?? 0) / RESPONDENTS);
  const perSession = [...memory.values()].reduce((a, b) => a + b, 0) / RESPONDENTS;
  const target = updates <= 8 ? 600 : 1024;
  const label = sealed ? 'sealed (DATA_KEYS)' : 'in clear';
  console.log(
    `redis-turns: ${label}, ${RESPONDENTS} respondents x ${updates} updates: ${(all / total).toFixed(2)} round trips per update ` +
      `(answers: ${(answers.requests / answers.updates).toFixed(2)}, at most ${answers.most}, ` +
      `${answers.overTwo} of ${answers.updates} over 2; target ≤ 2), ${(commands / total).toFixed(1)} Redis commands per update`,
  );
  console.log(
    `redis-turns: ${label}, after ${updates} updates: ${Math.round(perSession)} B of Redis per unfinished session ` +
      `(session ${bytes('session')}, question pointer ${bytes('pointer')}, idle index ${bytes('index')}, other ${bytes('other')}; target ≤ ${target} B)`,
  );
  await service.close();
  redis.disconnect();
}

async function processed(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
}

/** MEMORY USAGE of every key, summed by what it is. */
async function memoryByKind(redis: Redis): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const kind = key.includes('sessions-by-update')
        ? 'index'
        : key.includes('session:')
          ? 'session'
          : key.includes('prompt')
            ? 'pointer'
            : 'other';
      const used = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      sums.set(kind, (sums.get(kind) ?? 0) + used);
    }
  } while (cursor !== '0');
  return sums;
}

/** A throw-away redis-server on a free port: its counters and memory hold this bench alone. */
async function ownRedis(): Promise<{ url: string; stop(): void } | null> {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status !== 0) {
    console.log('redis-turns: no redis-server installed (skipped)');
    return null;
  }
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn(
    found.stdout.trim(),
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await reachable(url)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    url,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
