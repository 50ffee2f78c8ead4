import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluate } from '../../src/engine/condition.ts';
import { next, startSession } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Prompt } from '../../src/engine/prompt.ts';
import { parseSession, type Session } from '../../src/engine/session.ts';
import { flow } from '../support/flow.ts';

/** Abstract actions, made concrete against whatever the current prompt offers. */
const action = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pick' as const), i: fc.nat(30) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('numbers' as const),
      list: fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 7 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      text: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.constantFrom('Russia', 'Guin', 'مصر', '1500', '100 EUR', 'a@b.org', '', 'x'.repeat(5000)),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'back' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'decline' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'done' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'undo' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('na' as const), i: fc.nat(10) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('language' as const),
      lng: fc.constantFrom('en', 'ru', 'ar', 'es', 'fr', 'xx', ''),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('stale' as const), v: fc.integer({ min: -1, max: 3 }) }),
  },
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

function concrete(a: Action, prompt: Prompt): Input {
  const choices = prompt.kind === 'question' ? prompt.choices : [];
  switch (a.kind) {
    case 'pick':
      return { type: 'choose', option: choices.length ? choices[a.i % choices.length]!.id : `x${a.i}` };
    case 'na':
      return { type: 'na', item: choices.length ? choices[a.i % choices.length]!.id : 'none' };
    case 'numbers':
      return { type: 'text', text: a.list.join(',') };
    case 'text':
      return { type: 'text', text: a.text };
    case 'language':
      return { type: 'language', locale: a.lng };
    case 'stale':
      return prompt.kind === 'question'
        ? {
            type: 'choose',
            option: choices[0]?.id ?? 'x',
            bound: { question: prompt.question, version: prompt.version - 1 - a.v },
          }
        : { type: 'done' };
    default:
      return { type: a.kind };
  }
}

/** Finishes any session: declines what can be declined, otherwise takes the first choice. */
function complete(session: Session, now: number): Session {
  for (let i = 0; i < 100 && session.status === 'active'; i++) {
    const prompt = next(flow, session, { type: 'start' }, now).prompt;
    const input: Input =
      prompt.kind === 'question' && prompt.declinable
        ? { type: 'decline' }
        : {
            type: 'choose',
            option:
              prompt.kind === 'question'
                ? (prompt.choices.find((c) => c.id === 'yes') ?? prompt.choices[0])!.id
                : 'x',
          };
    session = next(flow, session, input, now).session;
  }
  return session;
}

test('any sequence of inputs keeps the session consistent and can always be completed', () => {
  fc.assert(
    fc.property(fc.array(action, { maxLength: 120 }), (actions) => {
      let { session, prompt } = startSession(flow, { id: 'p', locale: 'en', now: 0 });
      let now = 0;
      for (const a of actions) {
        if (session.status !== 'active') break;
        const input = concrete(a, prompt);
        const step = next(flow, session, input, (now += 1000));
        if (step.refusal) {
          assert.equal(step.session, session, 'a refused input changes nothing');
        } else {
          assert.equal(step.session.version, session.version + 1, 'every change bumps the version');
        }
        assert.ok(parseSession(JSON.parse(JSON.stringify(step.session))), 'the session stays valid JSON');
        ({ session, prompt } = step);
      }
      if (session.status === 'withdrawn') {
        assert.deepEqual(session.answers, {});
        return;
      }
      const done = complete(session, now + 1000);
      assert.equal(done.status, 'completed');
      for (const q of flow.questions) {
        const answer = done.answers[q.id];
        if (q.when && !evaluate(q.when, done.answers))
          assert.equal(answer, undefined, `${q.id} answered but does not apply`);
        else assert.ok(answer !== undefined, `${q.id} applies but has no answer`);
      }
      assert.equal(new Set(done.path).size, done.path.length, 'no question twice on the path');
    }),
    { numRuns: 400 },
  );
});
