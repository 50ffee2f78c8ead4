import { connect } from 'node:net';
import { Keyring } from '../../src/privacy/keyring.ts';
import type { TestContext } from 'node:test';

/**
 * Test servers: Redis and a MongoDB-protocol server (FerretDB in CI). Tests that need one run
 * whenever it answers; locally they are skipped with a visible message when it does not, and
 * under CI=true a missing server fails the test instead.
 */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const MONGODB_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
/**
 * A Redis Cluster's nodes (`host:port,...`): `.ci/run` starts one; locally `npm run redis-cluster`
 * does and prints the variable. Unset: the tests on a cluster are skipped (they fail under CI=true).
 */
export const REDIS_CLUSTER_NODES = process.env.REDIS_CLUSTER_TEST_NODES ?? '';

const answers = new Map<string, Promise<boolean>>();

function reachable(url: string): Promise<boolean> {
  const cached = answers.get(url);
  if (cached) return cached;
  const { hostname, port } = new URL(url.replace(/^mongodb(\+srv)?:/, 'http:'));
  const probe = new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port) });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
  answers.set(url, probe);
  return probe;
}

/**
 * Resolves to the server's URL (a cluster: its nodes, `host:port,...`), or skips the test (fails
 * it under CI=true) when it does not answer.
 */
export async function needServer(
  t: TestContext,
  name: 'redis' | 'mongodb' | 'redis-cluster',
): Promise<string | null> {
  if (name === 'redis-cluster') return needCluster(t);
  const url = name === 'redis' ? REDIS_URL : MONGODB_URI;
  if (await reachable(url)) return url;
  const message = `${name} is not reachable at ${url.replace(/\/\/[^@]*@/, '//***@')}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true)`);
  t.skip(`${message}: start it or set ${name === 'redis' ? 'REDIS_URL' : 'MONGODB_URI'}`);
  return null;
}

async function needCluster(t: TestContext): Promise<string | null> {
  const nodes = REDIS_CLUSTER_NODES.split(',').filter(Boolean);
  let message = 'no Redis Cluster: REDIS_CLUSTER_TEST_NODES is not set';
  if (nodes.length > 0) {
    const answering = await Promise.all(nodes.map((node) => reachable(`redis://${node}`)));
    if (answering.every(Boolean)) return nodes.join(',');
    message = `the Redis Cluster at ${nodes.join(',')} is not reachable`;
  }
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true)`);
  t.skip(`${message}: start one with npm run redis-cluster and set the variable it prints`);
  return null;
}

/** Data keys for tests with servers: the configuration refuses REDIS_URL or MONGODB_URI without them. */
export const TEST_DATA_KEYS: Record<'DATA_KEYS' | 'DATA_HASH_KEY', string> = {
  DATA_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}`,
  DATA_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
};

/** The keyring of TEST_DATA_KEYS: what a test needs to read sealed data a bot process stored. */
export function testKeyring(): Keyring {
  const [id, key] = TEST_DATA_KEYS.DATA_KEYS.split(':') as [string, string];
  return new Keyring(
    [{ id, key: Buffer.from(key, 'base64') }],
    id,
    Buffer.from(TEST_DATA_KEYS.DATA_HASH_KEY, 'base64'),
  );
}
