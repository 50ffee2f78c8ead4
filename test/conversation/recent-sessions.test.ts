import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConversationService, type TurnResult } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Session } from '../../src/engine/session.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { sessionKey, type SessionStore } from '../../src/store/session-store.ts';
import { flow } from '../support/flow.ts';
import { DEFAULT_ANSWERS } from '../support/interview.ts';
import { collect } from '../../src/store/response-store.ts';

/**
 * Counts round trips to the store: reads, reads answered with the session the reader knew
 * (nothing parsed again), and writes guessed from a remembered session (won or lost).
 */
class CountingStore extends MemorySessionStore {
  reads = 0;
  reused = 0;
  won = 0;
  lost = 0;
  override async get(key: string, known?: Session) {
    this.reads++;
    const stored = await super.get(key, known);
    if (known && stored === known) this.reused++;
    return stored;
  }
  /** One round trip, as in Redis: what is stored comes back with a write that lost. */
  override async swap(key: string, session: Session, expected: number | null) {
    if (await this.put(key, session, expected)) {
      this.won++;
      return true as const;
    }
    this.lost++;
    return super.get(key);
  }
}

/** Two services (two replicas) over one session store, as with Redis. */
function replicas(t: TestContext, sessions: SessionStore) {
  const dir = mkdtempSync(join(tmpdir(), 'recent-sessions-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  let now = 1_000_000;
  const make = () =>
    new ConversationService({ flow, sessions, responses, contacts, clock: () => (now += 1000), salt: 's' });
  const services = [make(), make()];
  t.after(() => {
    for (const s of services) s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { services, responses };
}

/** The answer for the question shown, bound to the question and version on its buttons. */
function answerFor(result: TurnResult): Input {
  const prompt = result.prompt;
  if (prompt?.kind !== 'question') throw new Error(`no question: ${prompt?.kind}`);
  const planned = DEFAULT_ANSWERS[prompt.question] as Input | undefined;
  const input = prompt.step === '' && planned ? planned : ({ type: 'decline' } as Input);
  return { ...input, bound: { question: prompt.question, version: prompt.version } };
}

test('turns alternating between two replicas: none is refused for what the other one did since', async (t) => {
  const { services, responses } = replicas(t, new MemorySessionStore());
  const turn = (i: number, input: Input) => services[i % 2]!.turn({ channel: 'test', user: 'u1', input });
  let result = await turn(0, { type: 'start' });
  for (let i = 1; result.prompt?.kind === 'question'; i++) {
    assert.ok(i < 80, 'the interview ends');
    const asked = result.prompt.question;
    // Each replica remembers the session as it last wrote it, two versions ago by now.
    result = await turn(i, answerFor(result));
    assert.equal(result.refusal, undefined, `${asked} on replica ${i % 2}`);
  }
  assert.equal(result.prompt?.kind, 'completed');
  assert.equal((await collect(responses.scan({ status: 'complete' }))).length, 1);
});

test('a button from before the other replica moved the session on is still refused as stale', async (t) => {
  const store = new CountingStore();
  const { services } = replicas(t, store);
  const [a, b] = services as [ConversationService, ConversationService];
  const turn = (s: ConversationService, input: Input) => s.turn({ channel: 'test', user: 'u1', input });
  let result = await turn(a, { type: 'start' });
  result = await turn(a, answerFor(result)); // language, on a
  const consent = answerFor(result);
  await turn(b, consent); // consent given on b
  // The same consent button again on a, which remembers the session from before it.
  const again = await turn(a, consent);
  assert.equal(again.refusal?.code, 'stale');
  assert.deepEqual([store.lost, store.reads], [1, 2], "a's guess lost, and what is stored came back with it");
});

test('a replica answers from the session it wrote, in one round trip, and from what the store returns once moved on', async (t) => {
  const store = new CountingStore();
  const { services } = replicas(t, store);
  const [a, b] = services as [ConversationService, ConversationService];
  const turn = (s: ConversationService, input: Input) => s.turn({ channel: 'test', user: 'u1', input });
  let result = await turn(a, { type: 'start' });
  assert.deepEqual([store.reads, store.won], [1, 0]);
  result = await turn(a, answerFor(result));
  assert.deepEqual(
    [store.reads, store.won],
    [1, 1],
    'the session a wrote itself, written again without a read',
  );
  result = await turn(b, answerFor(result));
  assert.deepEqual([store.reads, store.won], [2, 1], 'b had not seen it: read, then written');
  result = await turn(a, answerFor(result));
  assert.equal(result.refusal, undefined);
  // A button of the version b showed tells a its memory is old: read (and only then written).
  assert.deepEqual([store.reads, store.won, store.lost], [3, 1, 0]);
  result = await turn(a, answerFor(result));
  assert.deepEqual([store.reads, store.won], [3, 2], 'a remembers what it read');
  // Erased through b: a's memory of it is out of date, and a button of it is stale.
  await b.erase('test', 'u1');
  assert.equal(await store.get(sessionKey('test', 'u1')), null);
  const after = await turn(a, answerFor(result));
  assert.equal(after.refusal?.code, 'stale');
  assert.equal(await store.get(sessionKey('test', 'u1')), null, 'nothing written');
});

test('a turn that writes nothing is never answered from memory alone', async (t) => {
  const store = new CountingStore();
  const { services } = replicas(t, store);
  const [a, b] = services as [ConversationService, ConversationService];
  const turn = (s: ConversationService, input: Input) => s.turn({ channel: 'test', user: 'u1', input });
  let result = await turn(a, { type: 'start' });
  result = await turn(a, answerFor(result));
  const stale = answerFor(result);
  await turn(b, stale);
  // On a, /start would show the question a remembers; it shows the one the store holds.
  const shown = await turn(a, { type: 'start' });
  assert.equal(shown.prompt?.kind === 'question' && shown.prompt.question, 'q1');
  assert.equal((await turn(a, stale)).refusal?.code, 'stale');
});
