import { BoundedMap } from '../bounded-map.ts';
import type { Session } from '../engine/session.ts';
import { isCorrupt, type CorruptSession, type SessionStore } from '../store/session-store.ts';

/**
 * A session store that remembers the sessions this process last read or wrote, by key, and
 * reads with it: when the store still holds that version, the remembered session is used
 * without its data being sent and parsed again (about a quarter of the bytes a Telegram update
 * used to allocate); when another replica moved the session on, the store's is read in the same
 * round trip. Sessions are never changed in place (the engine makes new ones), so a remembered
 * session is shared, not copied. Bounded: 10,000 sessions are a few tens of MB at most.
 */
export class RecentSessions implements SessionStore {
  private readonly recent: BoundedMap<string, Session>;

  constructor(
    private readonly store: SessionStore,
    capacity = 10_000,
  ) {
    this.recent = new BoundedMap(capacity);
  }

  async get(key: string): Promise<Session | CorruptSession | null> {
    const stored = await this.store.get(key, this.recent.get(key));
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

  /** The session this process last read or wrote under `key`, which the store may since have moved on from. */
  remembered(key: string): Session | undefined {
    return this.recent.get(key);
  }

  /** `put`; when it loses, what the store holds now, remembered as `get` would. */
  async swap(
    key: string,
    session: Session,
    expected: number | null,
  ): Promise<true | Session | CorruptSession | null> {
    if (!this.store.swap) {
      if (await this.put(key, session, expected)) return true;
      return this.get(key);
    }
    const result = await this.store.swap(key, session, expected);
    if (result === true) {
      if ((this.recent.get(key)?.version ?? -1) < session.version) this.recent.set(key, session);
    } else if (result && !isCorrupt(result)) this.recent.set(key, result);
    else this.recent.delete(key);
    return result;
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

  countActive(): Promise<number> {
    return this.store.countActive();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
