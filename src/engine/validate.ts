import { evaluate, referencedColumns, referencedQuestions } from './condition.ts';
import { countryValue, isCountryCode } from './country.ts';
import { FlowSchema, META_TYPES, type Condition, type FlowDefinition, type Question } from './flow.ts';
import { regionOf } from './regions.ts';
import type { Answer } from './session.ts';

/** One problem in a flow, located by file and question id. */
export interface FlowIssue {
  file: string;
  question?: string;
  message: string;
  /** Worth knowing, but the flow runs (a language offered without all of the bot's texts...). */
  warning?: true;
}

/**
 * Telegram's 64 bytes of callback data hold `<version>:<question>:c:<option>`: question and option
 * ids together must leave room for a nine-digit version.
 */
export const MAX_QUESTION_ID = 40;
export const MAX_BUTTON_IDS = 51;

/** The bot's own texts a respondent sees, besides the flow's. */
export const RESPONDENT_NAMESPACES = ['common', 'terminal', 'telegram', 'discord'];

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
    checkOwnConditions(q, i, def, position, add);
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
  checkTexts(def, resources, add, (question, message) =>
    issues.push({ file, ...(question ? { question } : {}), message, warning: true }),
  );
  return { flow: issues.some((i) => !i.warning) ? null : def, issues };
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
    // Only conditions over options are enumerated; comparisons of typed values are not decided here.
    if (!q.when || !optionsOnly(q.when)) continue;
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

function optionsOnly(cond: Condition): boolean {
  if (cond.compare || cond.regex || cond.selected !== undefined) return false;
  return [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])].every(optionsOnly);
}

/** Checks of a question's constraint, choice filter, group and id lengths. */
function checkOwnConditions(
  q: Question,
  i: number,
  def: FlowDefinition,
  position: ReadonlyMap<string, number>,
  add: (q: string, m: string) => void,
): void {
  const conditions: [string, Condition | undefined][] = [
    ['condition', q.when],
    ['constraint', q.constraint],
    ['choice filter', 'choiceFilter' in q ? q.choiceFilter : undefined],
  ];
  for (const [what, cond] of conditions) {
    if (!cond) continue;
    if (what !== 'condition') {
      for (const ref of referencedQuestions(cond)) {
        const at = position.get(ref);
        if (at === undefined) add(q.id, `${what} refers to unknown question "${ref}"`);
        // A constraint reads the answer being given; everything else only what came before.
        else if (at > i || (at === i && what !== 'constraint'))
          add(q.id, `${what} refers to "${ref}", which does not come before it`);
      }
      checkConditionValues(q.id, cond, def, add);
    }
    const columns = [...new Set(referencedColumns(cond))];
    if (columns.length > 0 && what !== 'choice filter') add(q.id, `a ${what} cannot read choice columns`);
    if (what === 'choice filter' && (q.type === 'single' || q.type === 'multi' || q.type === 'ranking')) {
      for (const column of columns.filter((c) => c !== 'name')) {
        const lacking = (q.type === 'ranking' ? (q.items ?? []) : q.options).filter(
          (o) => q.optionData?.[o]?.[column] === undefined,
        );
        if (lacking.length > 0)
          add(q.id, `choice filter reads column "${column}", which option "${lacking[0]}" does not have`);
      }
    }
    for (const pattern of patternsOf(cond)) {
      try {
        new RegExp(pattern);
      } catch (error) {
        add(q.id, `${what}: regex "${pattern}" is not a valid pattern (${(error as Error).message})`);
      }
    }
  }
  if (META_TYPES.has(q.type) && (q.required || q.constraint || q.hint || q.group)) {
    add(q.id, `a ${q.type} question takes no required, constraint, hint or group`);
  }
  if (q.group && position.has(q.group)) add(q.id, `group "${q.group}" has the id of a question`);
  if (q.id.length > MAX_QUESTION_ID) add(q.id, `question id longer than ${MAX_QUESTION_ID} characters`);
  const options =
    q.type === 'single' || q.type === 'multi'
      ? [...q.options, ...(q.type === 'multi' ? q.exclusive : [])]
      : q.type === 'ranking'
        ? (q.items ?? [])
        : [];
  const long = options.find((o) => q.id.length + o.length > MAX_BUTTON_IDS);
  if (long) add(q.id, `question and option ids "${q.id}" + "${long}" are too long for a chat button`);
}

function patternsOf(cond: Condition): string[] {
  const nested = [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])];
  return [...(cond.pattern === undefined ? [] : [cond.pattern]), ...nested.flatMap(patternsOf)];
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
  if (cond.selected !== undefined) {
    const literal = cond.option && 'value' in cond.option ? [String(cond.option.value)] : [];
    checkConditionValues(id, { q: cond.selected, selectedAny: literal }, def, add);
    const target = def.questions.find((q) => q.id === cond.selected);
    if (target && literal.length === 0 && target.type !== 'single' && target.type !== 'multi')
      add(id, `selected() reads "${cond.selected}", a ${target.type} question`);
  }
  for (const op of [cond.left, cond.right]) {
    const counted = op && 'countSelected' in op ? op.countSelected : undefined;
    const target = def.questions.find((q) => q.id === counted);
    if (target && target.type !== 'multi' && target.type !== 'ranking')
      add(id, `count-selected() reads "${counted}", a ${target.type} question`);
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
    if (q.hint) keys.push({ question: q.id, key: `${q.id}.hint` });
    if (q.requiredMessage) keys.push({ question: q.id, key: `${q.id}.required_message` });
    if (q.constraintMessage) keys.push({ question: q.id, key: `${q.id}.constraint_message` });
    if (q.group && !keys.some((k) => k.key === `${q.group}.heading`))
      keys.push({ question: q.id, key: `${q.group}.heading` });
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
  warn: (q: string | undefined, m: string) => void,
) {
  const withTexts = Object.keys(resources).filter((lng) => resources[lng]![def.id]);
  const languages = def.languages ?? Object.keys(resources);
  if (languages.length === 0) add(undefined, 'no locale files found');
  const missingIn = (lng: string) =>
    requiredKeys(def).filter(({ key }) => {
      const value = lookup(resources[lng]?.[def.id], key);
      return typeof value !== 'string' || value.trim() === '';
    });
  const where = (lng: string) =>
    def.languages ? `flows/locales/${lng}/${def.id}.json` : `locales/${lng}/${def.id}.json`;
  for (const lng of languages) {
    if (!resources[lng]?.[def.id]) {
      add(undefined, `no texts for language "${lng}" (${where(lng)})`);
      continue;
    }
    for (const { question, key } of missingIn(lng)) add(question, `missing text "${key}" in ${where(lng)}`);
  }
  if (!def.languages) return;
  // The bot's own texts (buttons, hints, refusals) fall back to English in a language it lacks.
  const own = RESPONDENT_NAMESPACES.filter((ns) => resources.en?.[ns]);
  for (const lng of def.languages) {
    const lacking = own.filter((ns) => !resources[lng]?.[ns]);
    if (lacking.length > 0) {
      const files = lacking.map((ns) => `locales/${lng}/${ns}.json`).join(', ');
      warn(
        undefined,
        `language "${lng}": the bot's own texts are missing (${files}); they are shown in English`,
      );
    }
  }
  for (const lng of withTexts.filter((l) => !def.languages!.includes(l))) {
    const missing = missingIn(lng).map((m) => m.key);
    warn(
      undefined,
      missing.length > 0
        ? `language "${lng}" is not offered: ${missing.length} text(s) missing in ${where(lng)}: ${missing.join(', ')}`
        : `language "${lng}" has every text but is not in the flow's languages`,
    );
  }
}
