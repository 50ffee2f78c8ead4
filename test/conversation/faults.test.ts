import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConversationService, type TurnResult } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Session } from '../../src/engine/session.ts';
import { silentLogger } from '../../src/log.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { connectMongo } from '../../src/store/mongo-connection.ts';
import { createIndexes, modelsOf } from '../../src/store/mongo-models.ts';
import { MongoContactStore, MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { connectRedis } from '../../src/store/redis-connection.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import type { ResponseStore } from '../../src/store/response-store.ts';
import { isCorrupt, sessionKey, type SessionStore } from '../../src/store/session-store.ts';
import { flow } from '../support/flow.ts';
import { startFerretDb, startRedisServer } from '../support/server-processes.ts';
import { mongoFor, redisFor } from '../support/stores.ts';
import { answerFor, answerUntil, at, finished } from './autopilot.ts';

const KEY = sessionKey('telegram', '4242');
const noticeKeys = (r: TurnResult) => r.notices.map((n) => n.key);

function serviceOver(deps: Partial<ConstructorParameters<typeof ConversationService>[0]>) {
  const service = new ConversationService({ flow, retryAfter: 50, ...deps } as never);
  const turn = (input: Input) => service.turn({ channel: 'telegram', user: '4242', input });
  return { service, turn };
}

function fileResponses(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-faults-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { responses, contacts };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A session store that notes, at each removal, whether the response was already saved. */
function watchingRemovals(inner: SessionStore, responses: ResponseStore) {
  const removals: { responseSaved: boolean }[] = [];
  const store: SessionStore = {
    get: (k) => inner.get(k),
    put: (k, s, e) => inner.put(k, s, e),
    idle: (b, l) => inner.idle(b, l),
    markArchived: (k, v) => inner.markArchived(k, v),
    countActive: () => inner.countActive(),
    close: () => inner.close(),
    async delete(key, expected) {
      const stored = await inner.get(key);
      const id = stored && !isCorrupt(stored) ? stored.id : null;
      const responseSaved = id !== null && (await responses.get(id)) !== null;
      const removed = await inner.delete(key, expected);
      if (removed) removals.push({ responseSaved });
      return removed;
    },
  };
  return { store, removals };
}

test('Redis restarted mid-interview (append-only persistence): the respondent resumes where they were', async (t) => {
  const server = await startRedisServer(t);
  if (!server) return;
  const redis = await connectRedis(server.url, silentLogger, { maxBackoffMs: 100 });
  const sessions = new RedisSessionStore(redis, { ttlMs: 86_400_000, ownsClient: true });
  t.after(() => sessions.close());
  const { responses, contacts } = fileResponses(t);
  const { turn } = serviceOver({ sessions, responses, contacts });

  const before = await answerUntil(turn, at('q6'));
  const answersBefore = before.session!.answers;
  await server.stop('SIGKILL');

  const during = await turn(answerFor(before.prompt!));
  assert.deepEqual(noticeKeys(during), ['common:unavailable'], 'told to try later, no crash');
  assert.equal(during.prompt, null);

  await server.start();
  await until('the client reconnected', async () => redis.status === 'ready');
  const resumed = await turn({ type: 'start' });
  assert.equal(resumed.prompt?.kind === 'question' && resumed.prompt.question, 'q6');
  assert.deepEqual(noticeKeys(resumed), ['common:resumed']);
  assert.deepEqual(resumed.session!.answers, answersBefore, 'every answer survived the restart');

  const end = await answerUntil(turn, finished);
  assert.deepEqual(noticeKeys(end), ['common:end.completed']);
  const saved = await responses.get(end.session!.id);
  assert.equal(saved?.status, 'complete');
  for (const [q, answer] of Object.entries(answersBefore)) assert.deepEqual(saved!.answers[q], answer);
});

test('MongoDB stopped at completion, then started: one response document, and the session leaves Redis only afterwards', async (t) => {
  const r = await redisFor(t);
  const ferret = r && (await startFerretDb(t));
  if (!r || !ferret) return;
  const mongo = await connectMongo(
    ferret.url,
    silentLogger,
    { dbName: 'faults', serverSelectionTimeoutMS: 500 },
    createIndexes,
  );
  t.after(() => mongo.close());
  await mongo.connected;
  const responses = new MongoResponseStore(mongo.connection);
  const contacts = new MongoContactStore(mongo.connection);
  const { store: sessions, removals } = watchingRemovals(r.newStore(), responses);
  const { service, turn } = serviceOver({ sessions, responses, contacts });
  t.after(() => service.close());

  const last = await answerUntil(turn, at('q17', 'language'));
  await ferret.stop();
  const done = await turn(answerFor(last.prompt!));
  assert.equal(done.prompt?.kind, 'completed');
  assert.deepEqual(
    noticeKeys(done),
    ['common:end.saved_later'],
    'told the answers are kept and will be saved',
  );
  const kept = (await sessions.get(KEY)) as Session;
  assert.equal(kept.status, 'completed', 'the finished session stays in Redis while MongoDB is down');
  const again = await turn({ type: 'start' });
  assert.deepEqual(noticeKeys(again), ['common:end.saved_later']);
  assert.deepEqual(removals, []);

  await ferret.start();
  await until(
    'the retry saved the response and removed the session',
    async () => (await sessions.get(KEY)) === null,
  );
  const { responses: docs, contacts: contactDocs } = modelsOf(mongo.connection);
  assert.equal(await docs.countDocuments({}), 1, 'exactly one response document');
  const saved = await responses.get(kept.id);
  assert.equal(saved?.status, 'complete');
  assert.equal(Object.keys(saved!.answers).length, Object.keys(kept.answers).length);
  assert.equal(await contactDocs.countDocuments({}), 1);
  assert.deepEqual(removals, [{ responseSaved: true }], 'removed once, after MongoDB acknowledged');
});

test('a completion retried after a crash between the MongoDB write and the Redis delete: still one document', async (t) => {
  const r = await redisFor(t);
  const mongo = r && (await mongoFor(t));
  if (!r || !mongo) return;
  const responses = new MongoResponseStore(mongo.connection);
  const contacts = new MongoContactStore(mongo.connection);
  const real = r.newStore();
  // The first process dies right after MongoDB acknowledged: its delete never reaches Redis.
  const crashing: SessionStore = {
    ...Object.fromEntries(
      (['get', 'put', 'idle', 'markArchived', 'close'] as const).map((m) => [m, real[m].bind(real)]),
    ),
    delete: async () => {
      throw new Error('process killed');
    },
  } as unknown as SessionStore;
  const first = serviceOver({ sessions: crashing, responses, contacts });
  const last = await answerUntil(first.turn, at('q17', 'language'));
  const saved = await first.turn(answerFor(last.prompt!));
  assert.deepEqual(noticeKeys(saved), ['common:end.completed'], 'MongoDB has the answers: saved, said so');
  first.service.close();
  const left = (await real.get(KEY)) as Session;
  assert.equal(left.status, 'completed', 'the session outlived the crash');
  assert.equal((await responses.get(left.id))?.status, 'complete');

  // The next process: the respondent writes again, and the completion runs a second time.
  const second = serviceOver({ sessions: real, responses, contacts });
  const after = await second.turn({ type: 'start' });
  assert.deepEqual(noticeKeys(after), ['common:end.completed']);
  assert.equal(after.prompt?.kind, 'completed');
  assert.equal(await real.get(KEY), null);
  assert.equal(await modelsOf(mongo.connection).responses.countDocuments({}), 1);
  assert.equal(await modelsOf(mongo.connection).contacts.countDocuments({}), 1);
  second.service.close();
});

test('after such a crash, the periodic sweep completes the session if the respondent never comes back', async (t) => {
  const r = await redisFor(t);
  const mongo = r && (await mongoFor(t));
  if (!r || !mongo) return;
  const responses = new MongoResponseStore(mongo.connection);
  const contacts = new MongoContactStore(mongo.connection);
  const sessions = r.newStore();
  let now = Date.UTC(2024, 4, 1);
  const clock = () => (now += 1000);
  const first = serviceOver({ sessions, responses, contacts, clock });
  const last = await answerUntil(first.turn, at('q17', 'language'));
  // Crash before anything of the completion was written but the session itself.
  const completed = { ...(last.session as Session) };
  const step = (await import('../../src/engine/engine.ts')).next(
    flow,
    completed,
    answerFor(last.prompt!),
    clock(),
  );
  assert.equal(await sessions.put(KEY, step.session, completed.version), true);
  first.service.close();

  now += 49 * 3600_000;
  const second = serviceOver({ sessions, responses, contacts, clock, abandonAfter: 48 * 3600_000 });
  assert.deepEqual(await second.service.sweep(), { archived: 0, completed: 1 });
  assert.equal(await sessions.get(KEY), null);
  assert.equal((await responses.get(step.session.id))?.status, 'complete');
  assert.deepEqual(await second.service.sweep(), { archived: 0, completed: 0 });
  assert.equal(await modelsOf(mongo.connection).responses.countDocuments({}), 1);
});

for (const [what, corrupt] of [
  [
    'unreadable JSON',
    (redis: import('ioredis').Redis, key: string) => redis.hset(key, { v: '12', j: '{"schema":1,' }),
  ],
  [
    'an old session schema',
    (redis: import('ioredis').Redis, key: string) =>
      redis.hset(key, { v: '3', j: JSON.stringify({ schema: 0, step: 4, answers: [['q1', 'yes']] }) }),
  ],
  ['a value of another type', (redis: import('ioredis').Redis, key: string) => redis.set(key, 'oops')],
] as const) {
  test(`a session in Redis with ${what} is replaced with a clear message, then the survey goes on`, async (t) => {
    const r = await redisFor(t);
    if (!r) return;
    const { responses, contacts } = fileResponses(t);
    const sessions = r.newStore();
    const { turn } = serviceOver({ sessions, responses, contacts });
    await corrupt(r.redis, sessions.redisKey(KEY));

    const first = await turn({ type: 'start' });
    assert.deepEqual(noticeKeys(first), ['common:session_reset']);
    assert.equal(first.prompt?.kind === 'question' && first.prompt.question, 'language');
    const second = await turn(answerFor(first.prompt!));
    assert.equal(second.refusal, undefined);
    assert.deepEqual(noticeKeys(second), [], 'reported once, no loop');
    assert.equal(second.prompt?.kind === 'question' && second.prompt.question, 'consent');
    const end = await answerUntil(turn, finished);
    assert.deepEqual(noticeKeys(end), ['common:end.completed']);
  });
}

test('a withdrawal whose session delete failed does not lock the respondent out', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const { responses, contacts } = fileResponses(t);
  const real = r.newStore();
  let failDelete = true;
  const sessions = Object.assign(Object.create(real) as SessionStore, {
    delete: async (key: string, expected?: number) => {
      if (failDelete) throw new Error('connection reset');
      return real.delete(key, expected);
    },
  });
  const { turn } = serviceOver({ sessions, responses, contacts });
  const consent = await answerUntil(turn, at('consent'));
  const refused = await turn({
    type: 'choose',
    option: 'no',
    bound: { question: 'consent', version: consent.prompt!.version },
  });
  assert.deepEqual(noticeKeys(refused), ['common:unavailable']);
  assert.equal(((await real.get(KEY)) as Session).status, 'withdrawn', 'left behind, with no answers in it');
  failDelete = false;
  const again = await turn({ type: 'start' });
  assert.equal(again.prompt?.kind === 'question' && again.prompt.question, 'language', 'a fresh start');
  assert.equal(((await real.get(KEY)) as Session).status, 'active');
});
