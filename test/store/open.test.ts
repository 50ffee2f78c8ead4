import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Cluster } from 'ioredis';
import { ConversationService } from '../../src/conversation/service.ts';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { MongoInvitationStore } from '../../src/store/mongo-invitation-store.ts';
import { MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { openStores } from '../../src/store/open.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { answerFor, answerUntil, at } from '../conversation/autopilot.ts';
import { flow } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';
import { freePort, startFerretDb, startRedisServer } from '../support/server-processes.ts';
import { TEST_DATA_KEYS, needServer } from '../support/servers.ts';

function config(t: TestContext, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-open-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const servers = env.REDIS_URL || env.REDIS_CLUSTER_NODES || env.MONGODB_URI;
  return parseConfig({ DATA_DIR: dir, ...(servers ? TEST_DATA_KEYS : {}), ...env });
}

test('with no server configured, the embedded stores are used and start-up says so', async (t) => {
  const cfg = config(t, {});
  const stores = await openStores(cfg, captureLog('info').log);
  t.after(() => stores.close());
  assert.ok(stores.sessions instanceof MemorySessionStore);
  assert.ok(stores.responses instanceof FileResponseStore);
  assert.equal(
    stores.description,
    `sessions in memory, responses, contacts, invitations, codings and staff data in ${cfg.DATA_DIR} (embedded: REDIS_URL and MONGODB_URI are not set)`,
  );
});

test('REDIS_URL alone selects Redis for sessions, and only that', async (t) => {
  const url = await needServer(t, 'redis');
  if (!url) return;
  const stores = await openStores(
    config(t, { REDIS_URL: url, REDIS_PREFIX: 'test:open:' }),
    captureLog('info').log,
  );
  t.after(() => stores.close());
  assert.ok(stores.sessions instanceof RedisSessionStore);
  assert.ok(stores.responses instanceof FileResponseStore);
  assert.match(stores.description, /^sessions in Redis at redis:\/\/.*\(embedded: MONGODB_URI is not set\)$/);
});

test('REDIS_CLUSTER_NODES selects a Redis Cluster: the cluster client, ready when every master answers', async (t) => {
  const nodes = await needServer(t, 'redis-cluster');
  if (!nodes) return;
  const cfg = config(t, { REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: 'test:open:' });
  assert.deepEqual(
    cfg.REDIS_CLUSTER_NODES?.map((n) => `${n.host}:${n.port}`),
    nodes.split(','),
  );
  const stores = await openStores(cfg, captureLog('info').log);
  t.after(() => stores.close());
  assert.ok(stores.redis instanceof Cluster);
  assert.equal(stores.redis.nodes('master').length, nodes.split(',').length);
  assert.ok(stores.sessions instanceof RedisSessionStore);
  assert.match(stores.description, /^sessions in Redis at the cluster of 127\.0\.0\.1:\d+, /);
  assert.equal(await stores.servers.find((s) => s.name === 'redis')!.ping(), true);
});

test('REDIS_CLUSTER_NODES: host:port or redis:// URLs; not with REDIS_URL; never echoed', (t) => {
  const refused = (env: Record<string, string>) => {
    try {
      config(t, env);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems.join('\n');
    }
    return '';
  };
  const parsed = config(t, { REDIS_CLUSTER_NODES: 'a.example:7000, rediss://u:p%40ss@[::1]:7001' });
  assert.deepEqual(parsed.REDIS_CLUSTER_NODES, [
    { host: 'a.example', port: 7000 },
    { host: '::1', port: 7001, username: 'u', password: 'p@ss', tls: true },
  ]);
  assert.match(refused({ REDIS_CLUSTER_NODES: 'a.example' }), /^REDIS_CLUSTER_NODES: must be host:port/);
  assert.match(refused({ REDIS_CLUSTER_NODES: 'secret-host:70000' }), /^REDIS_CLUSTER_NODES: must be/);
  assert.doesNotMatch(refused({ REDIS_CLUSTER_NODES: 'secret-host:70000' }), /secret-host/);
  assert.match(
    refused({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_URL: 'redis://b:6379' }),
    /^REDIS_CLUSTER_NODES: set it or REDIS_URL, not both$/m,
  );
});

test('MONGODB_URI alone selects MongoDB for responses, contacts and invitations', async (t) => {
  const uri = await needServer(t, 'mongodb');
  if (!uri) return;
  const stores = await openStores(config(t, { MONGODB_URI: uri }), captureLog('info').log);
  t.after(() => stores.close());
  assert.ok(stores.sessions instanceof MemorySessionStore);
  assert.ok(stores.responses instanceof MongoResponseStore);
  assert.ok(stores.invitations instanceof MongoInvitationStore);
  assert.match(stores.description, /MongoDB at mongodb:\/\/.*\(embedded: REDIS_URL is not set\)$/);
});

test('servers down at start-up: one log line each naming the server (no password), no crash; when they come up, the survey works', async (t) => {
  const redisPort = await freePort();
  const mongoPort = await freePort();
  const redisServer = await startRedisServer(t, { port: redisPort, start: false, password: 's3cret-redis' });
  const ferret = redisServer && (await startFerretDb(t, { port: mongoPort, start: false }));
  if (!redisServer || !ferret) return;
  const captured = captureLog('info');
  const cfg = config(t, {
    REDIS_URL: `redis://:s3cret-redis@127.0.0.1:${redisPort}`,
    // FerretDB 1.x offers no SCRAM-SHA-1, so the MongoDB side runs without a password here;
    // redacting one from a MongoDB URI is checked in server-name.test.ts.
    MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/survey_open?appName=survey`,
  });
  const started = Date.now();
  const stores = await openStores(cfg, captured.log, {
    redis: { waitMs: 300, maxBackoffMs: 100 },
    mongo: { serverSelectionTimeoutMS: 300, maxBackoffMs: 200 },
  });
  t.after(() => stores.close());
  assert.ok(Date.now() - started < 5000, 'start-up does not wait for the servers');
  assert.equal(
    stores.description,
    `sessions in Redis at redis://127.0.0.1:${redisPort}, responses, contacts, invitations, codings and staff data in MongoDB at mongodb://127.0.0.1:${mongoPort}/survey_open`,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const errors = captured.lines.filter((l) => l.level >= 50);
  assert.equal(
    errors.filter((l) => l.msg.startsWith(`Redis at redis://127.0.0.1:${redisPort} is not reachable`)).length,
    1,
  );
  assert.equal(
    errors.filter((l) =>
      l.msg.startsWith(`MongoDB at mongodb://127.0.0.1:${mongoPort}/survey_open is not reachable`),
    ).length,
    1,
  );
  assert.equal(errors.length, 2, 'retries are not logged one by one');
  assert.doesNotMatch(captured.text(), /s3cret/);

  const service = new ConversationService({ flow, ...stores, retryAfter: 50 });
  t.after(() => service.close());
  const turn = (input: Parameters<typeof service.turn>[0]['input']) =>
    service.turn({ channel: 'discord', user: '77', input });
  const down = await turn({ type: 'start' });
  assert.deepEqual(down.notices, [{ key: 'common:unavailable' }]);

  await redisServer.start();
  const last = await waitFor(() => answerUntil(turn, at('q17', 'language')));
  const done = await turn(answerFor(last.prompt!));
  assert.deepEqual(
    done.notices,
    [{ key: 'common:end.saved_later' }],
    'MongoDB is still down: kept for later',
  );

  await ferret.start();
  const id = done.session!.id;
  await waitFor(async () => (await stores.responses.get(id))?.status === 'complete');
  assert.ok(
    captured.lines.some((l) => l.msg === `Redis at redis://127.0.0.1:${redisPort} is reachable again`),
  );
  assert.ok(
    captured.lines.some((l) =>
      l.msg.startsWith(`MongoDB at mongodb://127.0.0.1:${mongoPort}/survey_open is reachable again`),
    ),
  );
  assert.doesNotMatch(captured.text(), /s3cret/);
});

async function waitFor<T>(probe: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      if (Date.now() > end) throw error;
    }
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
