import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { redisClient, type RedisClient } from '../../src/store/redis-connection.ts';
import { freePort } from '../support/server-processes.ts';
import { TEST_DATA_KEYS, needServer } from '../support/servers.ts';
import { deleteKeys, redisEnv, redisTargetFor, type RedisKind } from '../support/stores.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { ReplicaBalancer } from './webhook-respondent.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** One bot process (`node --import tsx src/main.ts`), as a replica runs in production. */
export interface Replica {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Everything it wrote (JSON log lines). */
  output(): string;
  /** Resolves when a log line matches (checked as lines arrive), rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function startReplica(t: TestContext, name: string, env: Record<string, string>): Replica {
  const dataDir = mkdtempSync(join(tmpdir(), `replica-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<{ pattern: RegExp; resolve: () => void }>();
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters) {
      if (!w.pattern.test(output)) continue;
      waiters.delete(w);
      w.resolve();
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    name,
    child,
    exit,
    output: () => output,
    waitFor(pattern, ms = 30_000) {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = { pattern, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`replica ${name}: no ${pattern} within ${ms} ms:\n${output.slice(-3000)}`));
        }, ms);
        waiters.add(waiter);
        void exit.then(() => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`replica ${name} exited before ${pattern}:\n${output.slice(-3000)}`));
        });
      });
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/**
 * The Redis (one server, or a cluster) and MongoDB that all replicas of a test share, in the
 * test's own prefix and database.
 */
export interface SharedServers<Client extends RedisClient = Redis> {
  env: ({ REDIS_URL: string } | { REDIS_CLUSTER_NODES: string }) & {
    REDIS_PREFIX: string;
    MONGODB_URI: string;
    RESPONDENT_SALT: string;
  } & typeof TEST_DATA_KEYS;
  redis: Client;
  db: mongoose.Connection;
}

export async function sharedServers(t: TestContext): Promise<SharedServers | null>;
export async function sharedServers(
  t: TestContext,
  kind: RedisKind,
): Promise<SharedServers<RedisClient> | null>;
export async function sharedServers(
  t: TestContext,
  kind: RedisKind = 'Redis',
): Promise<SharedServers<RedisClient> | null> {
  const target = await redisTargetFor(t, kind);
  const mongoUrl = await needServer(t, 'mongodb');
  if (!target || !mongoUrl) return null;
  const run = randomBytes(4).toString('hex');
  const uri = new URL(mongoUrl);
  uri.pathname = `/replicas_${run}`;
  const prefix = `replicas:${run}:`;
  const redis = redisClient(target, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const db = await mongoose.createConnection(uri.toString()).asPromise();
  t.after(async () => {
    await deleteKeys(redis, prefix).catch(() => {});
    redis.disconnect();
    await db.dropDatabase().catch(() => {});
    await db.close();
  });
  return {
    env: {
      ...redisEnv(target),
      REDIS_PREFIX: prefix,
      MONGODB_URI: uri.toString(),
      RESPONDENT_SALT: 'replica-test-salt-0123456789',
      ...TEST_DATA_KEYS,
    },
    redis,
    db,
  };
}

const PATH = '/telegram/hook';

export interface WebhookReplicas<Client extends RedisClient = Redis> {
  api: TelegramApiStandIn;
  servers: SharedServers<Client>;
  replicas: Replica[];
  balancer: ReplicaBalancer;
}

/**
 * `count` bot processes in webhook mode behind one public address, on the test's Redis (or
 * Redis Cluster) and MongoDB, with the Bot API stand-in; the balancer delivers updates to them
 * in turn.
 */
export async function startWebhookReplicas(
  t: TestContext,
  count: number,
  opts?: { secret?: string },
): Promise<WebhookReplicas | null>;
export async function startWebhookReplicas(
  t: TestContext,
  count: number,
  opts: { secret?: string; redis: RedisKind },
): Promise<WebhookReplicas<RedisClient> | null>;
export async function startWebhookReplicas(
  t: TestContext,
  count: number,
  opts: { secret?: string; redis?: RedisKind } = {},
): Promise<WebhookReplicas<RedisClient> | null> {
  const servers = await sharedServers(t, opts.redis ?? 'Redis');
  if (!servers) return null;
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const replicas = ports.map((port, i) =>
    startReplica(t, String.fromCharCode(65 + i), {
      ...servers.env,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      // One public address in front of all replicas; each serves the webhook on its own port.
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${ports[0]}${PATH}`,
      ...(opts.secret ? { TELEGRAM_WEBHOOK_SECRET: opts.secret } : {}),
      HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
      SWEEP_INTERVAL_MINUTES: '0',
    }),
  );
  await Promise.all(replicas.map((r) => r.waitFor(/survey bot running/, 60_000)));
  const urls = ports.map((port) => `http://127.0.0.1:${port}${PATH}`);
  // Without a configured secret, the replicas must agree on one: Telegram sends the last one set.
  const secret = api.webhook?.secret;
  assert.ok(secret && (!opts.secret || secret === opts.secret), 'the webhook is set with a secret');
  return { api, servers, replicas, balancer: new ReplicaBalancer(api, urls, secret) };
}
