import type { Session } from '../engine/session.ts';

/** Stored data that is not a readable session of a known version; replaced, never crash-looped. */
export interface CorruptSession {
  corrupt: true;
  /** The version stored beside the data, so the replacement can still compare-and-set. */
  version: number | null;
}

/**
 * Partial sessions, one per respondent, channel and flow. Every write is a compare-and-set on
 * the session version, so two turns for one respondent can never both win.
 */
export interface SessionStore {
  /**
   * The stored session. Given `known`, a session this process read or wrote before, the store
   * returns `known` itself when it still holds that version, without reading and parsing the
   * data again (the same round trip either way).
   */
  get(key: string, known?: Session): Promise<Session | CorruptSession | null>;
  /**
   * Writes `session` if the stored version equals `expected` (null: nothing stored yet).
   * Returns false, writing nothing, when another write came first.
   */
  put(key: string, session: Session, expected: number | null): Promise<boolean>;
  /**
   * `put` that returns, when another write came first, what is stored now (a session, corrupt
   * data or null), read in the same round trip. Stores without it are read again after `put`.
   */
  swap?(
    key: string,
    session: Session,
    expected: number | null,
  ): Promise<true | Session | CorruptSession | null>;
  /** Removes the session if its version is still `expected`. */
  delete(key: string, expected?: number): Promise<boolean>;
  /** Sessions untouched since `before` (ms epoch) and not yet archived, oldest first. */
  idle(before: number, limit: number): Promise<{ key: string; session: Session }[]>;
  /** Marks a session as archived: `idle` leaves it out until it changes again. */
  markArchived(key: string, version: number): Promise<void>;
  /** How many sessions are in progress: stored and not archived (the staff's overview). */
  countActive(): Promise<number>;
  close(): Promise<void>;
}

export function isCorrupt(value: Session | CorruptSession | null): value is CorruptSession {
  return value !== null && 'corrupt' in value;
}

/**
 * The key of a respondent's session: channel and the platform's user id. One session per
 * respondent and channel, whatever flow it is on (the session names its flow and version).
 */
export function sessionKey(channel: string, user: string): string {
  return `${channel}:${user}`;
}
