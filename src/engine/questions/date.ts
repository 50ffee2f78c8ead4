import type { QuestionOf } from '../flow.ts';
import { asciiDigits } from '../text.ts';
import { answered, questionKey, refusal, type QuestionHandler } from './handler.ts';

/**
 * A calendar date typed as 2024-03-15, or day first as 15.03.2024 or 15/03/2024 (the order most
 * of the respondents' countries write). Returns YYYY-MM-DD, or null for no real date.
 */
export function parseDate(raw: string): string | null {
  const text = asciiDigits(raw).trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dayFirst = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]] : [];
  if (!y || !m || !d) return null;
  const [year, month, day] = [Number(y), Number(m), Number(d)];
  if (year < 1000) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

export const date: QuestionHandler<QuestionOf<'date'>> = {
  view: ({ flow, question }) => ({
    text: { key: questionKey(flow, question, 'text') },
    hint: { key: 'common:date.hint' },
    choices: [],
    accepts: ['text'],
  }),
  apply(_ctx, input) {
    if (input.type !== 'text') return refusal('not_accepted');
    const value = parseDate(input.text);
    return value === null ? refusal('date_invalid') : answered(value);
  },
};
