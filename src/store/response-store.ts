import type { Answer } from '../engine/session.ts';

/**
 * One respondent's whole response, kept together for horizontal analysis. Answers are stable
 * keys; contact details live in the contact store, linked by `contactId`.
 */
export interface ResponseRecord {
  /** The session id: completing twice updates the same record. */
  id: string;
  flowId: string;
  flowVersion: number;
  locale: string;
  channel: string;
  /** A pseudonym of the platform user (salted hash), so data can be erased on request. */
  respondent: string;
  invitation?: string;
  status: 'complete' | 'partial';
  answers: Record<string, Answer>;
  /** Milliseconds spent per question. */
  durations: Record<string, number>;
  startedAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  contactId?: string;
}

export interface ResponseFilter {
  flowId?: string;
  status?: ResponseRecord['status'];
  channel?: string;
  invitation?: string;
  /** Only responses saved after this time: what changed since a reader last looked. */
  updatedAfter?: Date;
}

/** What the staff's table of responses filters by: a filter, and what only a record shows. */
export interface ResponseQuery extends Omit<ResponseFilter, 'invitation' | 'updatedAfter'> {
  locale?: string;
  /** Responses from one of these invitations (a campaign's); empty: none match. */
  invitations?: string[];
  /** The answer to the flow's country question is one of these ISO codes; empty: none match. */
  country?: { question: string; codes: string[] };
  startedFrom?: Date;
  startedBefore?: Date;
}

/** One page of a query's responses, newest start first, and how many match in all. */
export interface ResponsePage {
  records: ResponseRecord[];
  total: number;
}

/** What decides which of a respondent's responses counts, without the answers. */
export type ResponseHead = Pick<
  ResponseRecord,
  | 'id'
  | 'flowId'
  | 'flowVersion'
  | 'status'
  | 'channel'
  | 'invitation'
  | 'respondent'
  | 'startedAt'
  | 'updatedAt'
>;

export interface ResponseStore {
  /** Inserts or replaces by id; a partial record never replaces a complete one. */
  save(record: ResponseRecord): Promise<void>;
  get(id: string): Promise<ResponseRecord | null>;
  /**
   * One respondent's responses to one flow, oldest first: what a respondent without a session has
   * already given (one respondent is one response). An indexed lookup, read at every new session.
   */
  byRespondent(respondent: string, flowId: string): Promise<ResponseRecord[]>;
  /**
   * The matching responses in order of start (then id), read one at a time from a database
   * cursor or the file, so a report over 100,000 responses holds one response, not all of them.
   */
  scan(filter?: ResponseFilter): AsyncIterable<ResponseRecord>;
  /** The same responses' heads: cheap enough to pick one response per respondent first. */
  scanHeads(filter?: ResponseFilter): AsyncIterable<ResponseHead>;
  /**
   * `limit` responses from the `skip`th on, newest start first (then id), read by an index and
   * a skip/limit on the database rather than all of them: a table's page.
   */
  page(query: ResponseQuery, window: { skip: number; limit: number }): Promise<ResponsePage>;
  deleteByRespondent(respondent: string): Promise<number>;
  /** Removes these responses (retention); how many there were. */
  deleteIds(ids: string[]): Promise<number>;
  close(): Promise<void>;
}

/** Follow-up contact details (q17): personal data, apart from the answers. */
export interface ContactRecord {
  /** Equal to the response id it belongs to. */
  id: string;
  flowId: string;
  respondent: string;
  channel: string;
  /** The platform chat to write to when the respondent chose "contact me in this chat". */
  chat?: string;
  name: string;
  email?: string;
  viaChat: boolean;
  language: string;
  createdAt: Date;
}

export interface ContactStore {
  save(contact: ContactRecord): Promise<void>;
  get(id: string): Promise<ContactRecord | null>;
  list(): Promise<ContactRecord[]>;
  deleteByRespondent(respondent: string): Promise<number>;
  /** Removes these contacts (retention); how many there were. */
  deleteIds(ids: string[]): Promise<number>;
  close(): Promise<void>;
}

const EQUAL_FIELDS = ['flowId', 'status', 'channel', 'invitation'] as const;

/** Whether a record matches a filter; shared by the embedded stores. */
/** A time as kept: a Date in records, milliseconds in the embedded store's heads. */
type Time = Date | number;
const ms = (time: Time) => (typeof time === 'number' ? time : time.getTime());

export function matches(
  record: Pick<ResponseRecord, (typeof EQUAL_FIELDS)[number]> & { updatedAt: Time },
  filter: ResponseFilter = {},
): boolean {
  if (filter.updatedAfter && !(ms(record.updatedAt) > filter.updatedAfter.getTime())) return false;
  return EQUAL_FIELDS.every((k) => filter[k] === undefined || record[k] === filter[k]);
}

/** Whether a record's head passes the parts of a query that heads hold. */
export function headMatches(
  head: Omit<ResponseHead, 'startedAt' | 'updatedAt'> & { startedAt: Time; updatedAt: Time },
  query: ResponseQuery,
): boolean {
  const { flowId, status, channel } = query;
  if (!matches(head, { flowId, status, channel })) return false;
  if (query.invitations && !(head.invitation !== undefined && query.invitations.includes(head.invitation)))
    return false;
  const started = ms(head.startedAt);
  if (query.startedFrom && started < query.startedFrom.getTime()) return false;
  if (query.startedBefore && started >= query.startedBefore.getTime()) return false;
  return true;
}

/** Whether a whole record passes a query. */
export function recordMatches(record: ResponseRecord, query: ResponseQuery): boolean {
  if (!headMatches(record, query)) return false;
  if (query.locale !== undefined && record.locale !== query.locale) return false;
  if (query.country) {
    const code = countryCodeOf(record.answers[query.country.question]);
    if (code === undefined || !query.country.codes.includes(code)) return false;
  }
  return true;
}

/** The ISO code of a country answer, stored as the code itself or as `{ code, region, ... }`. */
export function countryCodeOf(answer: Answer | undefined): string | undefined {
  if (answer?.status !== 'answered') return undefined;
  const value = answer.value as unknown;
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string')
    return (value as { code: string }).code;
  return undefined;
}

/** The order `scan` yields in: by start, then id. */
export function byStart(a: { startedAt: Time; id: string }, b: { startedAt: Time; id: string }): number {
  return ms(a.startedAt) - ms(b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Everything an iterable yields, for the few callers that want a small result whole. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
