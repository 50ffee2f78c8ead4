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
   * The matching responses in order of start (then id), read one at a time from a database
   * cursor or the file, so a report over 100,000 responses holds one response, not all of them.
   */
  scan(filter?: ResponseFilter): AsyncIterable<ResponseRecord>;
  /** The same responses' heads: cheap enough to pick one response per respondent first. */
  scanHeads(filter?: ResponseFilter): AsyncIterable<ResponseHead>;
  deleteByRespondent(respondent: string): Promise<number>;
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
  close(): Promise<void>;
}

/** Whether a record matches a filter; shared by the embedded stores. */
export function matches(
  record: Pick<ResponseRecord, keyof ResponseFilter>,
  filter: ResponseFilter = {},
): boolean {
  return (Object.keys(filter) as (keyof ResponseFilter)[]).every(
    (k) => filter[k] === undefined || record[k] === filter[k],
  );
}

/** The order `scan` yields in: by start, then id. */
export function byStart(
  a: Pick<ResponseRecord, 'startedAt' | 'id'>,
  b: Pick<ResponseRecord, 'startedAt' | 'id'>,
): number {
  return a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Everything an iterable yields, for the few callers that want a small result whole. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
