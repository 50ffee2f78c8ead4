import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ClusterNode } from '../config.ts';
import type { Logger } from '../log.ts';
import { serverName } from './server-name.ts';
import { within } from './within.ts';

/**
 * One Redis or a Redis Cluster: every Redis user takes either. Keys one command, script or
 * transaction touches together share a hash tag (`{...}`), so they are in one slot of a cluster.
 */
export type RedisClient = Redis | Cluster;

/** Where Redis is: one server's URL, or some nodes of a cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = string | ClusterNode[];

export interface RedisConnectOptions {
  /** How long `connectRedis` waits for the first connection before going on (it keeps trying). */
  waitMs?: number;
  /** Longest pause between reconnection attempts. */
  maxBackoffMs?: number;
}

/** The target of the configuration, or null when Redis is not used. */
export function redisTargetOf(config: {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: ClusterNode[] | undefined;
}): RedisTarget | null {
  return config.REDIS_CLUSTER_NODES ?? config.REDIS_URL ?? null;
}

/** How logs name the target: hosts and ports, never a password. */
export function describeTarget(target: RedisTarget): string {
  return typeof target === 'string'
    ? serverName(target)
    : `the cluster of ${target.map((n) => `${n.host}:${n.port}`).join(', ')}`;
}

/**
 * A new client of the target, not connected yet. `connectRedis` adds what production needs;
 * BullMQ and tests make theirs with their own options.
 */
export function redisClient(target: string, options?: RedisOptions): Redis;
export function redisClient(target: RedisTarget, options?: RedisOptions): RedisClient;
export function redisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (typeof target === 'string') return new Redis(target, options);
  const { lazyConnect, enableOfflineQueue, enableAutoPipelining, retryStrategy, ...perNode } = options;
  const first = target[0];
  return new Cluster(
    target.map(({ host, port }) => ({ host, port })),
    {
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
      ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
      redisOptions: {
        ...perNode,
        // One password for the cluster: every node of it asks for the same.
        ...(first?.username ? { username: first.username } : {}),
        ...(first?.password ? { password: first.password } : {}),
        ...(first?.tls ? { tls: {} } : {}),
      },
    },
  );
}

/**
 * A Redis client that never brings the process down: it reconnects with exponential backoff,
 * logs one line when the server is lost and one when it is back (naming the server, never the
 * password), and fails commands at once while disconnected, so a turn can answer "temporarily
 * unavailable" instead of hanging. With cluster nodes, the client is ioredis's cluster client.
 */
export async function connectRedis(
  target: string,
  log: Logger,
  options?: RedisConnectOptions,
): Promise<Redis>;
export async function connectRedis(
  target: RedisTarget,
  log: Logger,
  options?: RedisConnectOptions,
): Promise<RedisClient>;
export async function connectRedis(
  target: RedisTarget,
  log: Logger,
  options: RedisConnectOptions = {},
): Promise<RedisClient> {
  const server = describeTarget(target);
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const redis = redisClient(target, {
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
export async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  // A cluster is ready when each of its masters answers: a lost one holds some of the slots.
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const pong = Promise.all(nodes.map((node) => node.ping())).then(
    (replies) => replies.length > 0 && replies.every((reply) => reply === 'PONG'),
    () => false,
  );
  return (await within(pong, timeoutMs)) && pong;
}

/**
 * Every key matching `pattern`, in batches: SCAN on the one server, or on each master of a
 * cluster (a SCAN sent to the cluster client reaches one node and sees only its slots).
 */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
