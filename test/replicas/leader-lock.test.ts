import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/log.ts';
import { LeaderLock } from '../../src/store/redis-leader.ts';
import { REDIS_KINDS, redisFor } from '../support/stores.ts';

/** The lock's edges that the replica tests do not reach on purpose: a stop while leadership is being taken, and work that cannot start. */

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

for (const kind of REDIS_KINDS) {
  test(`${kind}: a stop while the work is starting waits for it, then stops it and releases the lock`, async (t) => {
    const setup = await redisFor(t, kind);
    if (!setup) return;
    const key = `${setup.prefix}leader`;
    let running = 0;
    let releaseStart: () => void = () => {};
    const starting = new Promise<void>((resolve) => (releaseStart = resolve));
    let entered = false;
    const lock = new LeaderLock(setup.redis, key, {
      ttlMs: 3000,
      log: silentLogger,
      onLead: async () => {
        entered = true;
        await starting;
        running++;
        return async () => {
          running--;
        };
      },
    });
    lock.start();
    await until(() => entered, 2000);
    const stopped = lock.stop();
    releaseStart();
    await stopped;
    assert.equal(running, 0, 'the work that started during the stop was stopped');
    assert.equal(lock.leading, false);
    assert.equal(await setup.redis.get(key), null, 'the lock is released');
  });

  test(`${kind}: work that cannot start releases the lock for another replica, and a fatal failure stops trying`, async (t) => {
    const setup = await redisFor(t, kind);
    if (!setup) return;
    const key = `${setup.prefix}leader`;
    const failures: unknown[] = [];
    let attempts = 0;
    const failing = new LeaderLock(setup.redis, key, {
      ttlMs: 300,
      log: silentLogger,
      onLead: async () => {
        attempts++;
        throw new Error('token refused');
      },
      onLeadFailed: (error) => {
        failures.push(error);
        return failures.length >= 2;
      },
    });
    failing.start();
    await until(() => failures.length === 2, 3000);
    // Released at once, not left to expire: the key is free right after the failure.
    assert.equal(await setup.redis.get(key), null);
    await sleep(500); // several checks' time: it has stopped trying
    assert.equal(attempts, 2);

    let working = false;
    const healthy = new LeaderLock(setup.redis, key, {
      ttlMs: 3000,
      log: silentLogger,
      onLead: async () => {
        working = true;
        return async () => {
          working = false;
        };
      },
    });
    healthy.start();
    await until(() => healthy.leading, 2000);
    assert.equal(working, true);
    await healthy.stop();
    await failing.stop();
    assert.equal(working, false);
  });

  test(`${kind}: a leader whose work takes longer than the lock expiry to start keeps the lock meanwhile`, async (t) => {
    const setup = await redisFor(t, kind);
    if (!setup) return;
    const key = `${setup.prefix}leader`;
    let started = false;
    const slow = new LeaderLock(setup.redis, key, {
      ttlMs: 300,
      log: silentLogger,
      onLead: async () => {
        await sleep(1200); // a gateway connection taking four lock lifetimes
        started = true;
        return async () => {};
      },
    });
    const other = new LeaderLock(setup.redis, key, {
      ttlMs: 300,
      log: silentLogger,
      onLead: async () => async () => {},
    });
    slow.start();
    await until(() => slow.leading, 2000);
    other.start();
    await until(() => started, 3000);
    assert.equal(other.leading, false, 'the other replica never took the lock');
    assert.equal(await setup.redis.get(key), slow.token);
    await Promise.all([slow.stop(), other.stop()]);
  });
}
