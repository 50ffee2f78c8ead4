/**
 * Staff: the people who run a survey, as the bot knows them. A principal is one account on one
 * platform; a staff member has one role, optionally scoped to campaigns or regions (an empty
 * scope means all of them), and may sign in from several accounts.
 */
export const ROLES = ['admin', 'coordinator', 'interviewer'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_CHANNELS = ['telegram', 'discord'] as const;
export type StaffChannel = (typeof STAFF_CHANNELS)[number];

export interface Principal {
  channel: StaffChannel;
  /** The platform's user id (Telegram user id, Discord snowflake). */
  user: string;
}

export interface Scope {
  /** Campaign ids; empty: every campaign. */
  campaigns: string[];
  /** UN M49 region codes or ISO country codes; empty: everywhere. */
  regions: string[];
}

export interface StaffMember {
  id: string;
  name: string;
  role: Role;
  scope: Scope;
  principals: Principal[];
  /** The language of the staff member's messages and pages. */
  locale: string;
  status: 'active' | 'revoked';
  /** Admins from ADMIN_TELEGRAM_IDS / ADMIN_DISCORD_IDS: defined by the environment, not stored. */
  fromEnvironment?: true;
  createdAt: Date;
  updatedAt: Date;
}

/** A single-use code that makes whoever sends `/staff <code>` a staff member with this role. */
export interface StaffInvite {
  /** SHA-256 of the code: a dump of the store holds no usable code. */
  codeHash: string;
  role: Role;
  scope: Scope;
  /** Shown as the member's name until they change it. */
  name: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

export const EMPTY_SCOPE: Scope = { campaigns: [], regions: [] };

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.channel === b.channel && a.user === b.user;
}
