import type { RedisClient } from '../../store/redis-connection.ts';

/** A signed-in browser: whose, since when, and the token its forms carry (against CSRF). */
export interface StaffSession {
  member: string;
  createdAt: number;
  csrf: string;
}

/**
 * Dashboard sessions by the SHA-256 of their cookie. Each expires after `idleMs` without a
 * request; every request renews it. All of a member's sessions can be ended at once.
 */
export interface StaffSessionStore {
  create(id: string, session: StaffSession, idleMs: number): Promise<void>;
  /**
   * The session, null when it is unknown or idled out; with `renewMs` its idle time restarts
   * (a person's request does, the overview's own polling does not).
   */
  read(id: string, renewMs: number | null): Promise<StaffSession | null>;
  delete(id: string): Promise<void>;
  /** Ends every session of a member; resolves to how many there were. */
  deleteAllOf(member: string): Promise<number>;
}

/** The longest a member's index of sessions is kept: longer than any session lives. */
const INDEX_LIFE_MS = 2 * 86_400_000;

/**
 * In Redis: a hash per session with its idle expiry, and a set of each member's sessions. A
 * session is found by its id alone and its member's set by the member, so the two are in
 * different slots of a Redis Cluster: each transaction touches one key, and the set is written
 * before the session, so no session is ever missing from it (a stale id in it is harmless).
 */
export class RedisStaffSessions implements StaffSessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async create(id: string, session: StaffSession, idleMs: number): Promise<void> {
    const index = this.index(session.member);
    await this.redis.multi().sadd(index, id).pexpire(index, INDEX_LIFE_MS).exec();
    await this.redis
      .multi()
      .hset(
        this.key(id),
        'member',
        session.member,
        'createdAt',
        String(session.createdAt),
        'csrf',
        session.csrf,
      )
      .pexpire(this.key(id), idleMs)
      .exec();
  }

  async read(id: string, renewMs: number | null): Promise<StaffSession | null> {
    const batch = this.redis.multi().hgetall(this.key(id));
    if (renewMs !== null) batch.pexpire(this.key(id), renewMs);
    const replies = await batch.exec();
    const fields = (replies?.[0]?.[1] ?? {}) as Record<string, string>;
    if (!fields.member || !fields.createdAt || !fields.csrf) return null;
    return { member: fields.member, createdAt: Number(fields.createdAt), csrf: fields.csrf };
  }

  async delete(id: string): Promise<void> {
    const member = await this.redis.hget(this.key(id), 'member');
    await this.redis.del(this.key(id));
    if (member) await this.redis.srem(this.index(member), id);
  }

  async deleteAllOf(member: string): Promise<number> {
    const ids = await this.redis.smembers(this.index(member));
    // One DEL per session: their keys are spread over the slots of a cluster.
    const removed = await Promise.all(ids.map((id) => this.redis.del(this.key(id))));
    await this.redis.del(this.index(member));
    return removed.reduce((sum, n) => sum + n, 0);
  }

  private key(id: string): string {
    return `${this.prefix}dashboard:session:${id}`;
  }

  private index(member: string): string {
    return `${this.prefix}dashboard:sessions-of:${member}`;
  }
}

/** Embedded: in this process (one process serves the dashboard without Redis). */
export class MemoryStaffSessions implements StaffSessionStore {
  private readonly sessions = new Map<string, { session: StaffSession; expiresAt: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async create(id: string, session: StaffSession, idleMs: number): Promise<void> {
    this.sweep();
    this.sessions.set(id, { session: { ...session }, expiresAt: this.clock() + idleMs });
  }

  async read(id: string, renewMs: number | null): Promise<StaffSession | null> {
    const entry = this.sessions.get(id);
    if (!entry || entry.expiresAt <= this.clock()) {
      this.sessions.delete(id);
      return null;
    }
    if (renewMs !== null) entry.expiresAt = this.clock() + renewMs;
    return { ...entry.session };
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async deleteAllOf(member: string): Promise<number> {
    let count = 0;
    for (const [id, entry] of this.sessions) {
      if (entry.session.member !== member) continue;
      this.sessions.delete(id);
      if (entry.expiresAt > this.clock()) count++;
    }
    return count;
  }

  /** Idled-out sessions are dropped as new ones come, so memory holds the live ones only. */
  private sweep(): void {
    const now = this.clock();
    for (const [id, entry] of this.sessions) if (entry.expiresAt <= now) this.sessions.delete(id);
  }
}
