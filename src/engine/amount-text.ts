import { currenciesFor, looksLikeCurrencyCode } from './currency.ts';
import { asciiDigits } from './text.ts';

/** No advocacy budget is larger than this; a larger figure is a typing slip. */
export const MAX_AMOUNT = 1e12;

/** Why a typed amount cannot be read, each with a translated message `common:refusal.amount_<reason>`. */
export type AmountProblem = 'invalid' | 'negative' | 'too_large' | 'two_currencies';

export type AmountReading =
  | {
      ok: true;
      amount: number;
      /** None typed: empty; one: that code; a word or symbol several share ("dollars", "$"): each. */
      currencies: string[];
    }
  /** Both readings of an ambiguous figure: grouped, then decimal ("1.500": 1500 and 1.5). */
  | { ok: false; problem: 'ambiguous'; readings: [number, number] }
  | { ok: false; problem: AmountProblem | 'currency_unknown' };

const BIDI_MARKS = /[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/g;
const MINUS = /[-\u2212\u2012\u2013\uFE63\uFF0D]/;
/** Whitespace of any width and the apostrophes that group digits ("1 500", "1'500"), and Arabic ٬. */
const GROUP_ONLY = /[ '’\u066C]/;
const SEPARATOR = /[ '’\u066C\u066B.,]/;

/** The grouping and decimal symbols of a language, from the runtime's CLDR data ("ru": nbsp and ","). */
function symbolsOf(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  return {
    group: group.normalize('NFKC') === ' ' ? ' ' : group,
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/**
 * Reads a typed amount the way a respondent writing in `locale` means it: "2,000,000 USD",
 * "1.500.000" (Spanish, French and Russian grouping), "1 500 000,50", "1'500", "١٥٬٠٠٠ ج.م.",
 * "€300", "300 долларов". Grouping by comma, dot, spaces, apostrophe or ٬; decimals by dot, comma
 * or ٫; Arabic-Indic and Persian digits. A figure with two readings ("1.500" in English: 1500 or
 * 1.5) is refused with both, so it is typed again rather than guessed; so is anything that is not
 * one non-negative number with at most one currency.
 */
export function readAmount(raw: string, locale: string): AmountReading {
  if (raw.length > 200) return { ok: false, problem: 'invalid' };
  const text = asciiDigits(raw.replace(BIDI_MARKS, '').normalize('NFKC')).replace(/\s+/g, ' ').trim();
  const first = text.search(/\d/);
  if (first < 0) return { ok: false, problem: 'invalid' };
  let end = first;
  while (end < text.length && (/\d/.test(text[end]!) || SEPARATOR.test(text[end]!))) end++;
  // Separators after the last digit belong to what follows ("1500 USD", "1 500.").
  let numberEnd = end;
  while (!/\d/.test(text[numberEnd - 1]!)) numberEnd--;
  const figure = text.slice(first, numberEnd);
  const before = text.slice(0, first).trim();
  const after = text.slice(numberEnd).trim();
  if (/\d/.test(after)) return { ok: false, problem: 'invalid' };
  if (MINUS.test(before.slice(-1)) || MINUS.test(before.slice(0, 1)))
    return { ok: false, problem: 'negative' };

  const currency = readCurrencies(before, after.replace(/^\.(?=\s|$)/, ''));
  if ('problem' in currency) return { ok: false, problem: currency.problem };
  const number = readFigure(figure, locale);
  if ('problem' in number) return { ok: false, ...number };
  if (number.value > MAX_AMOUNT) return { ok: false, problem: 'too_large' };
  return { ok: true, amount: number.value, currencies: currency.codes };
}

/** The currency typed before and after the figure: at most one, and the same if typed twice ("$300 USD"). */
function readCurrencies(
  before: string,
  after: string,
): { codes: string[] } | { problem: 'invalid' | 'two_currencies' | 'currency_unknown' } {
  const sides: string[][] = [];
  for (const side of [before, after]) {
    if (side === '') continue;
    const codes = currenciesFor(side);
    if (codes.length > 0) {
      sides.push(codes);
      continue;
    }
    // "USD EUR" or "долларов евро": each word a currency, so two of them.
    const words = side.split(/\s+/).filter(Boolean);
    if (words.length > 1 && words.every((w) => currenciesFor(w).length > 0))
      return { problem: 'two_currencies' };
    return { problem: looksLikeCurrencyCode(side) ? 'currency_unknown' : 'invalid' };
  }
  if (sides.length < 2) return { codes: sides[0] ?? [] };
  const shared = sides[0]!.filter((c) => sides[1]!.includes(c));
  return shared.length > 0 ? { codes: shared } : { problem: 'two_currencies' };
}

/**
 * The number in a figure made of digits and separators. Spaces, apostrophes and ٬ only group;
 * ٫ only marks decimals. A dot or comma is read from the figure when it can be (both present:
 * the last one marks decimals; one repeated: it groups; not followed by exactly three digits: it
 * marks decimals), else from the language (its grouping symbol groups, its decimal symbol would
 * make "1.500" a small number, so that case is ambiguous).
 */
function readFigure(
  figure: string,
  locale: string,
): { value: number } | { problem: 'invalid' } | { problem: 'ambiguous'; readings: [number, number] } {
  const runs = figure.split(SEPARATOR);
  const seps = [...figure].filter((c) => SEPARATOR.test(c));
  if (runs.some((r) => r === '')) return { problem: 'invalid' };
  if (seps.length === 0) return { value: Number(figure) };

  const last = seps.at(-1)!;
  const count = (c: string) => seps.filter((s) => s === c).length;
  let decimal: string | null = null;
  let ambiguous = false;
  if (seps.includes('\u066B')) {
    if (last !== '\u066B' || count('\u066B') > 1) return { problem: 'invalid' };
    decimal = last;
  } else if (seps.includes('.') && seps.includes(',')) {
    if ((last !== '.' && last !== ',') || count(last) > 1) return { problem: 'invalid' };
    decimal = last;
  } else if ((last === '.' || last === ',') && count(last) === 1) {
    const fraction = runs.at(-1)!;
    const whole = runs.at(-2)!;
    const grouped = seps.length > 1;
    if (fraction.length !== 3 || (!grouped && (whole === '0' || whole.length > 3))) decimal = last;
    else if (!grouped) {
      const own = symbolsOf(locale);
      if (last !== own.group) ambiguous = true;
    }
  }
  const wholeRuns = decimal ? runs.slice(0, -1) : runs;
  const groupSeps = decimal ? seps.slice(0, -1) : seps;
  // Groups are one kind of separator, three digits each after the first (1–3 digits).
  const kinds = new Set(groupSeps.map((s) => (GROUP_ONLY.test(s) && s !== '\u066C' ? ' ' : s)));
  if (kinds.size > 1) return { problem: 'invalid' };
  if (groupSeps.length > 0) {
    const [head, ...rest] = wholeRuns;
    if (head!.length > 3 || rest.some((r) => r.length !== 3)) return { problem: 'invalid' };
    if (head!.length > 1 && head!.startsWith('0')) return { problem: 'invalid' };
  }
  const whole = wholeRuns.join('');
  const value = Number(decimal ? `${whole}.${runs.at(-1)}` : whole);
  if (ambiguous) return { problem: 'ambiguous', readings: [value, Number(`${runs[0]}.${runs[1]}`)] };
  return { value };
}
