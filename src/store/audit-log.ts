import { randomBytes } from 'node:crypto';

/**
 * What staff did with personal data and with each other's rights: sign-ins, views and exports of
 * personal data, role changes, erasures. Append-only, kept apart from the data it describes, and
 * never holding that data: who, when, what kind of thing, which record, and how it ended.
 */
export interface AuditEntry {
  /** Time-ordered: `<ms since epoch>-<sequence in this process>-<random>`, fixed width, base 36. */
  id: string;
  at: Date;
  /** A staff member id, `system`, `cli`, or `anonymous` (a refused sign-in). */
  actor: string;
  /** What was done, such as `staff.invite`, `staff.role`, `response.view`, `signin.refused`. */
  action: string;
  /** The record it was done to (a staff member id, a response id...), never a name or address. */
  target?: string;
  outcome: 'ok' | 'refused';
  /** Codes and counts only. */
  details?: Record<string, string | number | boolean>;
}

export interface AuditQuery {
  /** Entries strictly older than this id (paging backwards). */
  before?: string;
  actor?: string;
  action?: string;
  limit: number;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

let sequence = 0;

/** An id that sorts by time, and within one process by order of appending. */
export function auditId(at: Date): string {
  sequence = (sequence + 1) % 36 ** 5;
  const random = randomBytes(3).toString('hex');
  return `${at.getTime().toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(5, '0')}-${random}`;
}
