import { scanKeys, type RedisClient } from './redis-connection.ts';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Session } from '../engine/session.ts';
import { UnreadableValue, type Keyring } from '../privacy/keyring.ts';
import type { ReportUnreadable, RotationResult } from '../privacy/sealed-stores.ts';
import { decodeSession, encodeSession } from './session-codec.ts';
import type { CorruptSession, SessionStore } from './session-store.ts';

/**
 * Lua scripts run atomically inside Redis, so a compare-and-set cannot interleave with another
 * replica's write. A session is one string, `<version>:<data>` (a hash would not stay a compact
 * listpack past 64 bytes a field); earlier versions kept a hash (`v` version, `j` JSON), still
 * read. The version is read as a string and compared as one: both sides are written by
 * `String(number)`. Data that is not ours (a foreign write) or a version that is not a number
 * counts as "no version", as `get` reports it, so the replacement can be written.
 */
const CURRENT_VERSION = `
local kind = redis.call('TYPE', KEYS[1]).ok
local current, data = false, false
if kind == 'string' then
  local held = redis.call('GET', KEYS[1])
  current, data = string.match(held, '^(%d+):(.*)$')
  if not current then current, data = false, held end
elseif kind == 'hash' then
  current = redis.call('HGET', KEYS[1], 'v')
  if current and not string.match(current, '^%d+$') then current = false end
end
`;

/**
 * What a session key holds, as `get` reads it: 'none', the key's type when it is not ours, or
 * the version and data (of a hash, as earlier versions stored it: `j`).
 */
const STORED = `
if kind == 'string' then return {current, data} end
if kind ~= 'hash' then return kind end
local fields = redis.call('HMGET', KEYS[1], 'v', 'j')
if not fields[1] and not fields[2] then return 'none' end
return fields`;

/**
 * KEYS: session, its group's index. ARGV: expected version ('' = must not exist), version, data,
 * ttl ms, score, member. 1 when written; else what is stored (as STORED), so a turn that guessed
 * from a remembered session goes on without reading.
 */
const PUT = `${CURRENT_VERSION}
if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and current ~= ARGV[1]) then
${STORED}
end
redis.call('SET', KEYS[1], ARGV[2] .. ':' .. ARGV[3], 'PX', ARGV[4])
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
 * KEYS: session. ARGV: the version the caller knows. 1 when the key still holds that version
 * (its data is not sent), else what is stored (as STORED).
 */
const GET_UNLESS = `${CURRENT_VERSION}
if current and current == ARGV[1] then return 1 end
${STORED}`;

/** KEYS: session, index. ARGV: version, member. Leaves the index only if nothing changed since. */
const ARCHIVE = `${CURRENT_VERSION}
if current == ARGV[1] then redis.call('ZREM', KEYS[2], ARGV[2]) end
return 0`;

/**
 * KEYS: legacy session, its new key, legacy index, new index. ARGV: legacy member, new member.
 * Moves a session from an earlier layout (one index for all; before that, keys per flow
 * `<flow>:<channel>:<user>`) to its key in its group, with its time to live and its place in the
 * idle index; one already under the new key stays. Only ever run on one Redis (earlier layouts
 * were not made for a cluster).
 */
const MOVE_LEGACY = `
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
if score then redis.call('ZADD', KEYS[4], score, ARGV[2]) end
return 1`;

/**
 * KEYS: session. ARGV: version, data, the data read. Replaces the data if the version and the
 * data are still those read, with its time to live (a hash of an earlier version becomes a
 * string). The data too: a session erased and begun again meanwhile may be back at that version.
 */
const RESEAL = `${CURRENT_VERSION}
if current ~= ARGV[1] then return 0 end
if kind == 'hash' then data = redis.call('HGET', KEYS[1], 'j') end
if data ~= ARGV[3] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/** Script replies, as bytes: data in clear may be deflated (see `packed`). */
type Stored = Buffer | [Buffer | null, Buffer | null];

interface Scripts {
  sessionReseal(session: string, version: string, data: string, read: string): Promise<number>;
  sessionGetUnlessBuffer(session: string, version: string): Promise<1 | Stored>;
  sessionPutBuffer(
    session: string,
    index: string,
    ...args: (string | number | Buffer)[]
  ): Promise<1 | Stored>;
  sessionDelete(session: string, index: string, expected: string, member: string): Promise<number>;
  sessionArchive(session: string, index: string, version: string, member: string): Promise<number>;
  sessionMoveLegacy(legacy: string, key: string, ...rest: string[]): Promise<number>;
}

export interface RedisSessionStoreOptions {
  /** Keys are `<prefix>session:{g<N>}:<member>`, the idle index `<prefix>sessions-by-update:{g<N>}`. */
  prefix?: string;
  /** Time to live of a session, refreshed on every write. */
  ttlMs: number;
  /** Whether `close()` disconnects the client (true when the store opened it). */
  ownsClient?: boolean;
  /**
   * Seals sessions at rest: each is stored under a keyed hash of its key (the platform user id
   * never appears in a Redis key), its key and data sealed together with the current data key.
   */
  keyring?: Keyring;
  /** Told of each session that cannot be opened (its key is gone); it then reads as unreadable. */
  onUnreadable?: ReportUnreadable;
}

const HASHED = /^[0-9a-f]{32}$/;
/** The idle index is split in this many groups, each in its own hash slot on a Redis Cluster. */
export const GROUPS = 64;

/** The group of a session member: FNV-1a of its text, so every process agrees without a table. */
export function groupOf(member: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) hash = Math.imul(hash ^ member.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % GROUPS;
}

const groups = () => Array.from({ length: GROUPS }, (_, group) => group);

/**
 * Partial sessions in Redis, shared by every bot process: one hash per session (`v` version,
 * `j` the session in its compact form, see session-codec) with a time to live refreshed on
 * activity, and sorted sets of session members by last update, from which the sweep finds
 * abandoned sessions. Both are split in GROUPS groups: a session and its group's index share a
 * hash tag (`{g<N>}`), so each script touches one slot of a Redis Cluster. Archived sessions leave
 * the index until they change again.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: RedisClient & Scripts;
  private readonly prefix: string;
  private readonly indexPrefix: string;

  constructor(
    redis: RedisClient,
    private readonly options: RedisSessionStoreOptions,
  ) {
    this.prefix = `${options.prefix ?? 'survey:'}session:`;
    this.indexPrefix = `${options.prefix ?? 'survey:'}sessions-by-update`;
    if (!('sessionPut' in redis)) {
      redis.defineCommand('sessionGetUnless', { numberOfKeys: 1, lua: GET_UNLESS });
      redis.defineCommand('sessionPut', { numberOfKeys: 2, lua: PUT });
      redis.defineCommand('sessionDelete', { numberOfKeys: 2, lua: DELETE });
      redis.defineCommand('sessionArchive', { numberOfKeys: 2, lua: ARCHIVE });
      redis.defineCommand('sessionMoveLegacy', { numberOfKeys: 4, lua: MOVE_LEGACY });
      redis.defineCommand('sessionReseal', { numberOfKeys: 1, lua: RESEAL });
    }
    this.redis = redis as RedisClient & Scripts;
  }

  /** The index member of a session key: the key itself, or its keyed hash when sessions are sealed. */
  private member(key: string): string {
    return this.options.keyring ? this.options.keyring.hash(key, 'session') : key;
  }

  private nameOf(member: string): string {
    return `${this.prefix}{g${groupOf(member)}}:${member}`;
  }

  private indexOf(member: string): string {
    return this.groupIndex(groupOf(member));
  }

  private groupIndex(group: number): string {
    return `${this.indexPrefix}:{g${group}}`;
  }

  /** The Redis key a session is stored under (for tests and tools that look at Redis itself). */
  redisKey(key: string): string {
    return this.nameOf(this.member(key));
  }

  /** A stored session's data opened, or null when it cannot be (reported, then read as unreadable). */
  private opened(data: string | null, member: string): string | null {
    const keyring = this.options.keyring;
    if (data === null || !keyring) return data;
    try {
      return keyring.open(data, 'session');
    } catch (error) {
      if (!(error instanceof UnreadableValue)) throw error;
      this.options.onUnreadable?.({
        store: 'sessions',
        id: member,
        keyId: error.keyId,
        reason: error.reason,
      });
      return null;
    }
  }

  private read(data: string | null, key: string): Session | null {
    const plain = this.opened(data, this.member(key));
    if (plain === null) return null;
    const { key: inside, text } = withKey(plain);
    return inside === null || inside === key ? decodeSession(text, key) : null;
  }

  /** What a script found under a session key (see STORED). */
  private stored(reply: Stored, key: string): Session | CorruptSession | null {
    if (!Array.isArray(reply)) {
      if (reply.toString() === 'none') return null;
      // Something else than our string under our key: unreadable, to be replaced.
      return { corrupt: true, version: null };
    }
    const [version, data] = reply;
    return (
      this.read(unpacked(data), key) ?? { corrupt: true, version: readVersion(version?.toString() ?? null) }
    );
  }

  async get(key: string, known?: Session): Promise<Session | CorruptSession | null> {
    const reply = await this.redis.sessionGetUnlessBuffer(
      this.redisKey(key),
      known ? String(known.version) : '',
    );
    return reply === 1 ? known! : this.stored(reply, key);
  }

  async put(key: string, session: Session, expected: number | null): Promise<boolean> {
    return (await this.swap(key, session, expected)) === true;
  }

  /** `put`, and when another write came first, what is stored now, in the same round trip. */
  async swap(
    key: string,
    session: Session,
    expected: number | null,
  ): Promise<true | Session | CorruptSession | null> {
    const keyring = this.options.keyring;
    const data = encodeSession(session, key);
    const member = this.member(key);
    const reply = await this.redis.sessionPutBuffer(
      this.nameOf(member),
      this.indexOf(member),
      expected === null ? '' : String(expected),
      String(session.version),
      // Sealed, the session carries its key: the Redis key names only a keyed hash of it.
      keyring ? keyring.seal(`${key}\n${data}`, 'session') : packed(data),
      this.options.ttlMs,
      session.updatedAt,
      member,
    );
    return reply === 1 ? true : this.stored(reply, key);
  }

  async delete(key: string, expected?: number): Promise<boolean> {
    const expectedArg = expected === undefined ? '' : String(expected);
    const member = this.member(key);
    return (
      (await this.redis.sessionDelete(this.nameOf(member), this.indexOf(member), expectedArg, member)) === 1
    );
  }

  async idle(before: number, limit: number): Promise<{ key: string; session: Session }[]> {
    const found = new Map<string, { key: string; session: Session; at: number }>();
    // Entries whose session expired or cannot be read leave the index, so a page is never stuck
    // on them; the readable ones stay in front, so each round reads each group from its start.
    for (;;) {
      // Sent together (one round trip on one Redis); each to its own slot's node on a cluster.
      const pages = await Promise.all(
        groups().map((group) =>
          this.redis.zrangebyscore(
            this.groupIndex(group),
            '-inf',
            `(${before}`,
            'WITHSCORES',
            'LIMIT',
            0,
            limit,
          ),
        ),
      );
      const entries: { member: string; at: number }[] = [];
      for (const flat of pages)
        for (let i = 0; i < flat.length; i += 2) entries.push({ member: flat[i]!, at: Number(flat[i + 1]) });
      entries.sort((a, b) => a.at - b.at);
      const fresh = entries.slice(0, limit).filter((e) => !found.has(e.member));
      if (fresh.length === 0) break;
      const replies = await Promise.all(fresh.map(({ member }) => this.raw(this.nameOf(member))));
      const gone: string[] = [];
      fresh.forEach(({ member, at }, i) => {
        const { data, sealedKey } = replies[i]!;
        const plain = this.opened(data, member);
        const { key: inside, text } = plain === null ? { key: null, text: '' } : withKey(plain);
        const key = inside ?? this.keyOf(member, sealedKey);
        const session = key === null || plain === null ? null : decodeSession(text, key);
        if (key !== null && session) found.set(member, { key, session, at });
        else gone.push(member);
      });
      if (gone.length === 0) break;
      await Promise.all(gone.map((member) => this.redis.zrem(this.indexOf(member), member)));
    }
    return [...found.values()]
      .sort((a, b) => a.at - b.at)
      .slice(0, limit)
      .map(({ key, session }) => ({ key, session }));
  }

  /**
   * What a session key holds, read without a script: the version and data of our string (or of
   * an earlier version's hash, with the key it sealed apart); nothing for a key gone or not ours.
   */
  private async raw(
    name: string,
  ): Promise<{ version: string | null; data: string | null; sealedKey: string | null }> {
    const none = { version: null, data: null, sealedKey: null };
    try {
      const held = await this.redis.getBuffer(name);
      const match = held === null ? null : /^(\d+):/.exec(held.subarray(0, 24).toString('latin1'));
      if (!match) return none;
      return { version: match[1]!, data: unpacked(held!.subarray(match[0].length)), sealedKey: null };
    } catch (error) {
      if (!String((error as Error).message).startsWith('WRONGTYPE')) throw error;
      const [version = null, data = null, sealedKey = null] = await this.redis
        .hmget(name, 'v', 'j', 'k')
        .catch(() => []);
      return { version, data, sealedKey };
    }
  }

  /**
   * The session key behind an index member when the data does not carry it: the member itself, or
   * the key sealed apart beside the session (as earlier versions stored it).
   */
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
    const member = this.member(key);
    await this.redis.sessionArchive(this.nameOf(member), this.indexOf(member), String(version), member);
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

  /** The member a session's Redis key names (`<prefix>session:{g<N>}:<member>`), or null for another key. */
  private memberOfName(name: string): string | null {
    const match = /^\{g\d+\}:(.*)$/s.exec(name.slice(this.prefix.length));
    return match ? match[1]! : null;
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
    const result = { store: 'sessions', resealed: 0, unreadable: 0, skipped: 0 };
    if (!keyring) return result;
    // Every master of a cluster: a SCAN through the cluster client sees one node's keys only.
    for await (const names of scanKeys(this.redis, `${this.prefix}{g*`, batch)) {
      for (const name of names) {
        const member = this.memberOfName(name);
        if (member === null) continue;
        const { version, data, sealedKey } = await this.raw(name);
        if (version === null || data === null) continue;
        if (!HASHED.test(member)) {
          // Stored in clear before sealing was on (`<channel>:<user>`): moved to its keyed name.
          if (dryRun) {
            result.resealed++;
            continue;
          }
          const session = decodeSession(data, member);
          if (session && (await this.put(member, session, null))) result.resealed++;
          await this.redis.sessionDelete(name, this.indexOf(member), version, member);
          continue;
        }
        if (clearOnly) continue;
        if (!keyring.stale(data) && (sealedKey === null || !keyring.stale(sealedKey))) continue;
        let plain: string;
        try {
          plain = keyring.open(data, 'session');
        } catch {
          result.unreadable++;
          continue;
        }
        const { key: inside, text } = withKey(plain);
        const key = inside ?? this.keyOf(member, sealedKey);
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
          keyring.seal(`${key}\n${text}`, 'session'),
          data,
        );
        if (done === 1) result.resealed++;
        else result.skipped++;
      }
    }
    return result;
  }

  /**
   * Moves sessions stored in an earlier layout to their key in their group, once, at start-up:
   * those under one index for all (`session:<member>`) and, before that, those kept per flow
   * (`session:<flow>:<channel>:<user>`, before one respondent had one session whatever its flow).
   * Idempotent, and cheap when there is nothing to move. Returns how many were moved. Stop the
   * replicas of the earlier version first: they still write the earlier layout.
   */
  async migrateLegacyKeys(): Promise<number> {
    let moved = 0;
    const legacyIndex = this.indexPrefix;
    for await (const keys of scanKeys(this.redis, `${this.prefix}*`)) {
      for (const full of keys) {
        const member = full.slice(this.prefix.length);
        if (member.startsWith('{g')) continue;
        const parts = member.split(':');
        const perFlow = parts.length === 3 && /^[a-z0-9_]+$/.test(parts[0]!);
        const to = perFlow ? `${parts[1]}:${parts[2]}` : member;
        moved += await this.redis.sessionMoveLegacy(
          full,
          this.nameOf(to),
          legacyIndex,
          this.indexOf(to),
          member,
          to,
        );
      }
    }
    return moved;
  }

  /** The idle index holds every live session not archived (expired ones until a sweep meets them). */
  async countActive(): Promise<number> {
    const counts = await Promise.all(groups().map((group) => this.redis.zcard(this.groupIndex(group))));
    return counts.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) await closeRedis(this.redis);
  }
}

/** Marks data in clear stored deflated: compact JSON and sealed values never start with it. */
const DEFLATED = 0;

/**
 * Session data in clear as stored: deflated when that is shorter (a session of a few answers
 * takes a quarter less; Redis strings hold bytes). Sealed data is not: it is text by then.
 */
function packed(data: string): string | Buffer {
  if (data.length < 128) return data;
  const deflated = deflateRawSync(data);
  return deflated.length + 1 < Buffer.byteLength(data)
    ? Buffer.concat([Buffer.of(DEFLATED), deflated])
    : data;
}

/** Stored data as text: inflated when deflated (unreadable bytes read as nothing, hence corrupt). */
function unpacked(data: Buffer | null): string | null {
  if (data === null) return null;
  if (data[0] !== DEFLATED) return data.toString('utf8');
  try {
    return inflateRawSync(data.subarray(1), { maxOutputLength: 1 << 20 }).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * A sealed session's key and text: its first line is its key; data of earlier versions (plain or
 * compact JSON, `{` or `[`) has none.
 */
function withKey(plain: string): { key: string | null; text: string } {
  if (plain.startsWith('[') || plain.startsWith('{')) return { key: null, text: plain };
  const at = plain.indexOf('\n');
  return at < 0 ? { key: null, text: plain } : { key: plain.slice(0, at), text: plain.slice(at + 1) };
}

function readVersion(raw: string | null): number | null {
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Quits politely when connected; otherwise just stops reconnecting. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else redis.disconnect();
}
