import type { QuestionOf } from '../flow.ts';
import { asciiDigits } from '../text.ts';
import { readAmount } from '../amount-text.ts';
import { answered, questionKey, refusal, type QuestionHandler } from './handler.ts';

/** Whole numbers as typed: "12", "-3", "1 500", "٣". Beyond 15 digits a number is not a count. */
export function parseInteger(raw: string): number | null {
  const text = asciiDigits(raw)
    .trim()
    .replace(/[\u00A0\u202F\u2009' ]/g, '');
  if (!/^[+-]?\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return Object.is(n, -0) ? 0 : n;
}

/**
 * Decimal numbers as typed in the respondent's language: "1.5", "1,5", "-0.25", "1 500,75" (the
 * amount reader, signed); a figure with two readings ("1.500" in English) is not guessed.
 */
export function parseDecimal(raw: string, locale = 'en'): number | null {
  const text = asciiDigits(raw).trim();
  const negative = /^[-−]/.test(text);
  const parsed = readAmount(text.replace(/^[+\-−]/, ''), locale);
  if (!parsed.ok || parsed.currencies.length > 0) return null;
  return negative && parsed.amount !== 0 ? -parsed.amount : parsed.amount;
}

function numberHandler(
  type: 'integer' | 'decimal',
  parse: (text: string, locale: string) => number | null,
): QuestionHandler<QuestionOf<'integer' | 'decimal'>> {
  return {
    view: ({ flow, question }) => ({
      text: { key: questionKey(flow, question, 'text') },
      hint: { key: `common:${type}.hint` },
      choices: [],
      accepts: ['text'],
    }),
    apply(ctx, input) {
      if (input.type !== 'text') return refusal('not_accepted');
      const n = parse(input.text, ctx.session.locale);
      return n === null ? refusal(`${type}_invalid`) : answered(n);
    },
  };
}

export const integer = numberHandler('integer', parseInteger) as QuestionHandler<QuestionOf<'integer'>>;
export const decimal = numberHandler('decimal', parseDecimal) as QuestionHandler<QuestionOf<'decimal'>>;
