import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ConversationService, type Turn } from '../../src/conversation/service.ts';
import { compileFlow, FlowSchema, type Flow } from '../../src/engine/flow.ts';
import type { Input } from '../../src/engine/input.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { isCorrupt, sessionKey, type SessionStore } from '../../src/store/session-store.ts';
import { redisFor } from '../support/stores.ts';
import { collect } from '../../src/store/response-store.ts';

/**
 * A platform delivers an update again when the first delivery was not acknowledged: the replica
 * that took it may have been killed after saving the turn, and the update then comes to another
 * replica. Applied twice, a typed answer would also answer the next question; the update id saved
 * with the session makes the second delivery show the current question instead.
 */
const flow: Flow = compileFlow(
  FlowSchema.parse({
    id: 'redelivery',
    version: 1,
    questions: [
      { id: 'q1', type: 'text' },
      { id: 'q2', type: 'text' },
      { id: 'q3', type: 'yesno' },
      { id: 'q4', type: 'text' },
    ],
  }),
  ['en'],
);

function servicesOn(
  t: TestContext,
  stores: SessionStore[],
): { services: ConversationService[]; responses: FileResponseStore } {
  const dir = mkdtempSync(join(tmpdir(), 'survey-redelivery-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  const services = stores.map((sessions) => new ConversationService({ flow, sessions, responses, contacts }));
  return { services, responses };
}

const turn = (event: string, input: Input): Turn => ({ channel: 'test', user: 'u', event, input });
const text = (t: string): Input => ({ type: 'text', text: t });

async function stored(sessions: SessionStore) {
  const session = await sessions.get(sessionKey(flow.id, 'test', 'u'));
  assert.ok(session && !isCorrupt(session));
  return session;
}

async function checkRedelivery(t: TestContext, stores: SessionStore[]) {
  const { services, responses } = servicesOn(t, stores.length > 1 ? stores : [stores[0]!, stores[0]!]);
  const [a, b] = services;
  await a!.turn(turn('1', { type: 'start' }));
  const first = await a!.turn(turn('2', text('first answer')));
  assert.equal(first.prompt?.kind === 'question' && first.prompt.question, 'q2');

  // The same update again, on the other replica: nothing is applied, q2 is shown again.
  const again = await b!.turn(turn('2', text('first answer')));
  assert.equal(again.replayed, true);
  assert.equal(again.refusal, undefined);
  assert.deepEqual(again.events, []);
  assert.equal(again.prompt?.kind === 'question' && again.prompt.question, 'q2');
  const session = await stored(stores[0]!);
  assert.deepEqual(Object.keys(session.answers), ['q1'], 'q2 was not answered with q1 text');
  assert.equal(session.version, first.session!.version);

  // Both deliveries at the same moment on the two replicas: exactly one is applied.
  const [x, y] = await Promise.all([
    a!.turn(turn('3', text('second answer'))),
    b!.turn(turn('3', text('second answer'))),
  ]);
  assert.equal([x, y].filter((r) => r.replayed).length, 1, 'one delivery applied, one replayed');
  assert.deepEqual(Object.keys((await stored(stores[0]!)).answers), ['q1', 'q2']);

  // A button press delivered twice: replayed, not refused as stale.
  const bound = { question: 'q3', version: (await stored(stores[0]!)).version };
  const press = await a!.turn(turn('4', { type: 'choose', option: 'yes', bound }));
  assert.equal(press.prompt?.kind === 'question' && press.prompt.question, 'q4');
  const pressAgain = await b!.turn(turn('4', { type: 'choose', option: 'yes', bound }));
  assert.equal(pressAgain.replayed, true);
  assert.equal(pressAgain.refusal, undefined);

  const last = await b!.turn(turn('5', text('last answer')));
  assert.equal(last.prompt?.kind, 'completed');
  const saved = await collect(responses.scan());
  assert.equal(saved.length, 1, 'one response');
  assert.deepEqual(
    Object.fromEntries(Object.entries(saved[0]!.answers).map(([k, v]) => [k, 'value' in v ? v.value : v])),
    { q1: 'first answer', q2: 'second answer', q3: 'yes', q4: 'last answer' },
  );
}

describe('an update delivered twice is applied once', () => {
  test('memory session store', async (t) => {
    await checkRedelivery(t, [new MemorySessionStore()]);
  });

  test('two replicas sharing one Redis', async (t) => {
    const r = await redisFor(t);
    if (!r) return;
    await checkRedelivery(t, [r.newStore(), r.newStore()]);
  });
});

test('without an update id, a typed answer sent twice is taken twice (two messages)', async (t) => {
  const sessions = new MemorySessionStore();
  const [service] = servicesOn(t, [sessions]).services;
  await service!.turn({ channel: 'test', user: 'u', input: { type: 'start' } });
  await service!.turn({ channel: 'test', user: 'u', input: text('same words') });
  const second = await service!.turn({ channel: 'test', user: 'u', input: text('same words') });
  assert.equal(second.replayed, undefined);
  assert.deepEqual(Object.keys((await stored(sessions)).answers), ['q1', 'q2']);
});

test('the last answer delivered to two replicas at once: one response, and no new survey starts', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const stores = [r.newStore(), r.newStore()];
  const { services, responses } = servicesOn(t, stores);
  const [a, b] = services;
  await a!.turn(turn('1', { type: 'start' }));
  await a!.turn(turn('2', text('one')));
  await b!.turn(turn('3', text('two')));
  const version = (await stored(stores[0]!)).version;
  await a!.turn(turn('4', { type: 'choose', option: 'no', bound: { question: 'q3', version } }));
  const results = await Promise.all([a!.turn(turn('5', text('four'))), b!.turn(turn('5', text('four')))]);
  assert.ok(results.some((x) => x.prompt?.kind === 'completed' && !x.replayed));
  for (const x of results) assert.notEqual(x.prompt?.kind === 'question' && x.prompt.question, 'q1');
  assert.equal((await collect(responses.scan())).length, 1);
  assert.equal(await stores[0]!.get(sessionKey(flow.id, 'test', 'u')), null, 'no session left behind');
});
