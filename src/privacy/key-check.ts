import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import type { RedisClient } from '../store/redis-connection.ts';
import { UnreadableValue, type Keyring } from './keyring.ts';

/**
 * One sealed check value per data key, kept where the sealed data is: at start-up each configured
 * key must open its own check, so a wrong key under a known id stops start-up before it seals or
 * misreads anything. A key with no check yet gets one.
 */
export interface KeyChecks {
  get(keyId: string): Promise<string | null>;
  put(keyId: string, sealed: string): Promise<void>;
}

/** A configured key that is not the key its id sealed data with: start-up stops, naming the variable. */
export class WrongKeyError extends Error {
  constructor(
    readonly variable: string,
    readonly keyId: string,
  ) {
    super(
      `${variable}: key ${keyId} is not the key the stored data was sealed with under that id` +
        // A key file made by this machine while another process sealed the data: they must share keys.
        (variable === 'DATA_KEYS' ? '' : '; processes sharing stores must share their keys: set DATA_KEYS'),
    );
    this.name = 'WrongKeyError';
  }
}

const CHECK = 'data key check';
const CONTEXT = 'key-check';

/** Checks every configured key against its stored check value; throws WrongKeyError on the first wrong one. */
export async function verifyKeys(keyring: Keyring, checks: KeyChecks, variable: string): Promise<void> {
  for (const id of keyring.keyIds) {
    let stored = await checks.get(id);
    if (stored === null) {
      // Another replica starting at the same moment may write its check first: read back what won.
      await checks.put(id, keyring.seal(CHECK, CONTEXT, id));
      stored = await checks.get(id);
      if (stored === null) throw new Error(`the check value of data key ${id} could not be stored`);
    }
    let opened: string;
    try {
      opened = keyring.open(stored, CONTEXT);
    } catch (error) {
      if (error instanceof UnreadableValue) throw new WrongKeyError(variable, id);
      throw error;
    }
    if (opened !== CHECK) throw new WrongKeyError(variable, id);
  }
}

export class MongoKeyChecks implements KeyChecks {
  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.collection<{ _id: string; sealed: string }>('data_key_checks');
  }

  async get(keyId: string): Promise<string | null> {
    return (await this.collection.findOne({ _id: keyId }))?.sealed ?? null;
  }

  async put(keyId: string, sealed: string): Promise<void> {
    try {
      await this.collection.updateOne({ _id: keyId }, { $setOnInsert: { sealed } }, { upsert: true });
    } catch (error) {
      // Two upserts at once: the other one inserted it (E11000), which is what was wanted.
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
  }
}

export class RedisKeyChecks implements KeyChecks {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  get(keyId: string): Promise<string | null> {
    return this.redis.hget(`${this.prefix}data-key-checks`, keyId);
  }

  async put(keyId: string, sealed: string): Promise<void> {
    await this.redis.hsetnx(`${this.prefix}data-key-checks`, keyId, sealed);
  }
}

export class FileKeyChecks implements KeyChecks {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'data-key-checks.json');
  }

  private read(): Record<string, string> {
    return existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>)
      : {};
  }

  async get(keyId: string): Promise<string | null> {
    return this.read()[keyId] ?? null;
  }

  async put(keyId: string, sealed: string): Promise<void> {
    writeFileSync(this.path, JSON.stringify({ ...this.read(), [keyId]: sealed }));
  }
}
