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

export interface ResponseStore {
  /** Inserts or replaces by id; a partial record never replaces a complete one. */
  save(record: ResponseRecord): Promise<void>;
  get(id: string): Promise<ResponseRecord | null>;
  list(filter?: ResponseFilter): Promise<ResponseRecord[]>;
  /**
   * One respondent's responses to one flow, oldest first: what a respondent without a session has
   * already given (one respondent is one response). An indexed lookup, read at every new session.
   */
  byRespondent(respondent: string, flowId: string): Promise<ResponseRecord[]>;
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
export function matches(record: ResponseRecord, filter: ResponseFilter = {}): boolean {
  return (Object.keys(filter) as (keyof ResponseFilter)[]).every(
    (k) => filter[k] === undefined || record[k] === filter[k],
  );
}
