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
}

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
  ]),
);

const base = { id: Id, when: ConditionSchema.optional() };

export const QuestionSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('language') }),
  z.strictObject({ ...base, type: z.literal('consent') }),
  z.strictObject({ ...base, type: z.literal('yesno') }),
  z.strictObject({
    ...base,
    type: z.literal('single'),
    options: z.array(Id).min(2),
    other: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    type: z.literal('multi'),
    options: z.array(Id).min(2),
    other: z.boolean().default(false),
    exclusive: z.array(Id).default([]),
  }),
  z.strictObject({
    ...base,
    type: z.literal('ranking'),
    items: z.array(Id).min(2).optional(),
    itemsFrom: Id.optional(),
    notApplicable: z.boolean().default(false),
  }),
  z.strictObject({
    ...base,
    type: z.literal('text'),
    minLength: z.number().int().min(1).default(1),
    maxLength: z.number().int().min(1).max(3500).default(2000),
  }),
  z.strictObject({ ...base, type: z.literal('amount') }),
  z.strictObject({ ...base, type: z.literal('country') }),
  z.strictObject({ ...base, type: z.literal('contact') }),
]);

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

export const FlowSchema = z.strictObject({
  id: Id,
  version: z.number().int().min(1),
  responses: ResponsesSchema.default({ perRespondent: 'one', changeAfterCompletion: false }),
  questions: z.array(QuestionSchema).min(1),
});

export type FlowDefinition = z.infer<typeof FlowSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type QuestionType = Question['type'];
export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

/** Question types that set up the conversation rather than ask the survey itself. */
export const META_TYPES: ReadonlySet<QuestionType> = new Set(['language', 'consent']);

/** A flow ready for the engine: the definition plus lookups computed once at load. */
export interface Flow extends FlowDefinition {
  /** Position of each question id in `questions`. */
  index: ReadonlyMap<string, number>;
  /** Number of meta questions (language, consent), which come first and are not counted. */
  metaCount: number;
  /** Question ids each conditional question reads. */
  refs: ReadonlyMap<string, readonly string[]>;
  /** The languages the flow is offered in, first is the fallback. */
  languages: readonly string[];
}

/** Builds the engine's view of a definition that has passed validation. */
export function compileFlow(def: FlowDefinition, languages: readonly string[]): Flow {
  const index = new Map(def.questions.map((q, i) => [q.id, i] as const));
  const metaCount = def.questions.filter((q) => META_TYPES.has(q.type)).length;
  const refs = new Map(
    def.questions.filter((q) => q.when).map((q) => [q.id, referencedQuestions(q.when!)] as const),
  );
  return { ...def, index, metaCount, refs, languages };
}

export function questionAt(flow: Flow, id: string): Question {
  const i = flow.index.get(id);
  if (i === undefined) throw new Error(`unknown question ${id} in flow ${flow.id}`);
  return flow.questions[i]!;
}
