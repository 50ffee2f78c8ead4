import { z } from 'zod';
import { referencedQuestions } from './condition.ts';

/** Question and option ids: stable keys stored in every response, so kept to a safe alphabet. */
const Id = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'ids use a-z, 0-9 and _');

export interface Condition {
  q?: string;
  equals?: string;
  selectedAny?: string[];
  answered?: boolean;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  compare?: Comparison;
  left?: Operand;
  right?: Operand;
  selected?: string;
  option?: Operand;
  regex?: Operand;
  pattern?: string;
}

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A value a comparison reads: an answer as XPath sees it ('' when not answered), a literal, a
 * column of the choice being filtered (choice filters only), how many options a multiple-choice
 * answer holds, or the length of a value.
 */
export type Operand =
  | { q: string }
  | { value: string | number }
  | { column: string }
  | { countSelected: string }
  | { length: Operand };

const ColumnName = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'a column name');

export const OperandSchema: z.ZodType<Operand> = z.lazy(() =>
  z.union([
    z.strictObject({ q: Id }),
    z.strictObject({ value: z.union([z.string().max(1000), z.number()]) }),
    z.strictObject({ column: ColumnName }),
    z.strictObject({ countSelected: Id }),
    z.strictObject({ length: OperandSchema }),
  ]),
);

/**
 * Conditions are a closed grammar of data, never code: one comparison on an earlier question,
 * or all/any/not over conditions.
 */
export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ q: Id, equals: z.string() }),
    z.strictObject({ q: Id, selectedAny: z.array(Id).min(1) }),
    z.strictObject({ q: Id, answered: z.boolean() }),
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    z.strictObject({
      compare: z.enum(['=', '!=', '<', '<=', '>', '>=']),
      left: OperandSchema,
      right: OperandSchema,
    }),
    z.strictObject({ selected: Id, option: OperandSchema }),
    z.strictObject({ regex: OperandSchema, pattern: z.string().min(1).max(500) }),
  ]),
);

/** Another wording of a question while a condition holds: its text is `<id>.<text>` (q11 without partners). */
const WordingSchema = z.strictObject({ when: ConditionSchema, text: Id });

const base = {
  id: Id,
  when: ConditionSchema.optional(),
  /** Cannot be declined; `requiredMessage` names the text `<id>.required_message` said instead. */
  required: z.boolean().optional(),
  requiredMessage: z.boolean().optional(),
  /** Checked on the answer (the question's own id stands for it); false refuses the answer. */
  constraint: ConditionSchema.optional(),
  constraintMessage: z.boolean().optional(),
  /** A line of help under the question: the text `<id>.hint`. */
  hint: z.boolean().optional(),
  /** The group the question belongs to: its heading, the text `<group>.heading`, is shown above it. */
  group: Id.optional(),
  /** Other wordings of the question, each while its condition holds. */
  wording: z.array(WordingSchema).default([]),
};

/** Which options a choice question shows: a condition over each option's columns and earlier answers. */
const choiceFiltering = {
  choiceFilter: ConditionSchema.optional(),
  /** Columns of each option that the choice filter reads (`name` is the option id itself). */
  optionData: z.record(Id, z.record(ColumnName, z.string().max(1000))).optional(),
};

export const QuestionSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('language') }),
  z.strictObject({ ...base, type: z.literal('consent') }),
  z.strictObject({ ...base, type: z.literal('yesno') }),
  z.strictObject({
    ...base,
    type: z.literal('single'),
    options: z.array(Id).min(2),
    other: z.boolean().default(false),
    ...choiceFiltering,
  }),
  z.strictObject({
    ...base,
    type: z.literal('multi'),
    options: z.array(Id).min(2),
    other: z.boolean().default(false),
    exclusive: z.array(Id).default([]),
    ...choiceFiltering,
  }),
  z.strictObject({
    ...base,
    type: z.literal('ranking'),
    items: z.array(Id).min(2).optional(),
    itemsFrom: Id.optional(),
    notApplicable: z.boolean().default(false),
    ...choiceFiltering,
    /** Items that ask "please specify" once ranked (q14 "others"); not asked when marked not applicable. */
    specify: z.array(Id).default([]),
  }),
  z.strictObject({
    ...base,
    type: z.literal('text'),
    minLength: z.number().int().min(1).default(1),
    maxLength: z.number().int().min(1).max(3500).default(2000),
    /** Fixed answers offered beside typing (q9 "we met no challenges"), stored as `{ option }`. */
    answers: z.array(Id).default([]),
    /** Also stores the URLs found in the text: the value is `{ text, links }`. */
    links: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    type: z.literal('amount'),
    /** Offers "there is no separate budget line" beside "don't know" (4 of 41 said so in 2013). */
    noBudgetLine: z.boolean().default(false),
  }),
  z.strictObject({ ...base, type: z.literal('country') }),
  z.strictObject({ ...base, type: z.literal('contact') }),
  z.strictObject({ ...base, type: z.literal('integer') }),
  z.strictObject({ ...base, type: z.literal('decimal') }),
  /** A calendar date, stored as YYYY-MM-DD. */
  z.strictObject({ ...base, type: z.literal('date') }),
  /** A text to read, answered by "continue"; nothing is asked. */
  z.strictObject({ ...base, type: z.literal('note') }),
  /** One "OK" to confirm, stored as "OK" (XLSForm's acknowledge). */
  z.strictObject({ ...base, type: z.literal('acknowledge') }),
]);

/**
 * What the consent statement names, per flow: who runs the survey (one name, or one per
 * language), whom to ask (an e-mail address or a URL) and how long the data are kept.
 */
export const ConsentSchema = z.strictObject({
  operator: z.union([z.string().trim().min(1), z.record(z.string(), z.string().trim().min(1))]),
  contact: z.string().trim().min(3).max(200),
  retentionMonths: z.number().int().min(1).max(600),
});

/**
 * How many responses a respondent may give, and whether a complete one may be changed. One
 * respondent is one response unless a flow says otherwise.
 */
export const ResponsesSchema = z.strictObject({
  /** 'many': /restart (confirmed) after completion starts a second response. */
  perRespondent: z.enum(['one', 'many']).default('one'),
  /** The respondent may reopen a complete response and change it (the same record is replaced). */
  changeAfterCompletion: z.boolean().default(false),
});

/**
 * How long personal data of a flow is kept once its survey closes: contact details, and the
 * partial responses of respondents who did not finish. A daily job erases what has expired.
 */
export const RetentionSchema = z.strictObject({
  /** The day the survey closes (YYYY-MM-DD, UTC). */
  closes: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
  /** Days after closing that contact details are kept. */
  contactsDays: z.number().int().min(0).max(3650),
  /** Days after closing that unfinished (partial) responses are kept. */
  unfinishedDays: z.number().int().min(0).max(3650),
});
export type Retention = z.infer<typeof RetentionSchema>;

export const FlowSchema = z.strictObject({
  id: Id,
  version: z.number().int().min(1),
  /**
   * The languages the flow is offered in, the default first. Without it, every language of the
   * bot's locale files, which must then all hold the flow's texts.
   */
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}$/, 'a two- or three-letter language code'))
    .min(1)
    .optional(),
  consent: ConsentSchema.optional(),
  responses: ResponsesSchema.default({ perRespondent: 'one', changeAfterCompletion: false }),
  retention: RetentionSchema.optional(),
  questions: z.array(QuestionSchema).min(1),
});

export type FlowDefinition = z.infer<typeof FlowSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type QuestionType = Question['type'];
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;
export type ConsentSettings = z.infer<typeof ConsentSchema>;

/** Question types that set up the conversation rather than ask the survey itself. */
export const META_TYPES: ReadonlySet<QuestionType> = new Set(['language', 'consent']);

/** A flow ready for the engine: the definition plus lookups computed once at load. */
export interface Flow extends Omit<FlowDefinition, 'languages'> {
  /** Position of each question id in `questions`. */
  index: ReadonlyMap<string, number>;
  /** Number of meta questions (language, consent), which come first and are not counted. */
  metaCount: number;
  /** Question ids each conditional question reads. */
  refs: ReadonlyMap<string, readonly string[]>;
  /** The languages the flow is offered in, first is the fallback. */
  languages: readonly string[];
  /**
   * The i18next namespace of the flow's own texts: its id for the version in `flows/`, and
   * `<id>@<version>` for an earlier version kept for the sessions still on it.
   */
  ns: string;
}

/** Builds the engine's view of a definition that has passed validation. */
export function compileFlow(def: FlowDefinition, languages: readonly string[], ns = def.id): Flow {
  const index = new Map(def.questions.map((q, i) => [q.id, i] as const));
  const metaCount = def.questions.filter((q) => META_TYPES.has(q.type)).length;
  const refs = new Map(
    def.questions.filter((q) => q.when).map((q) => [q.id, referencedQuestions(q.when!)] as const),
  );
  return { ...def, index, metaCount, refs, languages: def.languages ?? languages, ns };
}

export function questionAt(flow: Flow, id: string): Question {
  const i = flow.index.get(id);
  if (i === undefined) throw new Error(`unknown question ${id} in flow ${flow.id}`);
  return flow.questions[i]!;
}
