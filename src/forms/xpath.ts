import type { Comparison, Condition, Operand, QuestionType } from '../engine/flow.ts';

/**
 * The XPath that XLSForms use in `relevant`, `constraint` and `choice_filter`, read into the
 * flow's condition data (never evaluated as code). The subset: comparisons, `and`, `or`, `not()`,
 * `selected()`, `count-selected()`, `string-length()`, `regex()`, `.`, `${name}`, numbers and
 * strings; in a choice filter, bare names are the choice's columns. Anything else is refused
 * with the character position where it starts.
 */
export class XPathError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based position of the character where the problem starts. */
    readonly position: number,
  ) {
    super(`${reason} at character ${position}`);
    this.name = 'XPathError';
  }
}

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'ref'; name: string; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'op'; op: string; pos: number }
  | { kind: 'end'; pos: number };

const OPERATORS = ['!=', '<=', '>=', '=', '<', '>', '(', ')', ',', '-', '+', '*', '|', '/', '[', ']', '@'];
const NAME = /^[\p{L}_][\p{L}\p{N}_.:-]*/u;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const pos = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i);
      const name = end < 0 ? '' : text.slice(i + 2, end).trim();
      if (end < 0 || !NAME.test(name) || NAME.exec(name)![0] !== name)
        throw new XPathError('a reference must be ${name}', pos);
      tokens.push({ kind: 'ref', name, pos });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new XPathError('a string is not closed', pos);
      tokens.push({ kind: 'str', value: text.slice(i + 1, end), pos });
      i = end + 1;
    } else if (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] ?? ''))) {
      const m = /^\d*\.?\d*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'num', value: Number(m), pos });
      i += m.length;
    } else if (c === '.') {
      if (text[i + 1] === '.') throw new XPathError('".." (the parent) is not supported', pos);
      tokens.push({ kind: 'op', op: '.', pos });
      i++;
    } else if (NAME.test(text.slice(i))) {
      const name = NAME.exec(text.slice(i))![0];
      tokens.push({ kind: 'name', name, pos });
      i += name.length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new XPathError(`unexpected character "${c}"`, pos);
      tokens.push({ kind: 'op', op, pos });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', pos: text.length + 1 });
  return tokens;
}

/** The expression as a tree, before it is checked against the subset. */
type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node; pos: number }
  | { kind: 'cmp'; op: Comparison; left: Node; right: Node; pos: number }
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'ref'; name: string; pos: number }
  | { kind: 'self'; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'call'; name: string; args: Node[]; pos: number };

/** Recursive descent in XPath's precedence: or < and < = != < relational < unary. */
function parseTree(text: string): Node {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at]!;
  const isOp = (op: string) => {
    const t = peek();
    return t.kind === 'op' && t.op === op;
  };
  const isWord = (word: string) => {
    const t = peek();
    return t.kind === 'name' && t.name === word;
  };
  const expect = (op: string) => {
    if (!isOp(op)) throw new XPathError(`expected "${op}"`, peek().pos);
    at++;
  };

  const binary = (kind: 'or' | 'and', next: () => Node) => (): Node => {
    let left = next();
    while (isWord(kind)) {
      const pos = peek().pos;
      at++;
      left = { kind, left, right: next(), pos };
    }
    return left;
  };
  const comparison = (ops: Comparison[], next: () => Node) => (): Node => {
    let left = next();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op' || !ops.includes(t.op as Comparison)) return left;
      at++;
      left = { kind: 'cmp', op: t.op as Comparison, left, right: next(), pos: t.pos };
    }
  };

  const primary = (): Node => {
    const t = peek();
    switch (t.kind) {
      case 'num':
      case 'str':
      case 'ref':
        at++;
        return t;
      case 'op':
        if (t.op === '-') {
          at++;
          const n = peek();
          if (n.kind !== 'num') throw new XPathError('"-" is only supported before a number', t.pos);
          at++;
          return { kind: 'num', value: -n.value, pos: t.pos };
        }
        if (t.op === '.') {
          at++;
          return { kind: 'self', pos: t.pos };
        }
        if (t.op === '(') {
          at++;
          const inner = or();
          expect(')');
          return inner;
        }
        throw new XPathError(t.op === ')' ? 'unexpected ")"' : `"${t.op}" is not supported`, t.pos);
      case 'name': {
        at++;
        if (!isOp('(')) return { kind: 'name', name: t.name, pos: t.pos };
        at++;
        const args: Node[] = [];
        if (!isOp(')')) {
          args.push(or());
          while (isOp(',')) {
            at++;
            args.push(or());
          }
        }
        expect(')');
        return { kind: 'call', name: t.name, args, pos: t.pos };
      }
      default:
        throw new XPathError('the expression ends too early', t.pos);
    }
  };
  const relational = comparison(['<', '<=', '>', '>='], primary);
  const equality = comparison(['=', '!='], relational);
  const and = binary('and', equality);
  const or = binary('or', and);

  const tree = or();
  const rest = peek();
  if (rest.kind !== 'end') {
    const what =
      rest.kind === 'op' && ['+', '-', '*', '/', '|'].includes(rest.op)
        ? `"${rest.op}" (arithmetic and paths) is not supported`
        : rest.kind === 'name' && ['div', 'mod'].includes(rest.name)
          ? `"${rest.name}" (arithmetic) is not supported`
          : 'unexpected text after the expression';
    throw new XPathError(what, rest.pos);
  }
  return tree;
}

/** Where an expression stands, which decides what `.` and bare names mean. */
export interface XPathContext {
  kind: 'relevant' | 'constraint' | 'choice_filter';
  /** The flow id of the question the expression belongs to (what `.` is in a constraint). */
  self: string;
  /** A form name as a question id and type, or null when the form has no such question. */
  resolve(name: string): { id: string; type: QuestionType } | null;
}

/** Reads one XLSForm expression into a condition, or throws an XPathError with its position. */
export function parseXPath(text: string, ctx: XPathContext): Condition {
  if (text.trim() === '') throw new XPathError('the expression is empty', 1);
  return condition(parseTree(text), ctx);
}

function questionOf(node: Node, ctx: XPathContext): { id: string; type: QuestionType | null } {
  if (node.kind === 'self') {
    if (ctx.kind !== 'constraint')
      throw new XPathError('"." (this answer) is only for constraints', node.pos);
    return { id: ctx.self, type: null };
  }
  if (node.kind !== 'ref') throw new XPathError('expected a ${name} reference', node.pos);
  const found = ctx.resolve(node.name);
  if (!found) throw new XPathError(`\${${node.name}} is not a question of this form`, node.pos);
  return found;
}

function operand(node: Node, ctx: XPathContext): Operand {
  switch (node.kind) {
    case 'num':
    case 'str':
      return { value: node.value };
    case 'ref':
    case 'self':
      return { q: questionOf(node, ctx).id };
    case 'name':
      if (ctx.kind !== 'choice_filter')
        throw new XPathError(
          `"${node.name}" is not a value: refer to questions as \${${node.name}}`,
          node.pos,
        );
      return { column: node.name };
    case 'call':
      if (node.name === 'count-selected') {
        arity(node, 1);
        return { countSelected: questionOf(node.args[0]!, ctx).id };
      }
      if (node.name === 'string-length') {
        arity(node, 1);
        return { length: operand(node.args[0]!, ctx) };
      }
      throw unsupported(node);
    default:
      throw new XPathError('a condition is not a value here', node.pos);
  }
}

function arity(node: Extract<Node, { kind: 'call' }>, n: number): void {
  if (node.args.length !== n) throw new XPathError(`${node.name}() takes ${n} argument(s)`, node.pos);
}

function unsupported(node: Extract<Node, { kind: 'call' }>): XPathError {
  return new XPathError(`the function ${node.name}() is not supported`, node.pos);
}

const OPTION_TYPES: ReadonlySet<QuestionType | null> = new Set(['single', 'yesno', 'consent']);

function condition(node: Node, ctx: XPathContext): Condition {
  switch (node.kind) {
    case 'or':
      return mergeSelections({ any: [...flat(node, 'or', ctx)] });
    case 'and':
      return { all: [...flat(node, 'and', ctx)] };
    case 'call':
      if (node.name === 'not') {
        arity(node, 1);
        return { not: condition(node.args[0]!, ctx) };
      }
      if (node.name === 'selected') {
        arity(node, 2);
        const { id } = questionOf(node.args[0]!, ctx);
        const option = operand(node.args[1]!, ctx);
        return 'value' in option ? { q: id, selectedAny: [String(option.value)] } : { selected: id, option };
      }
      if (node.name === 'regex') {
        arity(node, 2);
        const pattern = node.args[1]!;
        if (pattern.kind !== 'str')
          throw new XPathError('regex() needs its pattern as a string', pattern.pos);
        return { regex: operand(node.args[0]!, ctx), pattern: pattern.value };
      }
      if (['count-selected', 'string-length'].includes(node.name)) break;
      throw unsupported(node);
    case 'cmp':
      return comparison(node, ctx);
    default:
      break;
  }
  throw new XPathError('expected a comparison, or a function such as selected()', node.pos);
}

function flat(node: Node, kind: 'and' | 'or', ctx: XPathContext): Condition[] {
  if (node.kind === kind) return [...flat(node.left, kind, ctx), ...flat(node.right, kind, ctx)];
  return [condition(node, ctx)];
}

/**
 * The forms a flow file writes by hand: `${q} = 'x'` on a single choice is `{q, equals}`,
 * `${q} != ''` is `{q, answered: true}`, so imported and hand-written flows read alike.
 */
function comparison(node: Extract<Node, { kind: 'cmp' }>, ctx: XPathContext): Condition {
  const left = operand(node.left, ctx);
  const right = operand(node.right, ctx);
  const [ref, literal] =
    'q' in left && 'value' in right
      ? [node.left, right]
      : 'q' in right && 'value' in left
        ? [node.right, left]
        : [];
  if (ref && literal && (node.op === '=' || node.op === '!=') && typeof literal.value === 'string') {
    const { id, type } = questionOf(ref, ctx);
    if (literal.value === '') return { q: id, answered: node.op === '!=' };
    if (node.op === '=' && OPTION_TYPES.has(type)) return { q: id, equals: literal.value };
  }
  return { compare: node.op, left, right };
}

/** `selected(${q}, 'a') or selected(${q}, 'b')` reads as one `{q, selectedAny: [a, b]}`. */
function mergeSelections(cond: { any: Condition[] }): Condition {
  const merged: Condition[] = [];
  for (const c of cond.any) {
    const options = c.selectedAny ?? (c.equals !== undefined ? [c.equals] : null);
    const into = merged.find((m) => m.selectedAny && m.q === c.q && Object.keys(c).length === 2);
    if (options && into && c.q !== undefined) into.selectedAny = [...into.selectedAny!, ...options];
    else if (c.selectedAny) merged.push({ q: c.q!, selectedAny: [...c.selectedAny] });
    else merged.push(c);
  }
  return merged.length === 1 ? merged[0]! : { any: merged };
}
