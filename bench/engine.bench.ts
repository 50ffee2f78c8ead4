import { performance } from 'node:perf_hooks';
import { next, startSession } from '../src/engine/engine.ts';
import type { Input } from '../src/engine/input.ts';
import type { Prompt } from '../src/engine/prompt.ts';
import type { Session } from '../src/engine/session.ts';
import { loadFlow } from '../src/flows/load.ts';

const flow = loadFlow('advocacy');

/** A deterministic pseudo-random generator, so runs are comparable. */
function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** A plausible answer to whatever is asked, sometimes declined. */
function answerFor(prompt: Extract<Prompt, { kind: 'question' }>, rnd: () => number): Input {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  if (prompt.declinable && rnd() < 0.15) return { type: 'decline' };
  switch (prompt.type) {
    case 'text':
      return { type: 'text', text: 'An answer of a few words, as most respondents give.' };
    case 'country':
      return prompt.step === 'pick'
        ? { type: 'choose', option: prompt.choices[0]!.id }
        : { type: 'text', text: pick(['Russia', 'Egypt', 'Nigeria', 'Mexico', 'Россия']) };
    case 'amount':
      if (prompt.step === 'confirm') return { type: 'choose', option: 'yes' };
      return prompt.step === 'currency' ? { type: 'choose', option: 'USD' } : { type: 'text', text: '1500' };
    case 'multi':
      return prompt.step === 'other'
        ? { type: 'text', text: 'Museums' }
        : {
            type: 'choices',
            options: [pick(prompt.choices.filter((c) => c.id !== 'none' && c.id !== 'other')).id],
          };
    case 'ranking':
      if (prompt.step === 'other') return { type: 'text', text: 'Museums' };
      if (prompt.step === 'rest') return { type: 'choose', option: pick(['not_applicable', 'unranked']) };
      return { type: 'order', order: prompt.choices.map((c) => c.id).sort(() => rnd() - 0.5) };
    case 'contact':
      if (prompt.step === 'name') return { type: 'text', text: 'Ana' };
      if (prompt.step === 'email') return { type: 'text', text: 'ana@example.org' };
      return { type: 'choose', option: prompt.step === '' ? pick(['yes', 'no']) : prompt.choices[0]!.id };
    default:
      if (prompt.step === 'other') return { type: 'text', text: 'Something else' };
      return { type: 'choose', option: pick(prompt.choices.filter((c) => c.id !== 'other')).id };
  }
}

/** Records complete interviews as (session, input) pairs, so the timed loop runs the engine only. */
function recordInterviews(count: number): { session: Session; input: Input }[] {
  const rnd = random(42);
  const pairs: { session: Session; input: Input }[] = [];
  for (let i = 0; i < count; i++) {
    let { session, prompt } = startSession(flow, { id: `b${i}`, locale: 'en', now: 0 });
    while (prompt.kind === 'question') {
      const input = answerFor(prompt, rnd);
      pairs.push({ session, input });
      ({ session, prompt } = next(flow, session, input, pairs.length));
    }
  }
  return pairs;
}

function stepTime(session: Session, input: Input, rounds: number): number {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) next(flow, session, input, i);
  return ((performance.now() - start) * 1000) / rounds;
}

export async function run(): Promise<void> {
  const pairs = recordInterviews(2000);
  for (const { session, input } of pairs.slice(0, 5000)) next(flow, session, input, 1); // warm-up
  const start = performance.now();
  for (const { session, input } of pairs) next(flow, session, input, 1);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = pairs.length / seconds;
  console.log(`engine: ${pairs.length} steps of 2000 random complete interviews in ${seconds.toFixed(3)} s`);
  console.log(`engine: ${Math.round(perSecond).toLocaleString('en')} steps/s on one core (target ≥ 50,000)`);

  // The same sessions only serialised and parsed again (what any session store does per turn): a
  // baseline measured in this run, so the ratio means something across machines.
  const encoded = pairs.map((p) => JSON.stringify(p.session));
  let kept = 0;
  for (const text of encoded.slice(0, 5000)) kept += JSON.stringify(JSON.parse(text)).length; // warm-up
  const baselineStart = performance.now();
  for (const text of encoded) kept += JSON.stringify(JSON.parse(text)).length;
  const baselinePerSecond = pairs.length / ((performance.now() - baselineStart) / 1000);
  console.log(
    `engine: baseline (parse and serialise each session) ${Math.round(baselinePerSecond).toLocaleString('en')}/s; ` +
      `engine steps ÷ baseline = ${(perSecond / baselinePerSecond).toFixed(2)} (${kept > 0 ? 'checked' : 'empty'})`,
  );

  // Step time answering q1 against answering q17, with every answer before it in the session.
  const atQ1 = pairs.find((p) => p.session.current === 'q1' && p.input.type === 'choose')!;
  const atQ17 = pairs.find(
    (p) =>
      p.session.current === 'q17' && p.session.step === '' && Object.keys(p.session.answers).length >= 18,
  )!;
  const rounds = 100_000;
  stepTime(atQ1.session, atQ1.input, rounds);
  stepTime(atQ17.session, atQ17.input, rounds);
  const q1 = stepTime(atQ1.session, atQ1.input, rounds);
  const q17 = stepTime(atQ17.session, atQ17.input, rounds);
  console.log(
    `engine: mean step at q1 ${q1.toFixed(2)} µs, at q17 ${q17.toFixed(2)} µs (${Object.keys(atQ17.session.answers).length} answers kept), ratio ${(q17 / q1).toFixed(2)} (target ≤ 1.5)`,
  );
}
