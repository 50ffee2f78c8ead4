import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { serverName } from './server-name.ts';
import { within } from './within.ts';

export interface RedisConnectOptions {
  /** How long `connectRedis` waits for the first connection before going on (it keeps trying). */
  waitMs?: number;
  /** Longest pause between reconnection attempts. */
  maxBackoffMs?: number;
}

/**
 * A Redis client that never brings the process down: it reconnects with exponential backoff,
 * logs one line when the server is lost and one when it is back (naming the server, never the
 * password), and fails commands at once while disconnected, so a turn can answer "temporarily
 * unavailable" instead of hanging.
 */
export async function connectRedis(
  url: string,
  log: Logger,
  options: RedisConnectOptions = {},
): Promise<Redis> {
  const server = serverName(url);
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(maxBackoff, 100 * 2 ** Math.min(times, 10)),
  });
  let down = false;
  const lost = (reason: string) => {
    if (down) return;
    down = true;
    log.error({ server }, `Redis at ${server} is not reachable (${reason}); retrying with backoff`);
  };
  redis.on('error', (error: Error) => lost(error.message));
  redis.on('close', () => {
    if (redis.status !== 'end') lost('connection closed');
  });
  redis.on('ready', () => {
    if (down) log.info({ server }, `Redis at ${server} is reachable again`);
    down = false;
  });
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  redis.connect().catch(() => {
    // Reported by the 'error' handler; the retry strategy keeps trying.
  });
  if (await within(ready, options.waitMs ?? 3000)) log.info({ server }, `Redis at ${server} connected`);
  return redis;
}

/** Whether Redis answers a PING within `timeoutMs` (for the readiness check; never throws). */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  const pong = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  return (await within(pong, timeoutMs)) && pong;
}
