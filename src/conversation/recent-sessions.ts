import { BoundedMap } from '../bounded-map.ts';
import type { Session } from '../engine/session.ts';
import { isCorrupt, type CorruptSession, type SessionStore } from '../store/session-store.ts';

/**
 * A session store that remembers the sessions this process last read or wrote, by key, so a
 * turn can start from the one it wrote itself instead of reading it back: a store round trip and
 * a parse less per turn. What `peek` returns is only a guess (another replica may have moved the
 * session on since): a turn started from it counts only when its compare-and-set succeeds, and
 * is done again from the store otherwise. Sessions are never changed in place (the engine makes
 * new ones), so a remembered session is shared, not copied.
 */
export class RecentSessions implements SessionStore {
  private readonly recent: BoundedMap<string, Session>;

  constructor(
    private readonly store: SessionStore,
    capacity = 10_000,
  ) {
    this.recent = new BoundedMap(capacity);
  }

  /** The session as this process last saw it, if it remembers it; it may be out of date. */
  peek(key: string): Session | undefined {
    return this.recent.get(key);
  }

  async get(key: string): Promise<Session | CorruptSession | null> {
    const stored = await this.store.get(key);
    if (stored && !isCorrupt(stored)) this.recent.set(key, stored);
    else this.recent.delete(key);
    return stored;
  }

  async put(key: string, session: Session, expected: number | null): Promise<boolean> {
    const written = await this.store.put(key, session, expected);
    // A write that lost to another one: what is remembered may be older than the store's.
    if (!written) this.recent.delete(key);
    else if ((this.recent.get(key)?.version ?? -1) < session.version) this.recent.set(key, session);
    return written;
  }

  async delete(key: string, expected?: number): Promise<boolean> {
    this.recent.delete(key);
    return this.store.delete(key, expected);
  }

  idle(before: number, limit: number): Promise<{ key: string; session: Session }[]> {
    return this.store.idle(before, limit);
  }

  markArchived(key: string, version: number): Promise<void> {
    return this.store.markArchived(key, version);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
