import { z } from 'zod';

/** A stored answer: the respondent declined, or gave a value keyed by stable ids. */
export const AnswerSchema = z.union([
  z.strictObject({ status: z.literal('declined') }),
  z.strictObject({
    status: z.literal('answered'),
    value: z.unknown(),
    /** Set when the engine filled the answer in itself (a ranking of a single item). */
    auto: z.literal(true).optional(),
  }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

/**
 * What an "other, please specify" answer adds: the text, or `otherDeclined` when the respondent
 * chose not to give it (the choice of "other" stands; only its text is missing).
 */
export interface Specified {
  other?: string;
  otherDeclined?: true;
}

/** Per-type answer values, as stored. */
export type YesNo = 'yes' | 'no';
export interface SingleValue extends Specified {
  option: string;
}
export interface MultiValue extends Specified {
  options: string[];
}
/** Items neither in `order` nor in `na` were left unranked (the respondent said so). */
export interface RankingValue extends Specified {
  order: string[];
  na: string[];
}
export type AmountValue = { amount: number; currency: string } | { dontKnow: true } | { noBudgetLine: true };
/** A free-text answer: the text, a fixed answer button (`{ option }`), or the text with its links. */
export type TextValue = string | { option: string } | { text: string; links: string[] };
/** A country with its UN M49 region and sub-region; responses from flow version 1 hold the bare code. */
export interface CountryValue {
  code: string;
  region?: string;
  subregion?: string;
}
export type ContactValue =
  { agreed: 'no' } | { agreed: 'yes'; name: string; email?: string; viaChat: boolean; language: string };

/** Partial input for the question being asked (toggles, ranking so far, multi-step answers). */
export const DraftSchema = z.strictObject({
  selected: z.array(z.string()).optional(),
  order: z.array(z.string()).optional(),
  na: z.array(z.string()).optional(),
  history: z.array(z.string()).optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  candidates: z.array(z.string()).optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  viaChat: z.boolean().optional(),
});
export type Draft = z.infer<typeof DraftSchema>;

/** The shape sessions are stored in now; older ones are migrated when read (MIGRATIONS). */
export const SESSION_SCHEMA_VERSION = 2;

export const SessionSchema = z.strictObject({
  schema: z.literal(SESSION_SCHEMA_VERSION),
  id: z.string().min(1),
  flowId: z.string(),
  flowVersion: z.number().int(),
  locale: z.string(),
  status: z.enum(['active', 'completed', 'withdrawn']),
  /** The question being asked, by id (never a position: editing a flow must not shift sessions). */
  current: z.string().nullable(),
  step: z.string(),
  draft: DraftSchema.nullable(),
  answers: z.record(z.string(), AnswerSchema),
  /** Questions answered on the way here, in order; `back` pops from it. */
  path: z.array(z.string()),
  /** Incremented on every change: compare-and-set and stale buttons check it. */
  version: z.number().int().min(0),
  startedAt: z.number(),
  updatedAt: z.number(),
  promptedAt: z.number(),
  /** Milliseconds spent on each question, summed over visits. */
  durations: z.record(z.string(), z.number()),
  /** Set by the conversation service (channel, invitation...); the engine never reads it. */
  meta: z.record(z.string(), z.string()),
  /**
   * The ids of the last platform events applied to this session, newest last (the conversation
   * service's; the engine never reads it): an event delivered again is applied once.
   */
  applied: z.array(z.string()).max(32),
});
export type Session = z.infer<typeof SessionSchema>;

type Stored = Record<string, unknown>;

/**
 * How stored session JSON of each earlier schema version becomes the next one, applied in order
 * when it is read (grammY's session `migrations`); the next write stores the current version.
 */
const MIGRATIONS: Record<number, (old: Stored) => Stored> = {
  // Version 2 keeps the events applied as a list of its own instead of a space-separated meta text.
  1: (old) => {
    const { applied, ...meta } = (old.meta ?? {}) as Record<string, string>;
    return { ...old, schema: 2, meta, applied: (applied ?? '').split(' ').filter(Boolean) };
  },
};

/**
 * Reads stored session JSON of any known schema version, migrating older versions. Returns null
 * for data that cannot be read or migrated, so the caller can replace it and tell the respondent.
 */
export function parseSession(data: unknown): Session | null {
  let value = data as Stored | null;
  while (value && typeof value === 'object' && typeof value.schema === 'number') {
    if (value.schema === SESSION_SCHEMA_VERSION) break;
    const migrate = MIGRATIONS[value.schema];
    if (!migrate) return null;
    value = migrate(value);
  }
  const parsed = SessionSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
