import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { freePort } from '../support/server-processes.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { TEST_DATA_KEYS } from '../support/servers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The bot as production runs it: `node --import tsx src/main.ts`, configured by environment. */
export interface BotProcess {
  child: ChildProcess;
  port: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Everything written to stdout and stderr. */
  output(): string;
  /** stdout's JSON log lines, parsed. */
  lines(): Record<string, unknown>[];
  /** Resolves once a log line passes `test`; rejects after `ms` or when the process exits. */
  waitForLine(test: (line: Record<string, unknown>) => boolean, ms?: number): Promise<void>;
  /** A GET to the bot's HTTP server. */
  get(path: string): Promise<{ status: number; text: string }>;
}

export function startBot(t: TestContext, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWEEP_INTERVAL_MINUTES: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  const parsed: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
    let end: number;
    while ((end = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, end);
      stdout = stdout.slice(end + 1);
      if (line.trim()) parsed.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  const port = Number(env.HTTP_PORT);
  return {
    child,
    port,
    exit,
    output: () => output,
    lines: () => parsed,
    waitForLine(test, ms = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!parsed.some(test)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no such log line within ${ms} ms:\n${output.slice(-3000)}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exit.then(() => {
          if (!waiters.has(check)) return;
          done();
          reject(new Error(`the bot exited first:\n${output.slice(-3000)}`));
        });
        check();
      });
    },
    async get(path) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, text: await res.text() };
    },
  };
}

/** The Bot API stand-in on loopback, closed after the test. */
export async function startStandIn(t: TestContext): Promise<TelegramApiStandIn> {
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  return api;
}

/** Environment for webhook mode against the stand-in, on a free port. */
export async function webhookEnv(api: TelegramApiStandIn): Promise<Record<string, string>> {
  const port = await freePort();
  return {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET: 'production-test-secret',
    HTTP_PORT: String(port),
  };
}

/**
 * Stores for a bot process: its own data folder, plus Redis and MongoDB in the test's own key
 * prefix and database when `servers` are given (removed after the test).
 */
export function storeEnv(
  t: TestContext,
  servers: { redis?: string | null; mongodb?: string | null } = {},
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'production-test-'));
  const run = randomBytes(4).toString('hex');
  const env: Record<string, string> = { DATA_DIR: dir };
  if (servers.redis || servers.mongodb) Object.assign(env, TEST_DATA_KEYS);
  if (servers.redis)
    Object.assign(env, { REDIS_URL: servers.redis, REDIS_PREFIX: `production-test:${run}:` });
  if (servers.mongodb) {
    const uri = new URL(servers.mongodb);
    uri.pathname = `/production_test_${run}`;
    env.MONGODB_URI = uri.toString();
  }
  // Best effort: a server the test started itself may be gone already, with its data.
  t.after(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (env.REDIS_URL) {
      const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
      redis.on('error', () => {});
      const keys = await redis.keys(`${env.REDIS_PREFIX}*`).catch(() => []);
      if (keys.length > 0) await redis.del(...keys).catch(() => 0);
      redis.disconnect();
    }
    if (env.MONGODB_URI) {
      const connection = mongoose.createConnection(env.MONGODB_URI, { serverSelectionTimeoutMS: 2000 });
      await connection
        .asPromise()
        .then((c) => c.dropDatabase())
        .catch(() => undefined);
      await connection.close().catch(() => undefined);
    }
  });
  return env;
}
