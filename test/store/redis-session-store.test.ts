import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../../src/engine/session.ts';
import { redisFor } from '../support/stores.ts';
import { session } from './session-store.contract.ts';

/** What only the Redis store does: expiry, foreign data under its keys, its index, its scripts. */

test('every write sets the time to live again', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore({ ttlMs: 60_000 });
  const key = `${r.prefix}session:advocacy:t:ttl`;
  await store.put('advocacy:t:ttl', session(), null);
  assert.ok((await r.redis.pttl(key)) > 59_000);
  await r.redis.pexpire(key, 5_000);
  await store.put('advocacy:t:ttl', session({ version: 2 }), 1);
  assert.ok((await r.redis.pttl(key)) > 59_000, 'activity refreshes the time to live');
});

test('one small hash per session: the version and the JSON', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  await r.newStore().put('advocacy:t:shape', session({ version: 3 }), null);
  const hash = await r.redis.hgetall(`${r.prefix}session:advocacy:t:shape`);
  assert.deepEqual(Object.keys(hash).sort(), ['j', 'v']);
  assert.equal(hash.v, '3');
  assert.deepEqual(JSON.parse(hash.j!), session({ version: 3 }));
});

test('a foreign value of another type under a session key is corrupt, then replaced', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  await r.redis.rpush(`${r.prefix}session:advocacy:t:list`, 'x');
  assert.deepEqual(await store.get('advocacy:t:list'), { corrupt: true, version: null });
  assert.equal(await store.put('advocacy:t:list', session(), null), true);
  assert.deepEqual(await store.get('advocacy:t:list'), session());
});

test('sessions that expired leave the idle index when the sweep meets them', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  await store.put('advocacy:t:old', session({ updatedAt: 1000 }), null);
  await store.put('advocacy:t:kept', session({ updatedAt: 2000 }), null);
  await r.redis.del(`${r.prefix}session:advocacy:t:old`);
  assert.deepEqual(
    (await store.idle(5000, 1)).map((i) => i.key),
    ['advocacy:t:kept'],
    'a page is not lost to an expired entry',
  );
  assert.equal(await r.redis.zscore(`${r.prefix}sessions-by-update`, 'advocacy:t:old'), null);
});

test('two bot processes (two clients) see and race on the same sessions', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const a = r.newStore();
  const b = r.newStore();
  await a.put('advocacy:t:shared', session(), null);
  assert.deepEqual(await b.get('advocacy:t:shared'), session());
  const [x, y] = await Promise.all([
    a.put('advocacy:t:shared', session({ version: 2, current: 'a' }), 1),
    b.put('advocacy:t:shared', session({ version: 2, current: 'b' }), 1),
  ]);
  assert.equal(Number(x) + Number(y), 1);
});

test('stores with different prefixes do not see each other', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const a = r.newStore();
  const b = r.newStore({ prefix: `${r.prefix}other:` });
  await a.put('advocacy:t:1', session({ updatedAt: 1 }), null);
  assert.equal(await b.get('advocacy:t:1'), null);
  assert.deepEqual(await b.idle(5000, 10), []);
});

test('the scripts are loaded again after Redis forgot them (restart, SCRIPT FLUSH)', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  await store.put('advocacy:t:flush', session(), null);
  await r.redis.script('FLUSH');
  assert.equal(await store.put('advocacy:t:flush', session({ version: 2 }), 1), true);
  assert.equal(((await store.get('advocacy:t:flush')) as Session).version, 2);
});

test('sessions kept per flow move to their respondent key once, with their time to live and idle entry', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore({ ttlMs: 60_000 });
  // As an earlier version stored them: `<flow>:<channel>:<user>`.
  await store.put('advocacy:telegram:11', session({ id: 'a', updatedAt: 1000 }), null);
  await store.put('advocacy:discord:22', session({ id: 'b', updatedAt: 2000 }), null);
  // Already moved for this respondent (a newer session): the old one is left to expire.
  await store.put('advocacy:telegram:33', session({ id: 'old' }), null);
  await store.put('telegram:33', session({ id: 'new' }), null);
  await r.redis.pexpire(`${r.prefix}session:advocacy:telegram:11`, 30_000);

  assert.equal(await store.migrateLegacyKeys(), 2);
  assert.equal((await store.get('telegram:11')) && 'id' in (await store.get('telegram:11'))!, true);
  assert.equal(((await store.get('telegram:11')) as Session).id, 'a');
  assert.equal(((await store.get('discord:22')) as Session).id, 'b');
  assert.equal(((await store.get('telegram:33')) as Session).id, 'new');
  assert.equal(await store.get('advocacy:telegram:11'), null);
  const ttl = await r.redis.pttl(`${r.prefix}session:telegram:11`);
  assert.ok(ttl > 0 && ttl <= 30_000, 'the time to live moves with it');
  const idle = (await store.idle(10_000, 10)).map((i) => i.key);
  assert.ok(idle.includes('telegram:11') && idle.includes('discord:22'));
  assert.ok(!idle.includes('advocacy:telegram:11'));
  assert.equal(await store.migrateLegacyKeys(), 0, 'nothing left to move');
});
