import type { Condition, Operand, QuestionType } from '../engine/flow.ts';

/** How the exporter names things: question ids are XLSForm names, `self` is written as `.`. */
export interface WriteContext {
  self?: string;
  typeOf(id: string): QuestionType | undefined;
}

const quote = (text: string): string => {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  throw new Error(`a text with both kinds of quote cannot be written in XPath: ${text}`);
};

function ref(id: string, ctx: WriteContext): string {
  return id === ctx.self ? '.' : `\${${id}}`;
}

function operand(op: Operand, ctx: WriteContext): string {
  if ('q' in op) return ref(op.q, ctx);
  if ('value' in op) return typeof op.value === 'number' ? String(op.value) : quote(op.value);
  if ('column' in op) return op.column;
  if ('countSelected' in op) return `count-selected(${ref(op.countSelected, ctx)})`;
  return `string-length(${operand(op.length, ctx)})`;
}

/** A condition as the XPath an XLSForm holds; `parseXPath` reads it back to the same data. */
export function writeXPath(cond: Condition, ctx: WriteContext): string {
  const inner = (c: Condition, parent: 'and' | 'or') => {
    const text = writeXPath(c, ctx);
    const needs = parent === 'and' && (c.any || (c.selectedAny && c.selectedAny.length > 1));
    return needs ? `(${text})` : text;
  };
  if (cond.all) return cond.all.map((c) => inner(c, 'and')).join(' and ');
  if (cond.any) return cond.any.map((c) => inner(c, 'or')).join(' or ');
  if (cond.not) return `not(${writeXPath(cond.not, ctx)})`;
  if (cond.compare) return `${operand(cond.left!, ctx)} ${cond.compare} ${operand(cond.right!, ctx)}`;
  if (cond.selected !== undefined)
    return `selected(${ref(cond.selected, ctx)}, ${operand(cond.option!, ctx)})`;
  if (cond.regex) return `regex(${operand(cond.regex, ctx)}, ${quote(cond.pattern!)})`;
  const q = cond.q!;
  if (cond.answered !== undefined) return `${ref(q, ctx)} ${cond.answered ? '!=' : '='} ''`;
  if (cond.equals !== undefined) {
    return ctx.typeOf(q) === 'multi'
      ? `selected(${ref(q, ctx)}, ${quote(cond.equals)})`
      : `${ref(q, ctx)} = ${quote(cond.equals)}`;
  }
  return cond.selectedAny!.map((o) => `selected(${ref(q, ctx)}, ${quote(o)})`).join(' or ');
}
