import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { silentLogger } from '../../src/log.ts';
import { connectMongo } from '../../src/store/mongo-connection.ts';
import { createIndexes } from '../../src/store/mongo-models.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { needServer } from './servers.ts';

/**
 * The real Redis and MongoDB-protocol servers, shared by tests without seeing each other: every
 * test gets its own Redis key prefix and its own database, removed afterwards.
 */
export interface RedisSetup {
  redis: Redis;
  prefix: string;
  /** A session store on a fresh client, as another bot process would have. */
  newStore(opts?: { ttlMs?: number; prefix?: string }): RedisSessionStore;
}

const unique = () => randomBytes(6).toString('hex');

export async function redisFor(t: TestContext, url?: string): Promise<RedisSetup | null> {
  const serverUrl = url ?? (await needServer(t, 'redis'));
  if (!serverUrl) return null;
  const prefix = `test:${unique()}:`;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(serverUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  const redis = client();
  t.after(async () => {
    if (redis.status === 'ready') {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    for (const c of clients) c.disconnect();
  });
  return {
    redis,
    prefix,
    newStore: (opts = {}) =>
      new RedisSessionStore(client(), { prefix: opts.prefix ?? prefix, ttlMs: opts.ttlMs ?? 86_400_000 }),
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
