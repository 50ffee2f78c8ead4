import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';
import type { Logger } from '../log.ts';

// Renew or release only while the lock still holds our token: another replica may have taken it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** How long a lock lives without renewal by default: a killed leader is replaced within this time. */
export const LEADER_TTL_MS = 15_000;

interface LeaderScripts {
  leaderRenew(key: string, token: string, ttl: string): Promise<number>;
  leaderRelease(key: string, token: string): Promise<number>;
}

export interface LeaderOptions {
  /** How long the lock lives without renewal: a killed leader is replaced within this time. */
  ttlMs?: number;
  /** Called when this process becomes the leader; the returned function is called when it stops being one. */
  onLead: () => Promise<() => Promise<void>>;
  /**
   * Called when `onLead` failed: the lock is released at once (another replica may do better) and
   * taken again at a later check. Return true to stop trying for good (a revoked token).
   */
  onLeadFailed?: (error: unknown) => boolean;
  log: Logger;
}

/**
 * Runs one piece of work (Telegram long polling, the Discord gateway) in exactly one replica at a
 * time: a Redis key set with NX and an expiry, renewed at a third of its life. A leader that dies
 * stops renewing, and another replica takes over once the key expires; one that cannot renew
 * (lock taken, Redis unreachable) stops the work before its lock can have expired. Renewals go on
 * while the work is starting, however long a connection takes, so the lock never lapses under a
 * leader that is still connecting.
 */
export class LeaderLock {
  readonly token = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  /** The work of the current leadership: resolves to how to stop it (null if it failed to start). */
  private work: Promise<(() => Promise<void>) | null> | null = null;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private readonly ttl: number;

  private readonly redis: RedisClient & LeaderScripts;

  constructor(
    redis: RedisClient,
    private readonly key: string,
    private readonly options: LeaderOptions,
  ) {
    this.ttl = options.ttlMs ?? LEADER_TTL_MS;
    // Server-side Lua, loaded once per connection and called by its hash.
    if (!('leaderRenew' in redis)) {
      redis.defineCommand('leaderRenew', { numberOfKeys: 1, lua: RENEW });
      redis.defineCommand('leaderRelease', { numberOfKeys: 1, lua: RELEASE });
    }
    this.redis = redis as RedisClient & LeaderScripts;
  }

  /** Whether this process holds the lock (its work may still be starting). */
  get leading(): boolean {
    return this.work !== null;
  }

  start(): void {
    this.run();
  }

  private run(): void {
    this.current = this.tick().finally(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), Math.max(50, Math.floor(this.ttl / 3)));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.leading) {
        const renewed = await this.redis.leaderRenew(this.key, this.token, String(this.ttl));
        if (renewed !== 1) await this.lose('lock taken or expired');
        return;
      }
      const got = await this.redis.set(this.key, this.token, 'PX', this.ttl, 'NX');
      if (got !== 'OK' || this.stopped) return;
      this.options.log.info({ key: this.key }, 'became leader');
      const work = this.options.onLead().catch(async (error: unknown) => {
        this.options.log.error({ err: error, key: this.key }, 'could not start the work as leader');
        if (this.work === work) {
          this.work = null;
          // Released at once: another replica may do better than waiting for the expiry.
          await this.release();
        }
        if (this.options.onLeadFailed?.(error)) this.stopped = true;
        return null;
      });
      this.work = work;
    } catch (error) {
      // Redis unreachable: a leader cannot prove it still holds the lock, so it steps down.
      if (this.leading) await this.lose((error as Error).message);
    }
  }

  private async lose(reason: string): Promise<void> {
    this.options.log.warn({ key: this.key, reason }, 'lost leadership');
    await this.stopTheWork();
  }

  /** Waits for the work to have started (or failed), then stops it. */
  private async stopTheWork(): Promise<void> {
    const work = this.work;
    this.work = null;
    const stop = await work;
    await stop?.().catch((error: unknown) =>
      this.options.log.error({ err: error, key: this.key }, 'the work did not stop cleanly'),
    );
  }

  private async release(): Promise<void> {
    await this.redis.leaderRelease(this.key, this.token).catch(() => undefined);
  }

  /** Stops the work (if leading) and hands the lock over at once rather than at expiry. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current.catch(() => undefined);
    await this.stopTheWork();
    await this.release();
  }
}
