import type { Input } from '../../src/engine/input.ts';
import type { TurnResult } from '../../src/conversation/service.ts';
import type { Prompt } from '../../src/engine/prompt.ts';

/**
 * A respondent who answers every question of the advocacy flow sensibly, for tests and the
 * bench: the answer depends only on the prompt, so an interview can be replayed after a fault.
 * Text answers carry `tag`, so the stored response can be traced back to who typed it.
 */
export function answerFor(prompt: Prompt, tag = 'answer'): Input {
  if (prompt.kind !== 'question') throw new Error(`no question to answer (${prompt.kind})`);
  const first = prompt.choices[0]?.id ?? '';
  const ids = prompt.choices.map((c) => c.id);
  const bound = { question: prompt.question, version: prompt.version };
  switch (prompt.type) {
    case 'language':
      return { type: 'choose', option: 'en', bound };
    case 'consent':
    case 'yesno':
      return { type: 'choose', option: 'yes', bound };
    case 'single':
      return prompt.step === 'other'
        ? { type: 'text', text: `${tag} other` }
        : { type: 'choose', option: first, bound };
    case 'multi':
      return prompt.step === 'other'
        ? { type: 'text', text: `${tag} other` }
        : { type: 'choices', options: ids.slice(0, 2), bound };
    case 'ranking':
      if (prompt.step === 'other') return { type: 'text', text: `${tag} other` };
      if (prompt.step === 'rest') return { type: 'choose', option: 'not_applicable', bound };
      return { type: 'order', order: ids, bound };
    case 'text':
      return { type: 'text', text: `${tag} ${prompt.question}` };
    case 'amount':
      if (prompt.step === 'confirm') return { type: 'choose', option: 'yes', bound };
      return prompt.step === 'currency'
        ? { type: 'choose', option: 'EUR', bound }
        : { type: 'text', text: '1500 EUR' };
    case 'country':
      return prompt.step === 'pick'
        ? { type: 'choose', option: first, bound }
        : { type: 'text', text: 'France' };
    case 'contact':
      switch (prompt.step) {
        case 'name':
          return { type: 'text', text: `${tag} name` };
        case 'method':
          return { type: 'choose', option: 'email', bound };
        case 'email':
          return { type: 'text', text: 'respondent@example.org' };
        case 'language':
          return { type: 'choose', option: 'en', bound };
        default:
          return { type: 'choose', option: 'yes', bound };
      }
    case 'integer':
    case 'decimal':
      return { type: 'text', text: '7' };
    case 'date':
      return { type: 'text', text: '2024-03-15' };
    case 'note':
    case 'acknowledge':
      return { type: 'choose', option: first, bound };
  }
}

/** Turns one respondent takes through a service, answered by `answerFor` until `done` says stop. */
export async function answerUntil(
  turn: (input: Input) => Promise<TurnResult>,
  done: (prompt: Prompt) => boolean,
  tag?: string,
): Promise<TurnResult> {
  let result = await turn({ type: 'start' });
  for (let i = 0; i < 100; i++) {
    if (result.refusal) throw new Error(`refused: ${result.refusal.code}`);
    if (!result.prompt) throw new Error(`no prompt: ${JSON.stringify(result.notices)}`);
    if (done(result.prompt)) return result;
    result = await turn(answerFor(result.prompt, tag));
  }
  throw new Error('the interview does not end');
}

/** True at a question (and step) of the flow. */
export const at =
  (question: string, step = '') =>
  (prompt: Prompt): boolean =>
    prompt.kind === 'question' && prompt.question === question && prompt.step === step;

/** True once the survey is over. */
export const finished = (prompt: Prompt): boolean => prompt.kind !== 'question';
