import { createHash, randomBytes } from 'node:crypto';
import type { AuditLog } from '../store/audit-log.ts';
import type { InviteRefusal, StaffStore } from '../store/staff-store.ts';
import {
  EMPTY_SCOPE,
  samePrincipal,
  type Principal,
  type Role,
  type Scope,
  type StaffMember,
} from './staff.ts';

/** A staff code as typed: 22 characters of base64url (128 random bits). */
const CODE = /^[A-Za-z0-9_-]{22}$/;
const CODE_LIFE_MS = 7 * 86_400_000;

export const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

export interface DirectoryOptions {
  store: StaffStore;
  audit: AuditLog;
  /** ADMIN_TELEGRAM_IDS / ADMIN_DISCORD_IDS: admins by configuration, whatever the store holds. */
  envAdmins?: Principal[];
  clock?: () => number;
  newId?: () => string;
}

export type JoinResult =
  { ok: true; member: StaffMember } | { ok: false; reason: InviteRefusal | 'malformed' | 'already_staff' };

/**
 * Who is staff, with which role: the one place that answers it. Admins named in the environment
 * are staff without being stored (removing them from the environment revokes them at the next
 * start); everyone else joins with a single-use code an admin made. Every change is audited.
 */
export class StaffDirectory {
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly options: DirectoryOptions) {
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? (() => randomBytes(8).toString('hex'));
  }

  /** The active staff member behind an account, or null for a respondent (or a revoked member). */
  async resolve(principal: Principal): Promise<StaffMember | null> {
    const env = this.envAdmin(principal);
    if (env) return env;
    const member = await this.options.store.byPrincipal(principal);
    return member?.status === 'active' ? member : null;
  }

  async get(id: string): Promise<StaffMember | null> {
    const env = (this.options.envAdmins ?? []).map((p) => this.envMember(p)).find((m) => m.id === id);
    return env ?? (await this.options.store.get(id));
  }

  /** Everyone, the environment's admins first. */
  async list(): Promise<StaffMember[]> {
    const env = (this.options.envAdmins ?? []).map((p) => this.envMember(p));
    return [...env, ...(await this.options.store.list())];
  }

  /** A new single-use code; only its hash is stored. */
  async invite(by: string, role: Role, opts: { name?: string; scope?: Scope } = {}): Promise<string> {
    const code = randomBytes(16).toString('base64url');
    const now = this.clock();
    await this.options.store.createInvite({
      codeHash: hashCode(code),
      role,
      scope: opts.scope ?? EMPTY_SCOPE,
      name: opts.name ?? '',
      createdBy: by,
      createdAt: new Date(now),
      expiresAt: new Date(now + CODE_LIFE_MS),
    });
    await this.audit(by, 'staff.invite', undefined, 'ok', { role });
    return code;
  }

  /** `/staff <code>`: the account joins with the code's role, once. */
  async join(code: string, principal: Principal, name: string, locale: string): Promise<JoinResult> {
    const trimmed = code.trim();
    if (!CODE.test(trimmed)) return this.refuseJoin('malformed');
    if (await this.resolve(principal)) return this.refuseJoin('already_staff');
    const taken = await this.options.store.redeemInvite(hashCode(trimmed), new Date(this.clock()));
    if (!taken.ok) return this.refuseJoin(taken.reason);
    const now = new Date(this.clock());
    const member: StaffMember = {
      id: this.newId(),
      name: taken.invite.name || name || taken.invite.role,
      role: taken.invite.role,
      scope: taken.invite.scope,
      principals: [principal],
      locale,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.options.store.create(member);
    await this.audit(member.id, 'staff.join', member.id, 'ok', {
      role: member.role,
      by: taken.invite.createdBy,
    });
    return { ok: true, member };
  }

  /** Adds a member directly (the CLI, an admin's page). */
  async add(
    by: string,
    fields: { name: string; role: Role; scope?: Scope; principals?: Principal[]; locale?: string },
  ): Promise<StaffMember> {
    for (const principal of fields.principals ?? []) {
      if (await this.resolve(principal)) throw new Error(`${principal.channel} account is already staff`);
    }
    const now = new Date(this.clock());
    const member: StaffMember = {
      id: this.newId(),
      name: fields.name,
      role: fields.role,
      scope: fields.scope ?? EMPTY_SCOPE,
      principals: fields.principals ?? [],
      locale: fields.locale ?? 'en',
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    await this.options.store.create(member);
    await this.audit(by, 'staff.add', member.id, 'ok', { role: member.role });
    return member;
  }

  /** Changes role, scope or name; the environment's admins are changed in the environment only. */
  async change(
    by: string,
    id: string,
    changes: Partial<Pick<StaffMember, 'role' | 'scope' | 'name' | 'locale'>>,
  ): Promise<StaffMember | null> {
    const current = await this.options.store.get(id);
    if (!current) return null;
    const updated: StaffMember = { ...current, ...changes, updatedAt: new Date(this.clock()) };
    await this.options.store.update(updated);
    const details: Record<string, string> = {};
    if (changes.role && changes.role !== current.role) details.role = `${current.role}->${changes.role}`;
    if (changes.scope) details.scope = 'changed';
    await this.audit(by, 'staff.change', id, 'ok', details);
    return updated;
  }

  /** Revoked members lose every right at their next update or page. */
  async revoke(by: string, id: string): Promise<boolean> {
    const current = await this.options.store.get(id);
    if (!current || current.status === 'revoked') return false;
    await this.options.store.update({ ...current, status: 'revoked', updatedAt: new Date(this.clock()) });
    await this.audit(by, 'staff.revoke', id, 'ok');
    return true;
  }

  private envAdmin(principal: Principal): StaffMember | null {
    const found = (this.options.envAdmins ?? []).find((p) => samePrincipal(p, principal));
    return found ? this.envMember(found) : null;
  }

  /** An environment admin as a member: its id is a hash, so ids in the audit log say no account. */
  private envMember(principal: Principal): StaffMember {
    const id = `env-${createHash('sha256').update(`${principal.channel}:${principal.user}`).digest('hex').slice(0, 12)}`;
    const epoch = new Date(0);
    return {
      id,
      name: `admin (${principal.channel})`,
      role: 'admin',
      scope: EMPTY_SCOPE,
      principals: [principal],
      locale: 'en',
      status: 'active',
      fromEnvironment: true,
      createdAt: epoch,
      updatedAt: epoch,
    };
  }

  private async refuseJoin(reason: Exclude<JoinResult, { ok: true }>['reason']): Promise<JoinResult> {
    await this.audit('anonymous', 'staff.join', undefined, 'refused', { reason });
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
      at: new Date(this.clock()),
      actor,
      action,
      ...(target ? { target } : {}),
      outcome,
      ...(details && Object.keys(details).length ? { details } : {}),
    });
  }
}
