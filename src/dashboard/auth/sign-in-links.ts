import { createHash, randomBytes } from 'node:crypto';
import { BoundedMap } from '../../bounded-map.ts';
import type { StaffDirectory } from '../../staff/directory.ts';
import type { StaffMember } from '../../staff/staff.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import type { LinkStore } from './link-store.ts';

/** A link works once, for ten minutes. */
export const LINK_LIFE_MS = 10 * 60_000;
/** Links a staff member may ask for in chat within LINK_WINDOW_MS (the shell's are not counted). */
export const LINKS_PER_WINDOW = 5;
export const LINK_WINDOW_MS = 15 * 60_000;
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
  /** When each member last asked for links in chat, within the window. */
  private readonly requested = new BoundedMap<string, number[]>(10_000);

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

  /**
   * A link asked for in chat: at most LINKS_PER_WINDOW per member in LINK_WINDOW_MS (in this
   * process), so a stolen chat account cannot mint links in a loop. Refused requests are audited.
   */
  async request(
    member: StaffMember,
  ): Promise<{ ok: true; url: string } | { ok: false; retryMinutes: number }> {
    const now = (this.options.clock ?? Date.now)();
    const recent = (this.requested.get(member.id) ?? []).filter((at) => now - at < LINK_WINDOW_MS);
    if (recent.length >= LINKS_PER_WINDOW) {
      this.requested.set(member.id, recent);
      await this.audit(member.id, 'dashboard.link', member.id, 'refused', { reason: 'too_many' });
      return {
        ok: false,
        retryMinutes: Math.max(1, Math.ceil((recent[0]! + LINK_WINDOW_MS - now) / 60_000)),
      };
    }
    this.requested.set(member.id, [...recent, now]);
    return { ok: true, url: await this.issue(member, member.id) };
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
