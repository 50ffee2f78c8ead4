import type { Condition } from './flow.ts';
import type { Answer, CountryValue, MultiValue, SingleValue } from './session.ts';

/** Evaluates a flow condition against the answers so far. Pure, and never runs code. */
export function evaluate(cond: Condition, answers: Readonly<Record<string, Answer>>): boolean {
  if (cond.all) return cond.all.every((c) => evaluate(c, answers));
  if (cond.any) return cond.any.some((c) => evaluate(c, answers));
  if (cond.not) return !evaluate(cond.not, answers);
  const answer = cond.q === undefined ? undefined : answers[cond.q];
  const given = answer?.status === 'answered' ? answer.value : undefined;
  if (cond.answered !== undefined) return (given !== undefined) === cond.answered;
  if (cond.equals !== undefined) return chosen(given).includes(cond.equals);
  if (cond.selectedAny) return chosen(given).some((o) => cond.selectedAny!.includes(o));
  return false;
}

/**
 * The ids an answer value stands for, whatever its type: yes/no, the chosen option(s), a fixed
 * answer of a text question, or a country's code with its M49 region and sub-region (so a
 * condition can name "RU" or "150"; a country stored as a bare code before version 2 reads alike).
 */
function chosen(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') {
    if ('option' in value) return [(value as SingleValue).option];
    if ('options' in value) return (value as MultiValue).options;
    if ('code' in value) {
      const { code, region, subregion } = value as CountryValue;
      return [code, ...(region ? [region] : []), ...(subregion ? [subregion] : [])];
    }
  }
  return [];
}

/** Question ids a condition reads, for the flow validator. */
export function referencedQuestions(cond: Condition): string[] {
  const own = cond.q === undefined ? [] : [cond.q];
  const nested = [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])];
  return [...own, ...nested.flatMap(referencedQuestions)];
}
