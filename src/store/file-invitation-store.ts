import { join } from 'node:path';
import { refusalFor, TOKEN_PATTERN, type Invitation, type InvitationStore } from './invitation-store.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

type Row = Invitation & { id: string };

/** Invitations in `<dataDir>/invitations.jsonl`: the embedded default (one process). */
export class FileInvitationStore implements InvitationStore {
  private readonly file: JsonlFile<Row>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'invitations.jsonl'), (raw) =>
      reviveDates(raw, ['createdAt', 'expiresAt']),
    );
  }

  async create(invitation: Invitation): Promise<void> {
    if (!TOKEN_PATTERN.test(invitation.token)) throw new Error('invalid invitation token');
    if (this.file.get(invitation.token)) throw new Error('invitation token already exists');
    await this.file.put({ ...structuredClone(invitation), id: invitation.token });
  }

  /** Written side by side: the file appends them at once, with one sync to disk. */
  async createMany(invitations: readonly Invitation[]): Promise<void> {
    for (const { token } of invitations) {
      if (!TOKEN_PATTERN.test(token)) throw new Error('invalid invitation token');
      if (this.file.get(token)) throw new Error('invitation token already exists');
    }
    await Promise.all(invitations.map((i) => this.file.put({ ...structuredClone(i), id: i.token })));
  }

  async get(token: string): Promise<Invitation | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const row = this.file.get(token);
    return row ? strip(row) : null;
  }

  async redeem(token: string, now: Date) {
    // Read and write with no await in between: concurrent redemptions cannot both take the last use.
    const row = TOKEN_PATTERN.test(token) ? this.file.get(token) : undefined;
    const current = row ? strip(row) : null;
    const reason = refusalFor(current, now);
    if (reason || !current) return { ok: false as const, reason: reason ?? 'unknown' };
    const used = { ...current, uses: current.uses + 1 };
    await this.file.put({ ...used, id: token });
    return { ok: true as const, invitation: structuredClone(used) };
  }

  async revoke(token: string): Promise<boolean> {
    const current = await this.get(token);
    if (!current) return false;
    await this.file.put({ ...current, revoked: true, id: token });
    return true;
  }

  async list(): Promise<Invitation[]> {
    return this.file.values().map(strip);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

function strip(row: Row): Invitation {
  const { id, ...invitation } = structuredClone(row);
  return invitation;
}
