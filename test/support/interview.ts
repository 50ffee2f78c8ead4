import { next, startSession } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Prompt } from '../../src/engine/prompt.ts';
import type { Session } from '../../src/engine/session.ts';
import { flow } from './flow.ts';

/** An answer for every question, used wherever a test does not say otherwise. */
export const DEFAULT_ANSWERS: Record<string, Input | Input[]> = {
  language: { type: 'choose', option: 'en' },
  consent: { type: 'choose', option: 'yes' },
  q1: { type: 'choose', option: 'public' },
  q2: { type: 'choose', option: 'yes' },
  q2a: { type: 'choose', option: 'member' },
  q3: { type: 'text', text: 'Egypt' },
  q4: { type: 'choose', option: 'up_to_4999' },
  q5: { type: 'choose', option: 'no' },
  q5a: { type: 'text', text: '1200 USD' },
  q6: { type: 'choices', options: ['libraries', 'government'] },
  q7: { type: 'text', text: '2,1' },
  q8: { type: 'text', text: 'A reading campaign with the city.' },
  q9: { type: 'text', text: 'Bureaucracy.' },
  q9a: { type: 'choose', option: 'partly' },
  q9b: { type: 'text', text: 'We met the mayor twice.' },
  q10: { type: 'text', text: 'A new budget line.' },
  q11: { type: 'text', text: 'Reading campaigns with the city.' },
  q11b: { type: 'text', text: 'Our toolkit: https://example.org/toolkit' },
  q12: { type: 'choose', option: 'yes' },
  q13: { type: 'text', text: 'It helps.' },
  q14: { type: 'text', text: '1,2,3' },
  q15: { type: 'text', text: 'Better funding.' },
  q16: { type: 'choices', options: ['mou', 'face_to_face'] },
  q17: { type: 'choose', option: 'no' },
  // Later steps of a question, where a test does not say otherwise.
  'q5a.confirm': { type: 'choose', option: 'yes' },
  'q14.rest': { type: 'choose', option: 'not_applicable' },
};

export interface Interview {
  session: Session;
  /** Every question prompted, in order (a question asked twice appears twice). */
  asked: string[];
  /** The prompt seen for each question, the last time it was asked. */
  prompts: Map<string, Extract<Prompt, { kind: 'question' }>>;
}

/**
 * Runs a whole interview: each question gets its answer from `answers` (one input or a list
 * played in order), else from DEFAULT_ANSWERS. Fails on any refusal.
 */
export function interview(answers: Record<string, Input | Input[]> = {}, locale = 'en'): Interview {
  let { session, prompt } = startSession(flow, { id: 'interview', locale, now: 0 });
  const asked: string[] = [];
  const prompts = new Map<string, Extract<Prompt, { kind: 'question' }>>();
  for (let now = 1; session.status === 'active'; now++) {
    if (now > 200) throw new Error('interview does not end');
    if (prompt.kind !== 'question') throw new Error(`unexpected ${prompt.kind}`);
    const asking = prompt;
    if (asking.step === '') asked.push(asking.question);
    prompts.set(asking.question, asking);
    const planned = answers[asking.question] ?? DEFAULT_ANSWERS[asking.question]!;
    const list = Array.isArray(planned) ? planned : [planned];
    for (const input of list) {
      const step = next(flow, session, input, now * 1000);
      if (step.refusal)
        throw new Error(`${asking.question}: ${JSON.stringify(input)} refused: ${step.refusal.code}`);
      ({ session, prompt } = step);
    }
    // A question answered in several steps (other, currency, contact) continues with texts.
    while (session.status === 'active' && prompt.kind === 'question' && prompt.step !== '') {
      const where = `${prompt.question}.${prompt.step}`;
      const follow = answers[where] ?? DEFAULT_ANSWERS[where];
      if (!follow) throw new Error(`no input for ${where}`);
      for (const input of Array.isArray(follow) ? follow : [follow]) {
        const step = next(flow, session, input, now * 1000);
        if (step.refusal) throw new Error(`${where}: refused ${step.refusal.code}`);
        ({ session, prompt } = step);
      }
    }
  }
  return { session, asked, prompts };
}
