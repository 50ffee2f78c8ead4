import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { BoundedMap } from '../bounded-map.ts';

/** A data key: 32 bytes for AES-256-GCM, named by a short id stored beside every value it seals. */
export interface DataKey {
  id: string;
  key: Buffer;
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed values read `enc1:<key id>:<iv>:<ciphertext and tag>` (base64url): a string in every store. */
const PREFIX = 'enc1:';
const SEALED = /^enc1:([A-Za-z0-9_-]{1,16}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]+)$/;

/** A value that cannot be opened: its key is not configured, or it does not authenticate. */
export class UnreadableValue extends Error {
  constructor(
    readonly keyId: string,
    readonly reason: 'key-missing' | 'not-authentic',
  ) {
    super(
      reason === 'key-missing'
        ? `sealed with key ${keyId}, which is not configured`
        : `does not decrypt with key ${keyId}`,
    );
    this.name = 'UnreadableValue';
  }
}

/**
 * The data keys: seals personal data with the current key (AES-256-GCM, a fresh IV each time,
 * the field's context as associated data so a value cannot be moved to another field), opens
 * values sealed with any configured key, and makes keyed hashes (HMAC-SHA-256) for the few
 * lookups by value. The hash key never rotates with the data keys: lookups must keep finding.
 */
export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  /** Recent hashes: each turn names its respondent's keys several times (an HMAC each, else). */
  private readonly hashes = new BoundedMap<string, string>(10_000);

  constructor(
    keys: DataKey[],
    readonly currentId: string,
    private readonly hashKey: Buffer,
  ) {
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`key id ${JSON.stringify(id)} must be 1-16 of A-Z a-z 0-9 _ -`);
      if (key.length !== KEY_BYTES) throw new Error(`key ${id} must be ${KEY_BYTES} bytes`);
      this.keys.set(id, key);
    }
    if (!this.keys.has(currentId)) throw new Error(`the current key ${currentId} is not among the keys`);
    if (hashKey.length !== KEY_BYTES) throw new Error(`the hash key must be ${KEY_BYTES} bytes`);
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(plain: string, context: string, keyId = this.currentId): string {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key ${keyId}`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  /**
   * The plain text of a sealed value; a value that is not sealed (stored before encryption) is
   * returned as it is. Throws UnreadableValue when the key is gone or the value was altered.
   */
  open(value: string, context: string): string {
    const parts = SEALED.exec(value);
    if (!parts) return value;
    const [, id, iv, body] = parts as unknown as [string, string, string, string];
    const key = this.keys.get(id);
    if (!key) throw new UnreadableValue(id, 'key-missing');
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < TAG_BYTES) throw new UnreadableValue(id, 'not-authentic');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new UnreadableValue(id, 'not-authentic');
    }
  }

  /** The key a value is sealed with; null for a value that is not sealed. */
  keyOf(value: string): string | null {
    return SEALED.exec(value)?.[1] ?? null;
  }

  /** Whether a stored value must be sealed again: in clear, or sealed with another key than the current one. */
  stale(value: string): boolean {
    return this.keyOf(value) !== this.currentId;
  }

  /** A keyed hash (hex, 32 characters) for looking a value up without storing it. */
  hash(value: string, context: string): string {
    const input = `${context}\0${value}`;
    let hash = this.hashes.get(input);
    if (hash === undefined) {
      hash = createHmac('sha256', this.hashKey).update(input).digest('hex').slice(0, 32);
      this.hashes.set(input, hash);
    }
    return hash;
  }
}

export const isSealed = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(PREFIX);

/** A new random key, base64 (what DATA_KEYS and DATA_HASH_KEY hold). */
export const newKey = (): string => randomBytes(KEY_BYTES).toString('base64');
