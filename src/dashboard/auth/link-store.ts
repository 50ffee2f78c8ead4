import { mkdirSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClient } from '../../store/redis-connection.ts';

/**
 * Where one-time sign-in links wait to be used, by the SHA-256 of their token (a dump of the
 * store holds no usable link). Shared by every process: the bot or the CLI makes a link, any
 * replica serving the dashboard takes it.
 */
export interface LinkStore {
  put(hash: string, member: string, lifeMs: number): Promise<void>;
  /** Takes the link once: its member, or null when it is unknown, used or expired. */
  take(hash: string): Promise<string | null>;
}

/** In Redis: a key per link with the link's life as its expiry; GETDEL takes it atomically. */
export class RedisLinkStore implements LinkStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async put(hash: string, member: string, lifeMs: number): Promise<void> {
    await this.redis.set(this.key(hash), member, 'PX', lifeMs);
  }

  async take(hash: string): Promise<string | null> {
    return this.redis.getdel(this.key(hash));
  }

  private key(hash: string): string {
    return `${this.prefix}dashboard:link:${hash}`;
  }
}

/**
 * Embedded: a file per link in `<DATA_DIR>/sign-in-links/`, so the CLI and a dashboard process
 * on the same machine share them. Removing the file is what takes a link: it succeeds once.
 */
export class FileLinkStore implements LinkStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.dir = join(dataDir, 'sign-in-links');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  async put(hash: string, member: string, lifeMs: number): Promise<void> {
    const body = JSON.stringify({ member, expiresAt: this.clock() + lifeMs });
    await writeFile(join(this.dir, hash), body, { mode: 0o600 });
  }

  async take(hash: string): Promise<string | null> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return null;
    const file = join(this.dir, hash);
    let body: string;
    try {
      body = await readFile(file, 'utf8');
      await unlink(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const { member, expiresAt } = JSON.parse(body) as { member: string; expiresAt: number };
    return expiresAt > this.clock() ? member : null;
  }
}
