import { createHash, randomBytes } from 'node:crypto';
import type { StaffDirectory } from '../../staff/directory.ts';
import type { StaffMember } from '../../staff/staff.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import type { StaffSessionStore } from './session-store.ts';

/** However active, a session ends after this long: a lost laptop is not signed in for ever. */
export const SESSION_MAX_MS = 12 * 3600_000;

const hashOf = (cookie: string) => createHash('sha256').update(cookie).digest('hex');
const COOKIE = /^[A-Za-z0-9_-]{43}$/;

export type Checked =
  | { ok: true; member: StaffMember; session: string; csrf: string }
  | { ok: false; reason: 'none' | 'expired' | 'revoked' };

/**
 * Signed-in browsers: a random cookie value names a server-side session (stored by its hash),
 * renewed by every request and ended after `idleMs` without one. The member behind a session is
 * read from the staff directory on every request, so a revoked member or a changed role counts
 * at once.
 */
export class StaffAuth {
  private readonly clock: () => number;

  constructor(
    private readonly options: {
      sessions: StaffSessionStore;
      directory: StaffDirectory;
      audit: AuditLog;
      idleMs: number;
      clock?: () => number;
    },
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** A new session for `member`; resolves to the cookie's value. */
  async start(member: StaffMember): Promise<string> {
    const cookie = randomBytes(32).toString('base64url');
    await this.options.sessions.create(
      hashOf(cookie),
      { member: member.id, createdAt: this.clock(), csrf: randomBytes(24).toString('base64url') },
      this.options.idleMs,
    );
    return cookie;
  }

  /**
   * Who a cookie signs in, if anyone; a revoked member's sessions are ended and the refusal
   * audited. `renew`: the request is a person's, so the idle time starts again.
   */
  async check(cookie: string | undefined, renew = true): Promise<Checked> {
    if (!cookie || !COOKIE.test(cookie)) return { ok: false, reason: 'none' };
    const id = hashOf(cookie);
    const session = await this.options.sessions.read(id, renew ? this.options.idleMs : null);
    if (!session) return { ok: false, reason: 'expired' };
    if (this.clock() - session.createdAt > SESSION_MAX_MS) {
      await this.options.sessions.delete(id);
      return { ok: false, reason: 'expired' };
    }
    const member = await this.options.directory.get(session.member);
    if (member?.status !== 'active') {
      await this.options.sessions.deleteAllOf(session.member);
      await this.options.audit.append({
        at: new Date(this.clock()),
        actor: session.member,
        action: 'dashboard.session',
        target: session.member,
        outcome: 'refused',
        details: { reason: 'revoked' },
      });
      return { ok: false, reason: 'revoked' };
    }
    return { ok: true, member, session: id, csrf: session.csrf };
  }

  async end(session: string): Promise<void> {
    await this.options.sessions.delete(session);
  }

  /** Signs a member out of every browser. */
  async endAll(member: string): Promise<number> {
    return this.options.sessions.deleteAllOf(member);
  }
}
