/**
 * What staff did with personal data and with each other's rights: sign-ins, views and exports of
 * personal data, role changes, erasures. Append-only, kept apart from the data it describes, and
 * never holding that data: who, when, what kind of thing, which record, and how it ended.
 */
export interface AuditEntry {
  /** Time-ordered: `<ms since epoch, base 36, fixed width>-<random>`. */
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

export function auditId(at: Date, random: string): string {
  return `${at.getTime().toString(36).padStart(9, '0')}-${random}`;
}
