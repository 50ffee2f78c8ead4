import { createHash, randomBytes } from 'node:crypto';
import type { StaffDirectory } from '../../staff/directory.ts';
import type { StaffMember } from '../../staff/staff.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import type { LinkStore } from './link-store.ts';

/** A link works once, for ten minutes. */
export const LINK_LIFE_MS = 10 * 60_000;
/** A token as it appears in a link: 43 characters of base64url (256 random bits). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type Redeemed =
  { ok: true; member: StaffMember } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/**
 * One-time sign-in links to the dashboard: the only way in (there are no passwords). The bot
 * (`/dashboard`) and the CLI (`login-link`) make them; opening one and confirming signs in.
 * Every link made and every sign-in, refused or not, is audited.
 */
export class SignInLinks {
  constructor(
    private readonly options: {
      store: LinkStore;
      directory: StaffDirectory;
      audit: AuditLog;
      /** The dashboard's public address, e.g. https://survey.example.org/dashboard */
      baseUrl: string;
      clock?: () => number;
    },
  ) {}

  /** A new link for `member`, made at the request of `by` (the member themself, or `cli`). */
  async issue(member: StaffMember, by: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.options.store.put(hashOf(token), member.id, LINK_LIFE_MS);
    await this.audit(by, 'dashboard.link', member.id, 'ok');
    return `${this.options.baseUrl.replace(/\/+$/, '')}/signin/${token}`;
  }

  /** Takes a link's token (once) and says whose it was, if it still may sign in. */
  async redeem(token: string): Promise<Redeemed> {
    if (!TOKEN.test(token)) return this.refuse('malformed');
    const id = await this.options.store.take(hashOf(token));
    if (!id) return this.refuse('unknown');
    const member = await this.options.directory.get(id);
    if (member?.status !== 'active') return this.refuse('revoked', id);
    await this.audit(member.id, 'dashboard.signin', member.id, 'ok');
    return { ok: true, member };
  }

  private async refuse(reason: 'malformed' | 'unknown' | 'revoked', member?: string): Promise<Redeemed> {
    await this.audit(member ?? 'anonymous', 'dashboard.signin', member, 'refused', { reason });
    return { ok: false, reason };
  }

  private async audit(
    actor: string,
    action: string,
    target: string | undefined,
    outcome: 'ok' | 'refused',
    details?: Record<string, string>,
  ): Promise<void> {
    await this.options.audit.append({
      at: new Date((this.options.clock ?? Date.now)()),
      actor,
      action,
      ...(target ? { target } : {}),
      outcome,
      ...(details ? { details } : {}),
    });
  }
}
