import { join } from 'node:path';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import {
  inviteeId,
  mergeInvitee,
  normalEmail,
  sameVersion,
  type Invitee,
  type InviteeRows,
  type InviteeStore,
} from './invitee-store.ts';

type Row = Invitee & { id: string };
type Head = Pick<Row, 'id' | 'campaign' | 'email' | 'token' | 'respondent'>;

const strip = ({ id, ...invitee }: Row): Invitee => invitee;

/** Invitees in `<dataDir>/invitees.jsonl` (one process); memory holds ids, addresses and tokens. */
export class FileInviteeStore implements InviteeStore, InviteeRows {
  private readonly file: JsonlFile<Row, Head>;
  private readonly tokens = new Map<string, string>();

  constructor(dataDir: string) {
    this.file = new JsonlFile<Row, Head>(
      join(dataDir, 'invitees.jsonl'),
      (raw) => reviveDates(raw, ['unsubscribedAt', 'createdAt', 'updatedAt']),
      ({ id, campaign, email, token, respondent }) => ({
        id,
        campaign,
        email,
        token,
        ...(respondent ? { respondent } : {}),
      }),
    );
    for (const head of this.file.values()) this.tokens.set(head.token, head.id);
  }

  async upsert(invitee: Invitee): Promise<{ invitee: Invitee; added: boolean }> {
    const id = inviteeId(invitee.campaign, invitee.email);
    const stored = await this.current(id);
    const row: Row = stored
      ? { ...mergeInvitee(strip(stored), invitee), id }
      : { ...structuredClone(invitee), email: normalEmail(invitee.email), id };
    this.tokens.set(row.token, id);
    await this.file.put(row);
    return { invitee: strip(structuredClone(row)), added: !stored };
  }

  /** Side by side: the file appends the batch's lines at once, with one sync to disk. */
  upsertMany(invitees: readonly Invitee[]): Promise<{ invitee: Invitee; added: boolean }[]> {
    return Promise.all(invitees.map((invitee) => this.upsert(invitee)));
  }

  async getMany(campaign: string, emails: readonly string[]): Promise<Map<string, Invitee>> {
    const found = new Map<string, Invitee>();
    for (const email of emails) {
      if (typeof email !== 'string') continue;
      const invitee = await this.get(campaign, email);
      if (invitee) found.set(normalEmail(email), invitee);
    }
    return found;
  }

  async get(campaign: string, email: string): Promise<Invitee | null> {
    const row = await this.file.read(inviteeId(campaign, email));
    return row ? strip(row) : null;
  }

  async byToken(token: string): Promise<Invitee | null> {
    const id = typeof token === 'string' ? this.tokens.get(token) : undefined;
    const row = id ? await this.file.read(id) : undefined;
    return row ? strip(row) : null;
  }

  async *scan(campaign: string): AsyncIterable<Invitee> {
    for await (const row of this.file.scan(
      (h) => h.campaign === campaign,
      (a, b) => a.email.localeCompare(b.email),
    ))
      yield strip(row);
  }

  async count(campaign: string): Promise<number> {
    return this.file.values().filter((h) => h.campaign === campaign).length;
  }

  async linkRespondent(token: string, respondent: string): Promise<boolean> {
    return this.change(token, (row) => ({ ...row, respondent }));
  }

  async unsubscribe(token: string, at: Date): Promise<boolean> {
    return this.change(token, (row) => ({ ...row, unsubscribedAt: row.unsubscribedAt ?? at }));
  }

  async deleteByEmail(email: string): Promise<number> {
    if (typeof email !== 'string') return 0;
    const address = normalEmail(email);
    return this.remove(this.file.values().filter((h) => h.email === address));
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    return this.remove(this.file.values().filter((h) => h.respondent === respondent));
  }

  async rows(after: string, limit: number): Promise<Invitee[]> {
    const ids = this.file
      .values()
      .map((h) => h.id)
      .filter((id) => id > after)
      .sort()
      .slice(0, limit);
    const rows: Invitee[] = [];
    for (const id of ids) {
      const row = await this.file.read(id);
      if (row) rows.push(strip(row));
    }
    return rows;
  }

  async replace(expected: Invitee, next: Invitee): Promise<boolean> {
    const id = inviteeId(expected.campaign, expected.email);
    const row = await this.current(id);
    // One process: from this check to the writes below nothing else runs.
    if (!row || !sameVersion(row, expected)) return false;
    const nextId = inviteeId(next.campaign, next.email);
    this.tokens.set(next.token, nextId);
    await Promise.all([
      this.file.put({ ...structuredClone(next), id: nextId }),
      ...(nextId === id ? [] : [this.file.delete([id])]),
    ]);
    return true;
  }

  compact(): Promise<void> {
    return this.file.compact();
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /**
   * The stored row as it is now. Reading it waits on the disk, where an erasure or another write
   * can come in (each leaves another head, or none): then it is read again. Callers write what
   * they make of it with no await in between, so no erasure or write is undone.
   */
  private async current(id: string): Promise<Row | undefined> {
    for (;;) {
      const head = this.file.get(id);
      if (!head) return undefined;
      const row = await this.file.read(id);
      if (this.file.get(id) === head) return row;
    }
  }

  private async change(token: string, edit: (row: Row) => Row): Promise<boolean> {
    const id = typeof token === 'string' ? this.tokens.get(token) : undefined;
    const row = id ? await this.current(id) : undefined;
    if (!row) return false;
    await this.file.put(edit(row));
    return true;
  }

  private async remove(heads: Head[]): Promise<number> {
    for (const h of heads) this.tokens.delete(h.token);
    await this.file.delete(heads.map((h) => h.id));
    return heads.length;
  }
}
