import { scanKeys, type RedisClient } from '../../src/store/redis-connection.ts';
import mongoose from 'mongoose';
import type { Step } from '../telegram/respondent.ts';

/**
 * Everything a test's MongoDB database and Redis key prefix hold, read directly (no store code):
 * what someone holding a dump of each would read. One text per document or key.
 */
export async function dumpMongo(uri: string): Promise<string[]> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const texts: string[] = [];
    for (const { name } of await connection.db!.listCollections().toArray()) {
      for (const doc of await connection.db!.collection(name).find({}).toArray())
        texts.push(`${name} ${JSON.stringify(doc)}`);
    }
    return texts;
  } finally {
    await connection.close();
  }
}

export async function dumpRedis(redis: RedisClient, prefix: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const keys of scanKeys(redis, `${prefix}*`)) {
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      texts.push(`${key} ${JSON.stringify(value)}`);
    }
  }
  return texts;
}

/** The dump's texts that hold one of the values, as `value in <text start>` lines (empty: none). */
export function found(dump: string[], values: string[]): string[] {
  const hits: string[] = [];
  for (const text of dump) {
    for (const value of values) if (text.includes(value)) hits.push(`${value} in ${text.slice(0, 120)}`);
  }
  return hits;
}

/** Everything up to the contact question, answered the same way by each respondent. */
export const BEFORE_CONTACT: Record<string, Step[]> = {
  language: [{ choose: 'en' }],
  consent: [{ choose: 'yes' }],
  q1: [{ choose: 'other' }, { type: 'Museum library' }],
  q2: [{ choose: 'no' }],
  q3: [{ type: 'Egypt' }],
  q4: [{ choose: '25000_49999' }],
  q5: [{ choose: 'no' }],
  q6: [{ choose: 'none' }, 'done'],
  q9: [{ type: 'Too little time.' }],
  q10: [{ type: 'More staff.' }],
  q11: ['skip'],
  q11b: ['skip'],
  q12: [{ choose: 'no' }],
  q13: ['skip'],
  q14: ['skip'],
  q15: ['skip'],
  q16: [{ choose: 'face_to_face' }, 'done'],
};
