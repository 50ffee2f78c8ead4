import { evaluate, referencedQuestions } from './condition.ts';
import { countryValue, isCountryCode } from './country.ts';
import { FlowSchema, META_TYPES, type Condition, type FlowDefinition, type Question } from './flow.ts';
import { regionOf } from './regions.ts';
import type { Answer } from './session.ts';

/** One problem in a flow, located by file and question id. */
export interface FlowIssue {
  file: string;
  question?: string;
  message: string;
}

/** Locale resources as loaded: language → namespace → nested keys. */
export type Resources = Record<string, Record<string, unknown>>;

/**
 * Checks a parsed flow file and its texts. Returns the definition only when there is no issue,
 * and every issue found (not just the first), so a designer can fix them in one go.
 */
export function validateFlow(
  raw: unknown,
  file: string,
  resources: Resources,
): { flow: FlowDefinition | null; issues: FlowIssue[] } {
  const parsed = FlowSchema.safeParse(raw);
  if (!parsed.success) {
    const questions = (raw as { questions?: { id?: unknown }[] } | null)?.questions;
    return {
      flow: null,
      issues: parsed.error.issues.map((issue) => {
        const [first, index] = issue.path;
        const id = first === 'questions' && typeof index === 'number' ? questions?.[index]?.id : undefined;
        return {
          file,
          ...(typeof id === 'string' ? { question: id } : {}),
          message: `${issue.path.join('.') || '(file)'}: ${issue.message}`,
        };
      }),
    };
  }
  const def = parsed.data;
  const issues: FlowIssue[] = [];
  const add = (question: string | undefined, message: string) =>
    issues.push({ file, ...(question ? { question } : {}), message });

  const position = new Map<string, number>();
  def.questions.forEach((q, i) => {
    if (position.has(q.id)) add(q.id, `duplicate question id "${q.id}"`);
    else position.set(q.id, i);
  });

  let seenSurvey = false;
  def.questions.forEach((q, i) => {
    if (META_TYPES.has(q.type)) {
      if (seenSurvey) add(q.id, `a ${q.type} question must come before the survey questions`);
      if (q.when) add(q.id, `a ${q.type} question cannot have a condition`);
      if (q.wording.length > 0) add(q.id, `a ${q.type} question cannot have another wording`);
    } else seenSurvey = true;
    const conditions = [...(q.when ? [q.when] : []), ...q.wording.map((w) => w.when)];
    for (const ref of conditions.flatMap(referencedQuestions)) {
      const at = position.get(ref);
      if (at === undefined) add(q.id, `condition refers to unknown question "${ref}"`);
      else if (at >= i) add(q.id, `condition refers to "${ref}", which does not come before it`);
    }
    for (const cond of conditions) checkConditionValues(q.id, cond, def, add);
    if (q.type === 'consent') checkConsent(q.id, def, Object.keys(resources), add);
    if (q.type === 'text' && new Set(q.answers).size !== q.answers.length)
      add(q.id, 'a fixed answer is listed twice');
    if (q.type === 'multi') {
      for (const id of q.exclusive)
        if (q.options.includes(id)) add(q.id, `"${id}" is both an option and exclusive`);
    }
    if ((q.type === 'single' || q.type === 'multi') && q.options.includes('other')) {
      add(q.id, 'use `other: true` rather than an option named "other"');
    }
    if (q.type === 'ranking') {
      if (!q.items === !q.itemsFrom) add(q.id, 'a ranking needs exactly one of `items` or `itemsFrom`');
      if (q.itemsFrom) {
        const source = def.questions[position.get(q.itemsFrom) ?? -1];
        if (!source) add(q.id, `itemsFrom refers to unknown question "${q.itemsFrom}"`);
        else if (position.get(q.itemsFrom)! >= i)
          add(q.id, `itemsFrom "${q.itemsFrom}" does not come before it`);
        else if (source.type !== 'multi')
          add(q.id, `itemsFrom "${q.itemsFrom}" is not a multiple-choice question`);
      }
      for (const id of q.specify)
        if (!q.items?.includes(id)) add(q.id, `specify names "${id}", which is not one of its items`);
    }
  });

  if (issues.length === 0) {
    for (const q of unreachable(def)) add(q, 'unreachable: its condition can never be true');
  }
  checkTexts(def, resources, add);
  return { flow: issues.length === 0 ? def : null, issues };
}

/** The values an answer to a question can take, for the reachability check. */
function possibleAnswers(q: Question | undefined): (Answer | undefined)[] {
  const answered = (value: unknown): Answer => ({ status: 'answered', value });
  const values: (Answer | undefined)[] = [undefined, { status: 'declined' }];
  if (!q) return values;
  switch (q.type) {
    case 'yesno':
    case 'consent':
      return [...values, answered('yes'), answered('no')];
    case 'single':
      return [
        ...values,
        ...[...q.options, ...(q.other ? ['other'] : [])].map((option) => answered({ option })),
      ];
    case 'multi': {
      const all = [...q.options, ...(q.other ? ['other'] : [])];
      // Each single option, each exclusive one, and everything at once cover what conditions test.
      return [
        ...values,
        ...[...all, ...q.exclusive].map((o) => answered({ options: [o] })),
        answered({ options: all }),
      ];
    }
    case 'text':
      return [...values, answered('x'), ...q.answers.map((option) => answered({ option }))];
    case 'country':
      return [...values, ...COUNTRY_CODES.map((code) => answered(countryValue(code)))];
    default:
      return [...values, answered('x')];
  }
}

/** Questions whose condition is false for every combination of answers it reads. */
function unreachable(def: FlowDefinition): string[] {
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  const dead = new Set<string>();
  for (const q of def.questions) {
    if (!q.when) continue;
    const refs = [...new Set(referencedQuestions(q.when))];
    const options = refs.map((r) => (dead.has(r) ? [undefined] : possibleAnswers(byId.get(r))));
    let reachable = false;
    const walk = (i: number, answers: Record<string, Answer>) => {
      if (reachable) return;
      if (i === refs.length) {
        reachable = evaluate(q.when!, answers);
        return;
      }
      for (const a of options[i]!) walk(i + 1, a ? { ...answers, [refs[i]!]: a } : answers);
    };
    walk(0, {});
    if (!reachable) dead.add(q.id);
  }
  return [...dead];
}

function checkConditionValues(
  id: string,
  cond: Condition,
  def: FlowDefinition,
  add: (q: string, m: string) => void,
): void {
  for (const nested of [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])]) {
    checkConditionValues(id, nested, def, add);
  }
  const target = def.questions.find((q) => q.id === cond.q);
  const wanted = cond.equals !== undefined ? [cond.equals] : (cond.selectedAny ?? []);
  if (!target || wanted.length === 0) return;
  if (target.type === 'country') {
    // A country condition names an ISO code ("RU") or an M49 region or sub-region ("150", "151").
    for (const w of wanted)
      if (!isCountryCode(w) && !M49_CODES.has(w))
        add(id, `condition uses "${w}", neither a country code nor an M49 region`);
    return;
  }
  if (target.type === 'text') {
    if (target.answers.length === 0)
      add(id, `condition compares "${cond.q}", a text question, with option ids`);
    for (const w of wanted)
      if (target.answers.length > 0 && !target.answers.includes(w))
        add(id, `condition uses "${w}", not a fixed answer of "${cond.q}"`);
    return;
  }
  const valid =
    target.type === 'yesno' || target.type === 'consent'
      ? ['yes', 'no']
      : target.type === 'single' || target.type === 'multi'
        ? [
            ...target.options,
            ...(target.other ? ['other'] : []),
            ...(target.type === 'multi' ? target.exclusive : []),
          ]
        : null;
  if (!valid) add(id, `condition compares "${cond.q}", a ${target.type} question, with option ids`);
  else
    for (const w of wanted)
      if (!valid.includes(w)) add(id, `condition uses "${w}", not an option of "${cond.q}"`);
}

/**
 * The consent statement names who runs the survey (in every language, when given per language),
 * a contact and how long data are kept: a flow that asks for consent must say them.
 */
function checkConsent(
  id: string,
  def: FlowDefinition,
  languages: readonly string[],
  add: (q: string, m: string) => void,
): void {
  if (!def.consent) {
    add(id, 'a flow that asks for consent needs `consent:` with operator, contact and retentionMonths');
    return;
  }
  const { operator } = def.consent;
  if (typeof operator === 'string') return;
  for (const lng of languages)
    if (!operator[lng]) add(id, `consent.operator has no name for language "${lng}"`);
}

const COUNTRY_CODES = Object.keys(m49Codes());
const M49_CODES = new Set(
  COUNTRY_CODES.flatMap((code) => {
    const r = regionOf(code);
    return r ? [r.region, r.subregion, ...(r.intermediate ? [r.intermediate] : [])] : [];
  }),
);

/** Every country code M49 places in a region, for reachability and condition checks. */
function m49Codes(): Record<string, true> {
  const codes: Record<string, true> = {};
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (regionOf(code)) codes[code] = true;
    }
  return codes;
}

/** The text keys a flow needs in its own namespace. */
export function requiredKeys(def: FlowDefinition): { question: string; key: string }[] {
  const keys: { question: string; key: string }[] = [];
  for (const q of def.questions) {
    if (META_TYPES.has(q.type)) continue;
    keys.push({ question: q.id, key: `${q.id}.text` });
    for (const w of q.wording) keys.push({ question: q.id, key: `${q.id}.${w.text}` });
    const options =
      q.type === 'single'
        ? q.options
        : q.type === 'multi'
          ? [...q.options, ...q.exclusive]
          : q.type === 'ranking'
            ? (q.items ?? [])
            : q.type === 'text'
              ? q.answers
              : [];
    for (const o of options) keys.push({ question: q.id, key: `${q.id}.options.${o}` });
  }
  return keys;
}

function lookup(tree: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

function checkTexts(
  def: FlowDefinition,
  resources: Resources,
  add: (q: string | undefined, m: string) => void,
) {
  const languages = Object.keys(resources);
  if (languages.length === 0) add(undefined, 'no locale files found');
  for (const lng of languages) {
    const ns = resources[lng]![def.id];
    if (!ns) {
      add(undefined, `no texts for language "${lng}" (locales/${lng}/${def.id}.json)`);
      continue;
    }
    for (const { question, key } of requiredKeys(def)) {
      const value = lookup(ns, key);
      if (typeof value !== 'string' || value.trim() === '') {
        add(question, `missing text "${key}" in locales/${lng}/${def.id}.json`);
      }
    }
  }
}
