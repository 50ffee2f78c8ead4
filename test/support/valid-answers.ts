import assert from 'node:assert/strict';
import { evaluate } from '../../src/engine/condition.ts';
import { isCountryCode } from '../../src/engine/country.ts';
import { MAX_AMOUNT } from '../../src/engine/amount-text.ts';
import { CURRENCIES } from '../../src/engine/currency.ts';
import type { Flow, Question } from '../../src/engine/flow.ts';
import { isDeclinable } from '../../src/engine/engine.ts';
import { rankingItems } from '../../src/engine/questions/ranking.ts';
import { AnswerSchema, type Answer, type Session } from '../../src/engine/session.ts';
import { collect, type ResponseStore } from '../../src/store/response-store.ts';

/**
 * What is wrong with stored answers, checked against the flow the way the engine builds them:
 * each answer belongs to a question of the flow, has the shape its type stores, names only
 * options that question offers (ranking items as the engine derives them), stays within the
 * question's lengths, is declined only where declining is allowed, and, for a finished
 * response, is there only when the question applies. Empty when everything is a valid answer.
 */
export function answerProblems(
  flow: Flow,
  answers: Record<string, unknown>,
  opts: { complete?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const byId = new Map(flow.questions.map((q) => [q.id, q]));
  const typed: Record<string, Answer> = {};
  for (const [id, raw] of Object.entries(answers)) {
    const parsed = AnswerSchema.safeParse(raw);
    if (!parsed.success) problems.push(`${id}: not an answer: ${JSON.stringify(raw).slice(0, 200)}`);
    else typed[id] = parsed.data;
  }
  // The engine's own view of the answers, for ranking items and conditions.
  const session = { answers: typed } as unknown as Session;
  for (const [id, answer] of Object.entries(typed)) {
    const question = byId.get(id);
    if (!question) {
      problems.push(`${id}: no such question`);
      continue;
    }
    if (opts.complete && question.when && !evaluate(question.when, typed)) {
      problems.push(`${id}: answered, but the question does not apply`);
    }
    if (answer.status === 'declined') {
      if (!isDeclinable(question)) problems.push(`${id}: declined, but it cannot be declined`);
      continue;
    }
    const problem = valueProblem(flow, question, answer.value, session);
    if (problem) problems.push(`${id}: ${problem}: ${JSON.stringify(answer.value).slice(0, 200)}`);
  }
  return problems;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const keysWithin = (v: Record<string, unknown>, allowed: string[]) =>
  Object.keys(v).every((k) => allowed.includes(k));
const distinct = (list: string[]) => new Set(list).size === list.length;

/** The "other, please specify" text: a non-empty string, or declined; never both. */
function otherProblem(v: Record<string, unknown>, chosen: boolean): string | null {
  if (v.other !== undefined && (typeof v.other !== 'string' || v.other.trim() === ''))
    return 'bad other text';
  if (v.otherDeclined !== undefined && v.otherDeclined !== true) return 'bad otherDeclined';
  if (v.other !== undefined && v.otherDeclined) return 'other both given and declined';
  if (!chosen && (v.other !== undefined || v.otherDeclined)) return 'other text without "other"';
  return null;
}

function valueProblem(flow: Flow, q: Question, value: unknown, session: Session): string | null {
  switch (q.type) {
    case 'language':
      return typeof value === 'string' && flow.languages.includes(value)
        ? null
        : 'not a language of the flow';
    case 'consent':
      return value === 'yes' ? null : 'consent other than yes';
    case 'yesno':
      return value === 'yes' || value === 'no' ? null : 'not yes or no';
    case 'single': {
      if (!isObject(value) || typeof value.option !== 'string') return 'not {option}';
      if (!keysWithin(value, ['option', 'other', 'otherDeclined'])) return 'unknown fields';
      const offered = [...q.options, ...(q.other ? ['other'] : [])];
      if (!offered.includes(value.option)) return 'not an option';
      return otherProblem(value, value.option === 'other');
    }
    case 'multi': {
      if (!isObject(value) || !isStringList(value.options)) return 'not {options}';
      if (!keysWithin(value, ['options', 'other', 'otherDeclined'])) return 'unknown fields';
      const offered = [...q.options, ...q.exclusive, ...(q.other ? ['other'] : [])];
      if (value.options.length === 0 || !distinct(value.options)) return 'empty or repeated options';
      if (!value.options.every((o) => offered.includes(o))) return 'not an option';
      if (value.options.length > 1 && value.options.some((o) => q.exclusive.includes(o)))
        return 'an exclusive option combined';
      return otherProblem(value, value.options.includes('other'));
    }
    case 'ranking': {
      if (!isObject(value) || !isStringList(value.order) || !isStringList(value.na)) return 'not {order, na}';
      if (!keysWithin(value, ['order', 'na', 'other', 'otherDeclined'])) return 'unknown fields';
      const items = rankingItems({ flow, question: q, session }).map((c) => c.id);
      const placed = [...value.order, ...value.na];
      if (!distinct(placed)) return 'an item placed twice';
      if (!placed.every((i) => items.includes(i))) return 'not an item';
      if (value.na.length > 0 && !q.notApplicable) return 'not applicable where it is not offered';
      return otherProblem(
        value,
        placed.some((i) => q.specify.includes(i) || i === 'other'),
      );
    }
    case 'text': {
      if (isObject(value) && 'option' in value) {
        return keysWithin(value, ['option']) && q.answers.includes(value.option as string)
          ? null
          : 'not a fixed answer';
      }
      let text = value;
      if (q.links) {
        if (!isObject(value) || !isStringList(value.links) || !keysWithin(value, ['text', 'links']))
          return 'not {text, links}';
        text = value.text;
      }
      if (typeof text !== 'string') return 'not a text';
      if (text.trim().length < q.minLength) return 'shorter than allowed';
      return [...text].length > q.maxLength ? 'longer than allowed' : null;
    }
    case 'amount': {
      if (!isObject(value)) return 'not an amount';
      if (value.dontKnow === true) return keysWithin(value, ['dontKnow']) ? null : 'unknown fields';
      if (value.noBudgetLine === true)
        return q.noBudgetLine && keysWithin(value, ['noBudgetLine']) ? null : 'no budget line not offered';
      const { amount, currency } = value;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > MAX_AMOUNT)
        return 'not an amount';
      if (typeof currency !== 'string' || !CURRENCIES.has(currency)) return 'not a currency';
      return keysWithin(value, ['amount', 'currency']) ? null : 'unknown fields';
    }
    case 'country': {
      const code = typeof value === 'string' ? value : isObject(value) ? value.code : undefined;
      return typeof code === 'string' && isCountryCode(code) ? null : 'not a country';
    }
    case 'contact': {
      if (!isObject(value) || (value.agreed !== 'yes' && value.agreed !== 'no')) return 'not {agreed}';
      if (value.agreed === 'no') return keysWithin(value, ['agreed']) ? null : 'details without agreement';
      // The session holds the details; a response only `{agreed}` (details in the contact store).
      if (value.name !== undefined && typeof value.name !== 'string') return 'bad name';
      if (value.language !== undefined && !flow.languages.includes(value.language as string))
        return 'bad language';
      return null;
    }
    case 'integer':
      return Number.isInteger(value) ? null : 'not an integer';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'not a number';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'not a date';
    case 'note':
    case 'acknowledge':
      return typeof value === 'string' ? null : 'not seen';
  }
}

/**
 * The answers of a session on its path: an answer kept from before the respondent went back
 * and changed an earlier one is checked again (the engine's `stillValid`) when its question
 * comes round, so until then it may name items that no longer apply.
 */
export function onPath(session: Session): Record<string, Answer> {
  return Object.fromEntries(
    session.path.flatMap((id) => (session.answers[id] ? [[id, session.answers[id]]] : [])),
  );
}

/**
 * Every stored response holds valid answers for its flow version, and each respondent has at
 * most one complete response. Returns how many were read and how many respondents completed.
 */
export async function assertStoredResponses(
  responses: Pick<ResponseStore, 'scan'>,
  flowAt: (id: string, version: number) => Promise<Flow>,
  context: string,
): Promise<{ read: number; complete: number }> {
  const all = await collect(responses.scan());
  const complete = new Map<string, number>();
  for (const response of all) {
    const flow = await flowAt(response.flowId, response.flowVersion);
    const done = response.status === 'complete';
    assert.deepEqual(
      answerProblems(flow, response.answers, { complete: done }),
      [],
      `response ${response.id} ${context}`,
    );
    if (done) complete.set(response.respondent, (complete.get(response.respondent) ?? 0) + 1);
  }
  assert.ok(
    [...complete.values()].every((n) => n === 1),
    `one complete response per respondent ${context}`,
  );
  return { read: all.length, complete: complete.size };
}
