/**
 * The people a campaign invites by e-mail: personal data (name, address, organisation), erasable
 * by e-mail address or, once they started, by respondent pseudonym; never logged. One invitee per
 * campaign and e-mail address: importing the address again merges into the same invitee.
 */
export interface Invitee {
  campaign: string;
  /** Lower-cased, trimmed. Stored sealed: its keyed hash here, the address in `sealedEmail`. */
  email: string;
  /** Only in storage: the address sealed, when `email` holds its keyed hash (src/privacy). */
  sealedEmail?: string;
  name: string;
  language: string;
  /** ISO 3166 alpha-2. */
  country?: string;
  organisation?: string;
  /** The CSV's other columns, by header. */
  attributes: Record<string, string>;
  /** Their personal invitation token (an invitation of one use in the invitation store). */
  token: string;
  /** Staff member id of the coordinator who added them. */
  coordinator?: string;
  /** The pseudonym of the respondent who started with their token. */
  respondent?: string;
  /** They asked for no more e-mail (the unsubscribe link or header). */
  unsubscribedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface InviteeStore {
  /**
   * Adds an invitee, or merges into the one of the same campaign and address: given fields and
   * attributes replace theirs, their token and dates stay. Returns the stored invitee.
   */
  upsert(invitee: Invitee): Promise<{ invitee: Invitee; added: boolean }>;
  /**
   * `upsert` of a batch (an import writes its rows so, a few round trips per batch rather than
   * per row); the addresses are distinct. The results are in the invitees' order.
   */
  upsertMany(invitees: readonly Invitee[]): Promise<{ invitee: Invitee; added: boolean }[]>;
  get(campaign: string, email: string): Promise<Invitee | null>;
  /** `get` of many addresses at once: those found, by their normalised address (`normalEmail`). */
  getMany(campaign: string, emails: readonly string[]): Promise<Map<string, Invitee>>;
  byToken(token: string): Promise<Invitee | null>;
  /** A campaign's invitees ordered by the stored address (its keyed hash when sealed), streamed. */
  scan(campaign: string): AsyncIterable<Invitee>;
  count(campaign: string): Promise<number>;
  /** Notes who started with the token; false when no invitee has it. */
  linkRespondent(token: string, respondent: string): Promise<boolean>;
  unsubscribe(token: string, at: Date): Promise<boolean>;
  /** Erases every invitee with this address, in every campaign. */
  deleteByEmail(email: string): Promise<number>;
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}

/** The stored invitees as they are (sealed when sealing is on), for sealing them again with another key. */
export interface InviteeRows {
  /** Stored invitees whose id (`inviteeId`) sorts after `after` ('' for the first), in id order, at most `limit`. */
  rows(after: string, limit: number): Promise<Invitee[]>;
  /**
   * Replaces the stored invitee `expected` by `next`, under next's own id (another one when an
   * address stored in clear gets its hash), if it still reads as when it was read: same update
   * time, name, respondent and unsubscription. False when it changed or was erased meanwhile:
   * nothing erased comes back, nothing done meanwhile is undone.
   */
  replace(expected: Invitee, next: Invitee): Promise<boolean>;
  /** Once invitees were replaced: no copy of a replaced value stays on disk (the embedded file appends). */
  compact(): Promise<void>;
}

/** Whether a stored invitee still reads as `expected` did, for a replacement that must not undo a change. */
export const sameVersion = (stored: Invitee, expected: Invitee): boolean =>
  stored.updatedAt.getTime() === expected.updatedAt.getTime() &&
  stored.name === expected.name &&
  stored.respondent === expected.respondent &&
  stored.unsubscribedAt?.getTime() === expected.unsubscribedAt?.getTime();

export const inviteeId = (campaign: string, email: string) => `${campaign}:${normalEmail(email)}`;

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** The merge of an import row into a stored invitee: the row's values win, identity stays. */
export function mergeInvitee(stored: Invitee, row: Invitee): Invitee {
  return {
    ...stored,
    name: row.name || stored.name,
    language: row.language || stored.language,
    ...(row.country ? { country: row.country } : {}),
    ...(row.organisation ? { organisation: row.organisation } : {}),
    attributes: { ...stored.attributes, ...row.attributes },
    updatedAt: row.updatedAt,
  };
}
