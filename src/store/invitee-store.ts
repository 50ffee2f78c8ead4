/**
 * The people a campaign invites by e-mail: personal data (name, address, organisation), erasable
 * by e-mail address or, once they started, by respondent pseudonym; never logged. One invitee per
 * campaign and e-mail address: importing the address again merges into the same invitee.
 */
export interface Invitee {
  campaign: string;
  /** Lower-cased, trimmed. */
  email: string;
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
  get(campaign: string, email: string): Promise<Invitee | null>;
  byToken(token: string): Promise<Invitee | null>;
  /** A campaign's invitees ordered by e-mail, streamed. */
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
