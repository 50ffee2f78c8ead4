import { parseSession, type Session } from '../engine/session.ts';
import type { CorruptSession, SessionStore } from './session-store.ts';

interface Entry {
  json: string;
  /** Null for data whose version could not be read (written behind the store's back). */
  version: number | null;
  archived: boolean;
}

/**
 * In-process session store: the embedded default for one process (the terminal chat, tests).
 * Sessions are kept as JSON so that callers never share objects with the store.
 */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();

  async get(key: string, known?: Session): Promise<Session | CorruptSession | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (known && entry.version === known.version) return known;
    return read(entry.json) ?? { corrupt: true, version: entry.version };
  }

  async put(key: string, session: Session, expected: number | null): Promise<boolean> {
    const current = this.entries.get(key);
    if ((current?.version ?? null) !== expected) return false;
    this.entries.set(key, { json: JSON.stringify(session), version: session.version, archived: false });
    return true;
  }

  async swap(
    key: string,
    session: Session,
    expected: number | null,
  ): Promise<true | Session | CorruptSession | null> {
    return (await this.put(key, session, expected)) ? true : this.get(key);
  }

  async delete(key: string, expected?: number): Promise<boolean> {
    const current = this.entries.get(key);
    if (!current || (expected !== undefined && current.version !== expected)) return false;
    return this.entries.delete(key);
  }

  async idle(before: number, limit: number): Promise<{ key: string; session: Session }[]> {
    const found: { key: string; session: Session }[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.archived) continue;
      const session = read(entry.json);
      if (session && session.updatedAt < before) found.push({ key, session });
    }
    return found.sort((a, b) => a.session.updatedAt - b.session.updatedAt).slice(0, limit);
  }

  async markArchived(key: string, version: number): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.version === version) entry.archived = true;
  }

  async countActive(): Promise<number> {
    let count = 0;
    for (const entry of this.entries.values()) if (!entry.archived) count++;
    return count;
  }

  /** Test hook: stores raw data under a key, as a corrupted or foreign write would. */
  putRaw(key: string, json: string, version: number | null): void {
    this.entries.set(key, { json, version, archived: false });
  }

  async close(): Promise<void> {}
}

function read(json: string): Session | null {
  try {
    return parseSession(JSON.parse(json));
  } catch {
    return null;
  }
}
