import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { ConfigSchema } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { connectMongo } from '../../src/store/mongo-connection.ts';
import { createIndexes } from '../../src/store/mongo-models.ts';
import {
  redisClient,
  scanKeys,
  type RedisClient,
  type RedisTarget,
} from '../../src/store/redis-connection.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { needServer } from './servers.ts';

/**
 * The real Redis and MongoDB-protocol servers, shared by tests without seeing each other: every
 * test gets its own Redis key prefix and its own database, removed afterwards.
 */
export interface RedisSetup<Client extends RedisClient = RedisClient> {
  redis: Client;
  /** Where it is: one server's URL or a cluster's nodes (for a bot process's environment). */
  target: RedisTarget;
  prefix: string;
  /** A session store on a fresh client, as another bot process would have. */
  newStore(opts?: { ttlMs?: number; prefix?: string }): RedisSessionStore;
}

const unique = () => randomBytes(6).toString('hex');

/** The Redis stores run their suites on one server and on a three-master cluster. */
export const REDIS_KINDS = ['Redis', 'Redis Cluster'] as const;
export type RedisKind = (typeof REDIS_KINDS)[number];

/** The test's Redis (or cluster) target, or null when the test was skipped for want of it. */
export async function redisTargetFor(t: TestContext, kind: RedisKind = 'Redis'): Promise<RedisTarget | null> {
  if (kind === 'Redis') return needServer(t, 'redis');
  const nodes = await needServer(t, 'redis-cluster');
  return nodes === null ? null : ConfigSchema.shape.REDIS_CLUSTER_NODES.parse(nodes)!;
}

/** The value of REDIS_URL or REDIS_CLUSTER_NODES that makes a bot process use `target`. */
export function redisEnv(target: RedisTarget): { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string } {
  return typeof target === 'string'
    ? { REDIS_URL: target }
    : { REDIS_CLUSTER_NODES: target.map((n) => `${n.host}:${n.port}`).join(',') };
}

/** Removes every key under `prefix`: on each master of a cluster, one DEL per key (any slot). */
export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  for await (const keys of scanKeys(redis, `${prefix}*`)) await Promise.all(keys.map((k) => redis.del(k)));
}

/** One server (the default) or a cluster, in a key prefix of the test's own, removed afterwards. */
export async function redisFor(t: TestContext): Promise<RedisSetup<Redis> | null>;
export async function redisFor(t: TestContext, kind: RedisKind): Promise<RedisSetup | null>;
export async function redisFor(t: TestContext, kind: RedisKind = 'Redis'): Promise<RedisSetup | null> {
  const target = await redisTargetFor(t, kind);
  if (!target) return null;
  const prefix = `test:${unique()}:`;
  const clients: RedisClient[] = [];
  const client = () => {
    const redis = redisClient(target, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  const redis = client();
  t.after(async () => {
    if (redis.status === 'ready') await deleteKeys(redis, prefix);
    for (const c of clients) c.disconnect();
  });
  return {
    redis,
    target,
    prefix,
    newStore: (opts = {}) =>
      // The session store's commands are those of both clients; its type names the single one.
      new RedisSessionStore(client(), {
        prefix: opts.prefix ?? prefix,
        ttlMs: opts.ttlMs ?? 86_400_000,
      }),
  };
}

export interface MongoSetup {
  connection: Connection;
  uri: string;
  dbName: string;
}

/** A fresh database with the indexes, dropped after the test. */
export async function mongoFor(t: TestContext, uri?: string): Promise<MongoSetup | null> {
  const serverUri = uri ?? (await needServer(t, 'mongodb'));
  if (!serverUri) return null;
  const dbName = `test_${unique()}`;
  const mongo = await connectMongo(
    serverUri,
    silentLogger,
    { dbName, serverSelectionTimeoutMS: 5000 },
    createIndexes,
  );
  await mongo.connected;
  t.after(async () => {
    await mongo.connection.dropDatabase().catch(() => {});
    await mongo.close();
  });
  return { connection: mongo.connection, uri: serverUri, dbName };
}
