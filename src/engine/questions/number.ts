import type { QuestionOf } from '../flow.ts';
import { asciiDigits } from '../text.ts';
import { parseAmount } from './amount.ts';
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

/** Decimal numbers as typed: "1.5", "1,5", "-0.25", "1 500,75" (the amount reader, signed). */
export function parseDecimal(raw: string): number | null {
  const text = asciiDigits(raw).trim();
  const negative = /^[-−]/.test(text);
  const parsed = parseAmount(text.replace(/^[+\-−]/, ''));
  if (!parsed || parsed.currency) return null;
  return negative && parsed.amount !== 0 ? -parsed.amount : parsed.amount;
}

function numberHandler(
  type: 'integer' | 'decimal',
  parse: (text: string) => number | null,
): QuestionHandler<QuestionOf<'integer' | 'decimal'>> {
  return {
    view: ({ flow, question }) => ({
      text: { key: questionKey(flow, question, 'text') },
      hint: { key: `common:${type}.hint` },
      choices: [],
      accepts: ['text'],
    }),
    apply(_ctx, input) {
      if (input.type !== 'text') return refusal('not_accepted');
      const n = parse(input.text);
      return n === null ? refusal(`${type}_invalid`) : answered(n);
    },
  };
}

export const integer = numberHandler('integer', parseInteger) as QuestionHandler<QuestionOf<'integer'>>;
export const decimal = numberHandler('decimal', parseDecimal) as QuestionHandler<QuestionOf<'decimal'>>;
