import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/log.ts';
import { LeaderLock } from '../../src/store/redis-leader.ts';
import { needServer } from '../support/servers.ts';

async function waitFor(check: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await sleep(20);
  }
  return Date.now() - start;
}

test('exactly one replica leads, and a killed leader is replaced within the lock expiry', async (t) => {
  const url = await needServer(t, 'redis');
  if (!url) return;
  const key = `test:leader:${process.pid}:${Date.now()}`;
  const clients = [new Redis(url), new Redis(url)];
  const working = [0, 0];
  const locks = clients.map(
    (redis, i) =>
      new LeaderLock(redis, key, {
        ttlMs: 600,
        log: silentLogger,
        onLead: async () => {
          working[i]!++;
          return async () => {
            working[i]!--;
          };
        },
      }),
  );
  try {
    locks.forEach((l) => l.start());
    await waitFor(() => locks.some((l) => l.leading), 2000);
    await sleep(1500); // several renewals
    assert.equal(locks.filter((l) => l.leading).length, 1, 'one leader');
    assert.equal(working[0]! + working[1]!, 1, 'the work runs once');
    const leader = locks.findIndex((l) => l.leading);
    const other = 1 - leader;
    // A hard kill: the leader's connection is gone and it never releases the lock.
    clients[leader]!.disconnect();
    const took = await waitFor(() => locks[other]!.leading, 3000);
    assert.ok(took <= 600 + 400, `took over after ${took} ms (expiry 600 ms + one check)`);
    assert.equal(working[other], 1);
  } finally {
    await Promise.all(locks.map((l) => l.stop()));
    clients.forEach((c) => c.disconnect());
  }
});

test('a leader that stops hands the lock over at once', async (t) => {
  const url = await needServer(t, 'redis');
  if (!url) return;
  const key = `test:leader-handover:${process.pid}:${Date.now()}`;
  const redis = new Redis(url);
  const first = new LeaderLock(redis, key, {
    ttlMs: 3000,
    log: silentLogger,
    onLead: async () => async () => {},
  });
  const second = new LeaderLock(redis, key, {
    ttlMs: 3000,
    log: silentLogger,
    onLead: async () => async () => {},
  });
  try {
    first.start();
    await waitFor(() => first.leading, 2000);
    second.start();
    await first.stop();
    assert.equal(await redis.get(key), null, 'released');
    await waitFor(() => second.leading, 5000);
  } finally {
    await second.stop();
    redis.disconnect();
  }
});
