import { join } from 'node:path';
import { samePrincipal, type Principal, type StaffInvite, type StaffMember } from '../staff/staff.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import { holds, type SealedSwap, type SealedValues } from './sealed-swap.ts';
import type { InviteRefusal, StaffInviteRows, StaffStore } from './staff-store.ts';

type InviteRow = StaffInvite & { id: string; usedAt?: Date };

/** Staff in `<dataDir>/staff.jsonl` and their codes in `staff-invites.jsonl` (one process). */
export class FileStaffStore implements StaffStore, SealedSwap, StaffInviteRows {
  private readonly members: JsonlFile<StaffMember>;
  private readonly invites: JsonlFile<InviteRow>;

  constructor(dataDir: string) {
    this.members = new JsonlFile(join(dataDir, 'staff.jsonl'), (raw) =>
      reviveDates(raw, ['createdAt', 'updatedAt']),
    );
    this.invites = new JsonlFile(join(dataDir, 'staff-invites.jsonl'), (raw) =>
      reviveDates(raw, ['createdAt', 'expiresAt', 'usedAt']),
    );
  }

  async create(member: StaffMember): Promise<void> {
    if (this.members.get(member.id)) throw new Error('staff member already exists');
    await this.members.put(structuredClone(member));
  }

  async get(id: string): Promise<StaffMember | null> {
    const found = typeof id === 'string' ? this.members.get(id) : undefined;
    return found ? structuredClone(found) : null;
  }

  async byPrincipal(principal: Principal): Promise<StaffMember | null> {
    const found = this.members.values().find((m) => m.principals.some((p) => samePrincipal(p, principal)));
    return found ? structuredClone(found) : null;
  }

  async list(): Promise<StaffMember[]> {
    return this.members
      .values()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((m) => structuredClone(m));
  }

  async update(member: StaffMember): Promise<boolean> {
    if (!this.members.get(member.id)) return false;
    await this.members.put(structuredClone(member));
    return true;
  }

  /** Checked and put with no await in between: nothing can change the member in the gap. */
  async swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    const stored = this.members.get(id);
    if (!stored || !holds(stored, expected)) return false;
    await this.members.put({ ...structuredClone(stored), ...next });
    return true;
  }

  async listInvites(): Promise<StaffInvite[]> {
    return this.invites.values().map((row) => {
      const { id, usedAt, ...invite } = structuredClone(row);
      return invite;
    });
  }

  async swapSealedInvite(codeHash: string, expected: SealedValues, next: SealedValues): Promise<boolean> {
    const stored = this.invites.get(codeHash);
    if (!stored || !holds(stored, expected)) return false;
    await this.invites.put({ ...structuredClone(stored), ...next });
    return true;
  }

  async compact(): Promise<void> {
    await Promise.all([this.members.compact(), this.invites.compact()]);
  }

  async createInvite(invite: StaffInvite): Promise<void> {
    if (this.invites.get(invite.codeHash)) throw new Error('staff invitation already exists');
    await this.invites.put({ ...structuredClone(invite), id: invite.codeHash });
  }

  async redeemInvite(codeHash: string, now: Date) {
    // Read and write with no await in between: two redemptions cannot both take the code.
    const row = typeof codeHash === 'string' ? this.invites.get(codeHash) : undefined;
    const reason: InviteRefusal | null = !row
      ? 'unknown'
      : row.usedAt
        ? 'used'
        : row.expiresAt.getTime() <= now.getTime()
          ? 'expired'
          : null;
    if (reason || !row) return { ok: false as const, reason: reason ?? 'unknown' };
    await this.invites.put({ ...row, usedAt: now });
    const { id, usedAt, ...invite } = structuredClone(row);
    return { ok: true as const, invite };
  }

  async close(): Promise<void> {
    await Promise.all([this.members.close(), this.invites.close()]);
  }
}
