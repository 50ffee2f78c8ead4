import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  PromptMessages,
  type PromptMessage,
  type PromptMessageStore,
} from '../../src/channels/telegram/prompt-messages.ts';
import { RedisPromptMessages } from '../../src/channels/telegram/redis-prompt-messages.ts';
import { silentLogger } from '../../src/log.ts';
import { redisFor } from '../support/stores.ts';

const at = (message: number, version: number, over: Partial<PromptMessage> = {}): PromptMessage => ({
  message,
  question: 'q1',
  version,
  session: 's-1',
  started: 1000,
  ...over,
});

/** One contract for the question-message pointers of one process and of replicas (Redis). */
function pointerContract(name: string, open: (t: TestContext) => Promise<PromptMessageStore | null>) {
  describe(`question-message pointers: ${name}`, () => {
    test('a later version replaces the pointer and hands back the one it replaced', async (t) => {
      const p = await open(t);
      if (!p) return;
      assert.deepEqual(await p.show(7, at(100, 3)), { accepted: true, previous: undefined });
      assert.deepEqual(await p.show(7, at(101, 4, { update: 12 })), { accepted: true, previous: at(100, 3) });
      assert.deepEqual(await p.get(7), at(101, 4, { update: 12 }));
      assert.equal(await p.get(8), undefined, 'chats are apart');
    });

    test('an older version, or another copy of the same version, is refused; the same message is re-pointed', async (t) => {
      const p = await open(t);
      if (!p) return;
      await p.show(7, at(101, 4));
      assert.deepEqual(await p.show(7, at(100, 3)), { accepted: false, previous: at(101, 4) });
      assert.deepEqual(await p.show(7, at(102, 4)), { accepted: false, previous: at(101, 4) });
      assert.deepEqual(await p.show(7, at(101, 4, { question: 'q1' })), {
        accepted: true,
        previous: at(101, 4),
      });
      // Sent again on purpose (after /start), a copy of the same version replaces the one shown.
      assert.deepEqual(await p.show(7, at(102, 4), true), { accepted: true, previous: at(101, 4) });
      assert.equal((await p.show(7, at(103, 3), true)).accepted, false, 'never an older version');
      await p.show(7, at(101, 4), true);
      // An in-place step: the same message, a later version.
      assert.deepEqual(await p.show(7, at(101, 5)), { accepted: true, previous: at(101, 4) });
      assert.deepEqual(await p.get(7), at(101, 5));
    });

    test('the end of a session (no message) keeps out late copies of its questions, not a newer session', async (t) => {
      const p = await open(t);
      if (!p) return;
      await p.show(7, at(101, 9));
      const ended = at(0, 10, { question: '' });
      assert.equal((await p.show(7, ended)).accepted, true);
      assert.equal((await p.show(7, at(103, 9))).accepted, false);
      const next = at(200, 0, { session: 's-2', started: 2000 });
      assert.deepEqual(await p.show(7, next), { accepted: true, previous: ended });
      // The older session's copies come too late.
      assert.equal((await p.show(7, at(104, 12))).accepted, false);
      assert.deepEqual(await p.forget(7), next);
      assert.equal(await p.get(7), undefined);
      assert.equal(await p.forget(7), undefined);
    });
  });
}

pointerContract('memory', async () => new PromptMessages());

pointerContract('Redis', async (t) => {
  const r = await redisFor(t);
  if (!r) return null;
  return new RedisPromptMessages(r.redis, { prefix: r.prefix, ttlMs: 60_000, log: silentLogger });
});

test('Redis: a value under the key that is not a pointer reads as none and is replaced', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const p = new RedisPromptMessages(r.redis, { prefix: r.prefix, ttlMs: 60_000, log: silentLogger });
  await r.redis.set(`${r.prefix}telegram:prompt:7`, '1001:3:q1');
  assert.equal(await p.get(7), undefined);
  assert.deepEqual(await p.show(7, at(100, 1)), { accepted: true, previous: undefined });
  assert.ok((await r.redis.pttl(`${r.prefix}telegram:prompt:7`)) > 0, 'the pointer expires');
});

test('Redis: the message showing a question is the one this replica pointed at, without a read; else it is read', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const options = { prefix: r.prefix, ttlMs: 60_000, log: silentLogger };
  const a = new RedisPromptMessages(r.redis, options);
  const b = new RedisPromptMessages(r.redis, options);
  let reads = 0;
  const get = r.redis.get.bind(r.redis);
  r.redis.get = ((...args: Parameters<typeof get>) => (reads++, get(...args))) as typeof r.redis.get;
  await a.show(7, at(100, 3));
  assert.deepEqual(await a.withLog(silentLogger).showing(7, 'q1', 3), at(100, 3));
  assert.equal(reads, 0, 'pointed at by this replica (any of its loggers): no read');
  // Another replica moved the chat on: the version asked for is not the one a remembers.
  await b.show(7, at(101, 4));
  assert.deepEqual(await a.showing(7, 'q1', 4), at(101, 4));
  assert.equal(reads, 1, 'read');
  assert.deepEqual(await a.showing(7, 'q1', 4), at(101, 4));
  assert.equal(reads, 1, 'and remembered');
  // A chat whose survey ended points at no message: always read.
  await a.show(7, at(0, 5));
  await a.showing(7, 'q1', 5);
  assert.equal(reads, 2);
  await a.forget(7);
  assert.equal(await a.showing(7, 'q1', 5), undefined);
});
