import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ConversationService, type TurnResult } from '../../src/conversation/service.ts';
import { compileFlow, FlowSchema, type Flow } from '../../src/engine/flow.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Prompt } from '../../src/engine/prompt.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { isCorrupt, sessionKey, type SessionStore } from '../../src/store/session-store.ts';
import { REDIS_KINDS, redisFor } from '../support/stores.ts';

/**
 * 50 writers apply answers to one respondent's session at the same moment (a double tap times
 * fifty, or several bot replicas): every answer that was accepted is in the final session once,
 * and every writer whose answer was not taken was told why.
 */
const WRITERS = 50;
const ROUNDS = 4;

const flowOf = (type: 'text' | 'yesno'): Flow =>
  compileFlow(
    FlowSchema.parse({
      id: 'race',
      version: 1,
      questions: Array.from({ length: WRITERS * ROUNDS + 1 }, (_, i) => ({ id: `q${i}`, type })),
    }),
    ['en'],
  );

type Services = (flow: Flow) => ConversationService[];

function servicesOver(t: TestContext, stores: SessionStore[]): Services {
  const dir = mkdtempSync(join(tmpdir(), 'survey-race-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return (flow) =>
    stores.map(
      (sessions) =>
        new ConversationService({
          flow,
          sessions,
          responses: new FileResponseStore(dir),
          contacts: new FileContactStore(dir),
        }),
    );
}

interface Outcome {
  accepted: { question: string; value: unknown }[];
  refused: string[];
  total: number;
}

/** Each writer answers the prompt it last saw, ROUNDS times, all writers at once. */
async function race(services: ConversationService[], kind: 'typed' | 'buttons'): Promise<Outcome> {
  const first = await services[0]!.turn({ channel: 'test', user: 'u', input: { type: 'start' } });
  const outcome: Outcome = { accepted: [], refused: [], total: 0 };
  const input = (writer: number, round: number, seen: Prompt): Input => {
    if (seen.kind !== 'question') throw new Error('the race ran past the end');
    return kind === 'typed'
      ? { type: 'text', text: `writer ${writer} round ${round}` }
      : {
          type: 'choose',
          option: writer % 2 ? 'yes' : 'no',
          bound: { question: seen.question, version: seen.version },
        };
  };
  const writer = async (w: number) => {
    let seen = first.prompt!;
    for (let round = 0; round < ROUNDS; round++) {
      const service = services[w % services.length]!;
      const result: TurnResult = await service.turn({
        channel: 'test',
        user: 'u',
        input: input(w, round, seen),
      });
      outcome.total++;
      const answered = result.events.filter((e) => e.type === 'answered');
      if (answered.length === 1 && !result.refusal) {
        const e = answered[0]!;
        outcome.accepted.push({
          question: e.question,
          value: e.answer.status === 'answered' && e.answer.value,
        });
      } else {
        assert.ok(result.refusal, `writer ${w} was neither answered nor told: ${JSON.stringify(result)}`);
        outcome.refused.push(result.refusal.code);
      }
      if (result.prompt) seen = result.prompt;
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return outcome;
}

async function check(services: Services, sessions: SessionStore, kind: 'typed' | 'buttons') {
  const flow = flowOf(kind === 'typed' ? 'text' : 'yesno');
  const outcome = await race(services(flow), kind);
  const stored = await sessions.get(sessionKey('test', 'u'));
  assert.ok(stored && !isCorrupt(stored));
  const inSession = Object.entries(stored.answers).map(([question, a]) => ({
    question,
    value: a.status === 'answered' && a.value,
  }));
  const byQuestion = (x: { question: string }, y: { question: string }) =>
    Number(x.question.slice(1)) - Number(y.question.slice(1));
  assert.equal(outcome.total, WRITERS * ROUNDS);
  assert.ok(outcome.accepted.length >= 2, `only ${outcome.accepted.length} answers accepted`);
  assert.ok(outcome.refused.length > 0, 'nobody lost a race: the test did not race');
  assert.deepEqual(inSession.sort(byQuestion), [...outcome.accepted].sort(byQuestion), 'accepted = stored');
  assert.equal(stored.version, outcome.accepted.length, 'one version step per accepted answer');
  if (kind === 'typed') {
    const texts = inSession.map((a) => a.value);
    assert.equal(new Set(texts).size, texts.length, 'no typed answer stored twice');
  }
  const allowed = kind === 'typed' ? ['busy'] : ['stale'];
  assert.deepEqual(
    [...new Set(outcome.refused)].filter((c) => !allowed.includes(c)),
    [],
  );
}

for (const kind of ['typed', 'buttons'] as const) {
  describe(`${WRITERS} concurrent writers on one session (${kind} answers)`, () => {
    test('memory session store', async (t) => {
      const sessions = new MemorySessionStore();
      await check(servicesOver(t, [sessions]), sessions, kind);
    });

    for (const redis of REDIS_KINDS) {
      test(`${redis} session store`, async (t) => {
        const r = await redisFor(t, redis);
        if (!r) return;
        const sessions = r.newStore();
        await check(servicesOver(t, [sessions]), sessions, kind);
      });

      test(`two conversation services sharing one ${redis}`, async (t) => {
        const r = await redisFor(t, redis);
        if (!r) return;
        const a = r.newStore();
        const b = r.newStore();
        await check(servicesOver(t, [a, b]), a, kind);
      });
    }
  });
}
