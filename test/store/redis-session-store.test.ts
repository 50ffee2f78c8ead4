import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../../src/engine/session.ts';
import { inflateRawSync } from 'node:zlib';
import { Keyring } from '../../src/privacy/keyring.ts';
import { GROUPS, RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { decodeSession } from '../../src/store/session-codec.ts';
import { redisFor, type RedisSetup } from '../support/stores.ts';
import { session } from './session-store.contract.ts';

/** What only the Redis store does: expiry, foreign data under its keys, its index, its scripts. */

test('every write sets the time to live again', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore({ ttlMs: 60_000 });
  const key = store.redisKey('advocacy:t:ttl');
  await store.put('advocacy:t:ttl', session(), null);
  assert.ok((await r.redis.pttl(key)) > 59_000);
  await r.redis.pexpire(key, 5_000);
  await store.put('advocacy:t:ttl', session({ version: 2 }), 1);
  assert.ok((await r.redis.pttl(key)) > 59_000, 'activity refreshes the time to live');
});

test('one small string per session: the version, then the session in its compact form, deflated', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  await store.put('telegram:42', session({ version: 3 }), null);
  const held = (await r.redis.getBuffer(store.redisKey('telegram:42')))!;
  assert.equal(held.subarray(0, 3).toString(), '3:\0', 'the version, then deflated data');
  const text = inflateRawSync(held.subarray(3)).toString();
  assert.deepEqual(decodeSession(text, 'telegram:42'), session({ version: 3 }));
  assert.ok(held.length < text.length, `${held.length} < ${text.length}`);
  assert.ok(text.length < JSON.stringify(session()).length * 0.7, text);
  // Short data stays as it is.
  const short = session({ answers: {}, path: [], durations: {}, draft: null, meta: {} });
  await store.put('telegram:43', short, null);
  assert.match((await r.redis.get(store.redisKey('telegram:43')))!, /^1:\[3,/);
  assert.deepEqual(await store.get('telegram:43'), short);
});

test('a session and its group of the idle index share one hash slot; the groups spread', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  const tags = new Set<string>();
  for (let user = 0; user < 400; user++) {
    const key = `telegram:${1000 + user}`;
    await store.put(key, session({ updatedAt: user }), null);
    const tag = /\{g(\d+)\}/.exec(store.redisKey(key))![0];
    tags.add(tag);
    assert.equal(await r.redis.zscore(`${r.prefix}sessions-by-update:${tag}`, key), String(user));
  }
  assert.equal(tags.size, GROUPS, 'every group is used');
  assert.equal(await store.countActive(), 400);
  assert.deepEqual(
    (await store.idle(1000, 5)).map((s) => s.key),
    ['telegram:1000', 'telegram:1001', 'telegram:1002', 'telegram:1003', 'telegram:1004'],
    'the oldest first, across groups',
  );
  assert.equal((await store.idle(1000, 1000)).length, 400);
});

test('a foreign value of another type under a session key is corrupt, then replaced', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  await r.redis.rpush(store.redisKey('advocacy:t:list'), 'x');
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
  await r.redis.del(store.redisKey('advocacy:t:old'));
  assert.deepEqual(
    (await store.idle(5000, 1)).map((i) => i.key),
    ['advocacy:t:kept'],
    'a page is not lost to an expired entry',
  );
  assert.equal(await store.countActive(), 1);
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

/** Writes a session as an earlier version of the store did: under `session:<key>`, one index for all. */
async function putLegacy(r: RedisSetup, key: string, s: Session, ttlMs?: number) {
  const name = `${r.prefix}session:${key}`;
  await r.redis.hset(name, { v: String(s.version), j: JSON.stringify(s) });
  if (ttlMs) await r.redis.pexpire(name, ttlMs);
  await r.redis.zadd(`${r.prefix}sessions-by-update`, s.updatedAt, key);
}

test('sessions of earlier layouts move to their group once, with their time to live and idle entry', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore({ ttlMs: 60_000 });
  // Kept per flow (`<flow>:<channel>:<user>`), and later per respondent under one index for all.
  await putLegacy(r, 'advocacy:telegram:11', session({ id: 'a', updatedAt: 1000 }), 30_000);
  await putLegacy(r, 'advocacy:discord:22', session({ id: 'b', updatedAt: 2000 }));
  await putLegacy(r, 'telegram:44', session({ id: 'c', updatedAt: 3000 }));
  // Already moved for this respondent (a newer session): the old one is left to expire.
  await putLegacy(r, 'advocacy:telegram:33', session({ id: 'old' }));
  await store.put('telegram:33', session({ id: 'new' }), null);

  assert.equal(await store.migrateLegacyKeys(), 3);
  assert.equal(((await store.get('telegram:11')) as Session).id, 'a');
  assert.equal(((await store.get('discord:22')) as Session).id, 'b');
  assert.equal(((await store.get('telegram:44')) as Session).id, 'c');
  assert.equal(((await store.get('telegram:33')) as Session).id, 'new');
  assert.equal(await store.get('advocacy:telegram:11'), null);
  const ttl = await r.redis.pttl(store.redisKey('telegram:11'));
  assert.ok(ttl > 0 && ttl <= 30_000, 'the time to live moves with it');
  const idle = (await store.idle(10_000, 10)).map((i) => i.key);
  assert.deepEqual(idle.slice(0, 3), ['telegram:11', 'discord:22', 'telegram:44']);
  assert.ok(!idle.includes('advocacy:telegram:11'));
  assert.equal(await r.redis.zcard(`${r.prefix}sessions-by-update`), 0, 'the index for all is empty');
  assert.equal(await store.migrateLegacyKeys(), 0, 'nothing left to move');
  // A moved session goes on: its next write is a compare-and-set on its version, in the new form.
  assert.equal(await store.put('telegram:44', session({ id: 'c', version: 2 }), 1), true);
  assert.ok(
    (await r.redis.getBuffer(store.redisKey('telegram:44')))!.subarray(0, 3).equals(Buffer.from('2:\0')),
  );
});

test('a write that loses returns what is stored, so the turn goes on without reading again', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const store = r.newStore();
  assert.equal(await store.swap('telegram:5', session(), null), true);
  assert.deepEqual(await store.swap('telegram:5', session({ version: 2 }), null), session());
  assert.deepEqual(await store.swap('telegram:5', session({ version: 3 }), 2), session());
  assert.equal(await store.swap('telegram:5', session({ version: 2, current: 'q7' }), 1), true);
  assert.equal(await store.delete('telegram:5'), true);
  assert.equal(await store.swap('telegram:5', session({ version: 3 }), 2), null, 'gone meanwhile');
  await r.redis.set(store.redisKey('telegram:5'), 'foreign');
  assert.deepEqual(await store.swap('telegram:5', session(), 3), { corrupt: true, version: null });
});

test('sealed, a session carries its key inside its data; one sealed as earlier versions did (key apart) still reads, idles and reseals', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const keyring = new Keyring([{ id: 'k1', key: Buffer.alloc(32, 7) }], 'k1', Buffer.alloc(32, 9));
  const store = new RedisSessionStore(r.redis, { prefix: r.prefix, ttlMs: 60_000, keyring });
  await store.put('telegram:7001', session({ updatedAt: 1000 }), null);
  const name = store.redisKey('telegram:7001');
  assert.doesNotMatch(name, /7001/, 'no user id in the Redis key');
  const held = (await r.redis.get(name))!;
  assert.match(held, /^1:enc1:k1:[^:]+:[^:]+$/, 'the version, then one sealed value: key and session');
  assert.doesNotMatch(held, /7001|telegram/);
  assert.deepEqual(await store.get('telegram:7001'), session({ updatedAt: 1000 }));

  // As the previous version sealed it: JSON and, apart, its key.
  const older = store.redisKey('telegram:7002');
  await r.redis.hset(older, {
    v: '1',
    j: keyring.seal(JSON.stringify(session({ id: 'old', updatedAt: 2000 })), 'session'),
    k: keyring.seal('telegram:7002', 'session.key'),
  });
  await r.redis.zadd(
    `${r.prefix}sessions-by-update:${/\{g\d+\}/.exec(older)![0]}`,
    2000,
    keyring.hash('telegram:7002', 'session'),
  );
  assert.equal(((await store.get('telegram:7002')) as Session).id, 'old');
  assert.deepEqual(
    (await store.idle(5000, 10)).map((i) => [i.key, i.session.id]),
    [
      ['telegram:7001', 'sess-1'],
      ['telegram:7002', 'old'],
    ],
  );
  // A new key: both are sealed again with it, the old one in the new form.
  const rotated = new Keyring(
    [
      { id: 'k1', key: Buffer.alloc(32, 7) },
      { id: 'k2', key: Buffer.alloc(32, 8) },
    ],
    'k2',
    Buffer.alloc(32, 9),
  );
  const next = new RedisSessionStore(r.redis, { prefix: r.prefix, ttlMs: 60_000, keyring: rotated });
  assert.deepEqual(await next.reseal(), { store: 'sessions', resealed: 2, unreadable: 0, skipped: 0 });
  assert.match((await r.redis.get(older))!, /^1:enc1:k2:/, 'one string now');
  assert.ok((await r.redis.pttl(older)) === -1, 'no time to live given where there was none');
  assert.deepEqual(
    (await next.idle(5000, 10)).map((i) => [i.key, i.session.id]),
    [
      ['telegram:7001', 'sess-1'],
      ['telegram:7002', 'old'],
    ],
  );
  assert.deepEqual(
    await next.reseal(),
    { store: 'sessions', resealed: 0, unreadable: 0, skipped: 0 },
    'nothing left',
  );
});
