import type { Comparison, Condition, Operand } from './flow.ts';
import type { Answer, CountryValue, MultiValue, SingleValue } from './session.ts';

/** The columns of the option a choice filter is deciding on (`name` is its id). */
export type ChoiceRow = Readonly<Record<string, string>>;

/** Evaluates a flow condition against the answers so far. Pure, and never runs code. */
export function evaluate(
  cond: Condition,
  answers: Readonly<Record<string, Answer>>,
  choice?: ChoiceRow,
): boolean {
  if (cond.all) return cond.all.every((c) => evaluate(c, answers, choice));
  if (cond.any) return cond.any.some((c) => evaluate(c, answers, choice));
  if (cond.not) return !evaluate(cond.not, answers, choice);
  if (cond.compare) {
    return compare(cond.compare, read(cond.left!, answers, choice), read(cond.right!, answers, choice));
  }
  if (cond.selected !== undefined) {
    const option = String(read(cond.option!, answers, choice));
    return tokens(scalar(answers[cond.selected])).includes(option);
  }
  if (cond.regex) return matches(cond.pattern!, String(read(cond.regex, answers, choice)));
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

/**
 * An answer as XPath reads it: '' when not answered or declined, numbers as numbers, the option
 * id of a single choice, the ids of a multiple choice or a ranking separated by spaces.
 */
export function scalar(answer: Answer | undefined): string | number {
  if (answer?.status !== 'answered') return '';
  const value = answer.value;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.option === 'string') return v.option;
    if (Array.isArray(v.options)) return v.options.join(' ');
    if (Array.isArray(v.order)) return v.order.join(' ');
    if (typeof v.code === 'string') return v.code;
    if (typeof v.text === 'string') return v.text;
    if (typeof v.amount === 'number') return v.amount;
    if (typeof v.agreed === 'string') return v.agreed;
  }
  return '';
}

function read(op: Operand, answers: Readonly<Record<string, Answer>>, choice?: ChoiceRow): string | number {
  if ('value' in op) return op.value;
  if ('q' in op) return scalar(answers[op.q]);
  if ('column' in op) return choice?.[op.column] ?? '';
  if ('countSelected' in op) return tokens(scalar(answers[op.countSelected])).length;
  return [...String(read(op.length, answers, choice))].length;
}

const tokens = (value: string | number): string[] => String(value).split(' ').filter(Boolean);

/** XPath's number(): '' and anything not a number are NaN. */
function toNumber(value: string | number): number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * XPath 1.0 comparison: equality is numeric when either side is a number, else textual; order is
 * numeric, and dates (YYYY-MM-DD on both sides) compare as dates. NaN makes order false.
 */
function compare(op: Comparison, a: string | number, b: string | number): boolean {
  if (op === '=' || op === '!=') {
    const numeric = typeof a === 'number' || typeof b === 'number';
    const equal = numeric ? toNumber(a) === toNumber(b) : a === b;
    return op === '=' ? equal : !equal;
  }
  let x: number | string = toNumber(a);
  let y: number | string = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) {
    if (!(ISO_DATE.test(String(a)) && ISO_DATE.test(String(b)))) return false;
    [x, y] = [String(a), String(b)];
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

// Patterns come from flow files (checked when the flow is validated); compiled once each.
const patterns = new Map<string, RegExp>();

/** XForms regex(): true when the pattern is found in the value. */
function matches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern)));
  return re.test(value);
}

function operandQuestions(op: Operand): string[] {
  if ('q' in op) return [op.q];
  if ('countSelected' in op) return [op.countSelected];
  if ('length' in op) return operandQuestions(op.length);
  return [];
}

/** The choice columns a condition reads, for the flow validator. */
export function referencedColumns(cond: Condition): string[] {
  const ops = [cond.left, cond.right, cond.option, cond.regex].filter((o): o is Operand => Boolean(o));
  const columns = (op: Operand): string[] =>
    'column' in op ? [op.column] : 'length' in op ? columns(op.length) : [];
  const nested = [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])];
  return [...ops.flatMap(columns), ...nested.flatMap(referencedColumns)];
}

/** Question ids a condition reads, for the flow validator. */
export function referencedQuestions(cond: Condition): string[] {
  const own = cond.q === undefined ? [] : [cond.q];
  const ops = [cond.left, cond.right, cond.option, cond.regex].filter((o): o is Operand => Boolean(o));
  const selected = cond.selected === undefined ? [] : [cond.selected];
  const nested = [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])];
  return [...own, ...selected, ...ops.flatMap(operandQuestions), ...nested.flatMap(referencedQuestions)];
}
