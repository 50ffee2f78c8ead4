import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test, type TestContext } from 'node:test';
import { FileLinkStore, RedisLinkStore, type LinkStore } from '../../src/dashboard/auth/link-store.ts';
import {
  MemoryStaffSessions,
  RedisStaffSessions,
  type StaffSessionStore,
} from '../../src/dashboard/auth/session-store.ts';
import { REDIS_KINDS, redisFor } from '../support/stores.ts';

const hash = () => randomBytes(32).toString('hex');

const linkStores: [string, (t: TestContext) => Promise<LinkStore | null>][] = [
  [
    'files',
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'links-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      return new FileLinkStore(dir);
    },
  ],
  ...REDIS_KINDS.map((kind): [string, (t: TestContext) => Promise<LinkStore | null>] => [
    kind,
    async (t) => {
      const r = await redisFor(t, kind);
      return r ? new RedisLinkStore(r.redis, r.prefix) : null;
    },
  ]),
];

for (const [name, open] of linkStores) {
  describe(`sign-in link store: ${name}`, () => {
    test('a link is taken once, by one of many at the same time; an unknown one never', async (t) => {
      const store = await open(t);
      if (!store) return;
      const h = hash();
      await store.put(h, 'member-1', 60_000);
      const takers = await Promise.all(Array.from({ length: 8 }, () => store.take(h)));
      assert.deepEqual(takers.filter(Boolean), ['member-1']);
      assert.equal(await store.take(h), null);
      assert.equal(await store.take(hash()), null);
      assert.equal(await store.take('../../etc/passwd'), null);
    });

    test('a link past its life is not taken', async (t) => {
      const store = await open(t);
      if (!store) return;
      const h = hash();
      await store.put(h, 'member-1', 1);
      await sleep(20);
      assert.equal(await store.take(h), null);
    });
  });
}

const sessionStores: [string, (t: TestContext) => Promise<StaffSessionStore | null>][] = [
  ['memory', async () => new MemoryStaffSessions()],
  ...REDIS_KINDS.map((kind): [string, (t: TestContext) => Promise<StaffSessionStore | null>] => [
    kind,
    async (t) => {
      const r = await redisFor(t, kind);
      return r ? new RedisStaffSessions(r.redis, r.prefix) : null;
    },
  ]),
];

for (const [name, open] of sessionStores) {
  describe(`dashboard session store: ${name}`, () => {
    test('a session reads back until deleted; deleting all of a member ends only theirs', async (t) => {
      const store = await open(t);
      if (!store) return;
      const [a, b, c] = [hash(), hash(), hash()];
      await store.create(a, { member: 'm1', createdAt: 1, csrf: 'ta' }, 60_000);
      await store.create(b, { member: 'm1', createdAt: 2, csrf: 'tb' }, 60_000);
      await store.create(c, { member: 'm2', createdAt: 3, csrf: 'tc' }, 60_000);
      assert.deepEqual(await store.read(a, 60_000), { member: 'm1', createdAt: 1, csrf: 'ta' });
      assert.equal(await store.read(hash(), null), null);
      await store.delete(a);
      assert.equal(await store.read(a, null), null);
      assert.equal(await store.deleteAllOf('m1'), 1);
      assert.equal(await store.read(b, null), null);
      assert.deepEqual(await store.read(c, null), { member: 'm2', createdAt: 3, csrf: 'tc' });
    });

    test("a member's many sessions (on a cluster: in many slots) all end at once", async (t) => {
      const store = await open(t);
      if (!store) return;
      const ids = Array.from({ length: 24 }, () => hash());
      await Promise.all(
        ids.map((id, n) => store.create(id, { member: 'm3', createdAt: n, csrf: 't' }, 60_000)),
      );
      assert.equal(await store.deleteAllOf('m3'), ids.length);
      for (const id of ids) assert.equal(await store.read(id, null), null);
      assert.equal(await store.deleteAllOf('m3'), 0);
    });
  });
}

test('memory sessions idle out unless renewed; a read without renewal does not keep one', async () => {
  let now = 0;
  const store = new MemoryStaffSessions(() => now);
  const [kept, left] = [hash(), hash()];
  await store.create(kept, { member: 'm1', createdAt: 0, csrf: 't' }, 1000);
  await store.create(left, { member: 'm1', createdAt: 0, csrf: 't' }, 1000);
  for (let i = 0; i < 4; i++) {
    now += 600;
    assert.ok(await store.read(kept, 1000), 'renewed by each read');
    if (i === 0) assert.ok(await store.read(left, null));
  }
  assert.equal(await store.read(left, null), null);
});

for (const kind of REDIS_KINDS)
  test(`${kind}: sessions carry their idle time as the key expiry, renewed by a read that asks`, async (t) => {
    const r = await redisFor(t, kind);
    if (!r) return;
    const store = new RedisStaffSessions(r.redis, r.prefix);
    const [kept, left] = [hash(), hash()];
    await store.create(kept, { member: 'm1', createdAt: 0, csrf: 't' }, 10_000);
    await store.create(left, { member: 'm1', createdAt: 0, csrf: 't' }, 10_000);
    await store.read(kept, 50_000);
    await store.read(left, null);
    const ttl = (id: string) => r.redis.pttl(`${r.prefix}dashboard:session:${id}`);
    assert.ok((await ttl(kept)) > 10_000, 'renewed');
    assert.ok((await ttl(left)) <= 10_000, 'not renewed');
  });
