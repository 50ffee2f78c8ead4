import type { Redis } from 'ioredis';
import { parseSession, type Session } from '../engine/session.ts';
import { UnreadableValue, type Keyring } from '../privacy/keyring.ts';
import type { ReportUnreadable, RotationResult } from '../privacy/sealed-stores.ts';
import type { CorruptSession, SessionStore } from './session-store.ts';

/**
 * Lua scripts run atomically inside Redis, so a compare-and-set cannot interleave with another
 * replica's write. The version is read as a string and compared as one: both sides are written
 * by `String(number)`. Data that is not a hash of ours (a foreign write) or a version that is not
 * a number counts as "no version", as `get` reports it, so the replacement can be written.
 */
const CURRENT_VERSION = `
local kind = redis.call('TYPE', KEYS[1]).ok
local current = false
if kind == 'hash' then current = redis.call('HGET', KEYS[1], 'v') end
if current and not string.match(current, '^%d+$') then current = false end
`;

/**
 * KEYS: session, index. ARGV: expected version ('' = must not exist), version, json, ttl ms,
 * score, member, sealed key ('' when keys are not sealed).
 */
const PUT = `${CURRENT_VERSION}
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
if kind ~= 'hash' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'j', ARGV[3])
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'k', ARGV[7]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
return 1`;

/** KEYS: session, index. ARGV: expected version ('' = any), member. */
const DELETE = `${CURRENT_VERSION}
if kind == 'none' then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 0
end
if ARGV[1] ~= '' and current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

/**
 * KEYS: session. ARGV: the version the caller knows. 1 when the hash still holds that version
 * (its data is not sent), else the hash's version and JSON, or the key's type when it is not a hash.
 */
const GET_UNLESS = `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' then return kind end
local fields = redis.call('HMGET', KEYS[1], 'v', 'j')
if fields[1] == ARGV[1] then return 1 end
return fields`;

/** KEYS: session, index. ARGV: version, member. Leaves the index only if nothing changed since. */
const ARCHIVE = `${CURRENT_VERSION}
if current == ARGV[1] then redis.call('ZREM', KEYS[2], ARGV[2]) end
return 0`;

/**
 * KEYS: legacy session, its new key, index. ARGV: legacy member, new member. Moves a session kept
 * under its flow (`<flow>:<channel>:<user>`) to its respondent's key (`<channel>:<user>`), with
 * its time to live and its place in the idle index; one already under the new key stays.
 */
const MOVE_LEGACY = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if score then redis.call('ZADD', KEYS[3], score, ARGV[2]) end
return 1`;

/** KEYS: session. ARGV: version, json, sealed key. Replaces both if the version is still that one. */
const RESEAL = `${CURRENT_VERSION}
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'j', ARGV[2], 'k', ARGV[3])
return 1`;

interface Scripts {
  sessionReseal(session: string, version: string, json: string, key: string): Promise<number>;
  sessionGetUnless(session: string, version: string): Promise<1 | string | [string | null, string | null]>;
  sessionPut(session: string, index: string, ...args: (string | number)[]): Promise<number>;
  sessionDelete(session: string, index: string, expected: string, member: string): Promise<number>;
  sessionArchive(session: string, index: string, version: string, member: string): Promise<number>;
  sessionMoveLegacy(legacy: string, key: string, index: string, from: string, to: string): Promise<number>;
}

export interface RedisSessionStoreOptions {
  /** Keys are `<prefix>session:<key>`, the idle index `<prefix>sessions-by-update`. */
  prefix?: string;
  /** Time to live of a session, refreshed on every write. */
  ttlMs: number;
  /** Whether `close()` disconnects the client (true when the store opened it). */
  ownsClient?: boolean;
  /**
   * Seals sessions at rest: each is stored under a keyed hash of its key (the platform user id
   * never appears in a Redis key), its JSON and its key sealed with the current data key.
   */
  keyring?: Keyring;
  /** Told of each session that cannot be opened (its key is gone); it then reads as unreadable. */
  onUnreadable?: ReportUnreadable;
}

const HASHED = /^[0-9a-f]{32}$/;

/**
 * Partial sessions in Redis, shared by every bot process: one hash per session (`v` version,
 * `j` JSON) with a time to live refreshed on activity, and one sorted set of session keys by
 * last update, from which the sweep finds abandoned sessions. Archived sessions leave the set
 * until they change again.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis & Scripts;
  private readonly prefix: string;
  private readonly index: string;

  constructor(
    redis: Redis,
    private readonly options: RedisSessionStoreOptions,
  ) {
    this.prefix = `${options.prefix ?? 'survey:'}session:`;
    this.index = `${options.prefix ?? 'survey:'}sessions-by-update`;
    if (!('sessionPut' in redis)) {
      redis.defineCommand('sessionGetUnless', { numberOfKeys: 1, lua: GET_UNLESS });
      redis.defineCommand('sessionPut', { numberOfKeys: 2, lua: PUT });
      redis.defineCommand('sessionDelete', { numberOfKeys: 2, lua: DELETE });
      redis.defineCommand('sessionArchive', { numberOfKeys: 2, lua: ARCHIVE });
      redis.defineCommand('sessionMoveLegacy', { numberOfKeys: 3, lua: MOVE_LEGACY });
      redis.defineCommand('sessionReseal', { numberOfKeys: 1, lua: RESEAL });
    }
    this.redis = redis as Redis & Scripts;
  }

  /** The index member of a session key: the key itself, or its keyed hash when sessions are sealed. */
  private member(key: string): string {
    return this.options.keyring ? this.options.keyring.hash(key, 'session') : key;
  }

  private name(key: string): string {
    return this.prefix + this.member(key);
  }

  /** A stored session's JSON opened, or null when it cannot be (reported, then read as unreadable). */
  private opened(json: string | null, key: string): string | null {
    const keyring = this.options.keyring;
    if (json === null || !keyring) return json;
    try {
      return keyring.open(json, 'session');
    } catch (error) {
      if (!(error instanceof UnreadableValue)) throw error;
      this.options.onUnreadable?.({
        store: 'sessions',
        id: this.member(key),
        keyId: error.keyId,
        reason: error.reason,
      });
      return null;
    }
  }

  private read(json: string | null, key: string): Session | null {
    return read(this.opened(json, key));
  }

  async get(key: string, known?: Session): Promise<Session | CorruptSession | null> {
    if (known) {
      const reply = await this.redis.sessionGetUnless(this.name(key), String(known.version));
      if (reply === 1) return known;
      if (reply === 'none') return null;
      // Something else than our hash under our key: unreadable, to be replaced.
      if (typeof reply === 'string') return { corrupt: true, version: null };
      const [version, json] = reply;
      return this.read(json, key) ?? { corrupt: true, version: readVersion(version) };
    }
    let version: string | null | undefined;
    let json: string | null | undefined;
    try {
      [version, json] = await this.redis.hmget(this.name(key), 'v', 'j');
    } catch (error) {
      // Something else than our hash under our key: unreadable, to be replaced.
      if (String((error as Error).message).startsWith('WRONGTYPE')) return { corrupt: true, version: null };
      throw error;
    }
    if (version == null && json == null) return null;
    return this.read(json ?? null, key) ?? { corrupt: true, version: readVersion(version ?? null) };
  }

  async put(key: string, session: Session, expected: number | null): Promise<boolean> {
    const keyring = this.options.keyring;
    const json = JSON.stringify(session);
    const done = await this.redis.sessionPut(
      this.name(key),
      this.index,
      expected === null ? '' : String(expected),
      String(session.version),
      keyring ? keyring.seal(json, 'session') : json,
      this.options.ttlMs,
      session.updatedAt,
      this.member(key),
      keyring ? keyring.seal(key, 'session.key') : '',
    );
    return done === 1;
  }

  async delete(key: string, expected?: number): Promise<boolean> {
    const expectedArg = expected === undefined ? '' : String(expected);
    return (await this.redis.sessionDelete(this.name(key), this.index, expectedArg, this.member(key))) === 1;
  }

  async idle(before: number, limit: number): Promise<{ key: string; session: Session }[]> {
    const found: { key: string; session: Session }[] = [];
    // Entries whose session expired or cannot be read leave the index, so a page is never stuck
    // on them; the readable ones stay in front, hence the offset.
    while (found.length < limit) {
      const page = limit - found.length;
      const members = await this.redis.zrangebyscore(
        this.index,
        '-inf',
        `(${before}`,
        'LIMIT',
        found.length,
        page,
      );
      if (members.length === 0) break;
      const pipeline = this.redis.pipeline();
      for (const member of members) pipeline.hmget(this.prefix + member, 'j', 'k');
      const replies = (await pipeline.exec()) ?? [];
      const gone: string[] = [];
      members.forEach((member, i) => {
        const [error, fields] = replies[i] ?? [null, null];
        const [json, sealedKey] = error ? [null, null] : (fields as [string | null, string | null]);
        const key = this.keyOf(member, sealedKey);
        const session = key === null ? null : this.read(json, key);
        if (key !== null && session) found.push({ key, session });
        else gone.push(member);
      });
      if (gone.length === 0) break;
      await this.redis.zrem(this.index, ...gone);
    }
    return found;
  }

  /** The session key behind an index member: the member itself, or the sealed key stored beside the session. */
  private keyOf(member: string, sealedKey: string | null): string | null {
    const keyring = this.options.keyring;
    if (!keyring) return member;
    if (sealedKey === null) return null;
    try {
      return keyring.open(sealedKey, 'session.key');
    } catch {
      return null;
    }
  }

  async markArchived(key: string, version: number): Promise<void> {
    await this.redis.sessionArchive(this.name(key), this.index, String(version), this.member(key));
  }

  /**
   * Seals again, with the current key, every session sealed with another one, and moves sessions
   * stored in clear under their platform user id (before sealing was on) to their keyed name.
   * Each is replaced only if no turn changed it meanwhile (a changed one is sealed anew by that
   * turn's write); running it again goes on where it stopped.
   */
  async reseal(dryRun = false): Promise<RotationResult> {
    return this.resealing({ dryRun, clearOnly: false });
  }

  /** Moves sessions stored in clear under a platform user id (before sealing was on) to their keyed names. */
  sealClearKeys(): Promise<RotationResult> {
    return this.resealing({ dryRun: false, clearOnly: true });
  }

  private async resealing({
    dryRun,
    clearOnly,
  }: {
    dryRun: boolean;
    clearOnly: boolean;
  }): Promise<RotationResult> {
    const batch = 500;
    const keyring = this.options.keyring;
    const result = { store: 'sessions', resealed: 0, unreadable: 0 };
    if (!keyring) return result;
    let cursor = '0';
    do {
      const [next, names] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', batch);
      cursor = next;
      for (const name of names) {
        const member = name.slice(this.prefix.length);
        let fields: (string | null)[];
        try {
          fields = await this.redis.hmget(name, 'v', 'j', 'k');
        } catch {
          continue;
        }
        const [version, json, sealedKey = null] = fields;
        if (version == null || json == null) continue;
        if (!HASHED.test(member)) {
          // Stored in clear before sealing was on (`<channel>:<user>`): moved to its keyed name.
          if (dryRun) {
            result.resealed++;
            continue;
          }
          const session = read(json);
          if (session && (await this.put(member, session, null))) result.resealed++;
          await this.redis.sessionDelete(name, this.index, version, member);
          continue;
        }
        if (clearOnly) continue;
        if (!keyring.stale(json) && sealedKey !== null && !keyring.stale(sealedKey)) continue;
        const key = this.keyOf(member, sealedKey);
        let plain: string;
        try {
          plain = keyring.open(json, 'session');
        } catch {
          result.unreadable++;
          continue;
        }
        if (key === null) {
          result.unreadable++;
          continue;
        }
        if (dryRun) {
          result.resealed++;
          continue;
        }
        const done = await this.redis.sessionReseal(
          name,
          version,
          keyring.seal(plain, 'session'),
          keyring.seal(key, 'session.key'),
        );
        if (done === 1) result.resealed++;
      }
    } while (cursor !== '0');
    return result;
  }

  /**
   * Sessions were kept per flow (`session:<flow>:<channel>:<user>`) before one respondent had one
   * session whatever its flow: moves each to its new key, once, at start-up. Idempotent, and
   * cheap when there is nothing to move. Returns how many were moved.
   */
  async migrateLegacyKeys(): Promise<number> {
    let moved = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*:*:*`, 'COUNT', 1000);
      cursor = next;
      for (const full of keys) {
        const member = full.slice(this.prefix.length);
        const parts = member.split(':');
        if (parts.length !== 3 || !/^[a-z0-9_]+$/.test(parts[0]!)) continue;
        const to = `${parts[1]}:${parts[2]}`;
        moved += await this.redis.sessionMoveLegacy(full, this.prefix + to, this.index, member, to);
      }
    } while (cursor !== '0');
    return moved;
  }

  /** The idle index holds every live session not archived (expired ones until a sweep meets them). */
  async countActive(): Promise<number> {
    return this.redis.zcard(this.index);
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await closeRedis(this.redis);
  }
}

function read(json: string | null): Session | null {
  if (json === null) return null;
  try {
    return parseSession(JSON.parse(json));
  } catch {
    return null;
  }
}

function readVersion(raw: string | null): number | null {
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Quits politely when connected; otherwise just stops reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else redis.disconnect();
}
