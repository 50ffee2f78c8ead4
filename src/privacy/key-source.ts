import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { KEY_BYTES, KEY_ID, Keyring, newKey, type DataKey } from './keyring.ts';

export type KeyConfig = Pick<Config, 'DATA_DIR' | 'DATA_KEYS' | 'DATA_KEY_CURRENT' | 'DATA_HASH_KEY'>;

/** The key file the embedded stores use when DATA_KEYS is unset. */
export const keyFileOf = (dataDir: string) => join(dataDir, 'data-keys.json');

/** A key file that cannot be read: start-up stops, naming it. */
export class KeyFileError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason} (DATA_KEYS unset, so the data keys come from this file)`);
    this.name = 'KeyFileError';
  }
}

interface KeyFile {
  keys: Record<string, string>;
  current: string;
  hash: string;
}

/**
 * The data keys: DATA_KEYS / DATA_KEY_CURRENT / DATA_HASH_KEY when set (config parsing checked
 * them), else the key file in DATA_DIR, made on first start (mode 0600), so `npm start` works
 * with no setup. Config parsing refuses servers without DATA_KEYS: a file per machine cannot be
 * shared by replicas, and a database dump must not travel with its key.
 */
export function loadKeyring(config: KeyConfig): { keyring: Keyring; source: string } {
  if (config.DATA_KEYS) {
    const current = config.DATA_KEY_CURRENT ?? config.DATA_KEYS[0]!.id;
    return { keyring: new Keyring(config.DATA_KEYS, current, config.DATA_HASH_KEY!), source: 'DATA_KEYS' };
  }
  const path = keyFileOf(config.DATA_DIR);
  if (!existsSync(path)) writeKeyFile(path, { keys: { k1: newKey() }, current: 'k1', hash: newKey() }, true);
  return { keyring: keyringOfFile(path, readKeyFile(path)), source: path };
}

export function readKeyFile(path: string): KeyFile {
  let file: KeyFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (error) {
    throw new KeyFileError(
      path,
      `not readable JSON (${(error as NodeJS.ErrnoException).code ?? 'syntax error'})`,
    );
  }
  if (
    !file ||
    typeof file.keys !== 'object' ||
    typeof file.current !== 'string' ||
    typeof file.hash !== 'string'
  )
    throw new KeyFileError(path, 'must hold { keys, current, hash }');
  return file;
}

function keyringOfFile(path: string, file: KeyFile): Keyring {
  const bytes = (value: unknown, name: string) => {
    const buffer = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (buffer.length !== KEY_BYTES)
      throw new KeyFileError(path, `${name} is not the base64 of ${KEY_BYTES} bytes`);
    return buffer;
  };
  const keys: DataKey[] = Object.entries(file.keys).map(([id, key]) => {
    if (!KEY_ID.test(id))
      throw new KeyFileError(path, `key id ${JSON.stringify(id)} is not 1-16 of A-Z a-z 0-9 _ -`);
    return { id, key: bytes(key, `key ${id}`) };
  });
  if (!keys.some((k) => k.id === file.current))
    throw new KeyFileError(path, `current key ${file.current} is not listed`);
  return new Keyring(keys, file.current, bytes(file.hash, 'hash'));
}

/** Writes the key file whole (a temporary file renamed over it), readable by its owner only. */
export function writeKeyFile(path: string, file: KeyFile, create = false): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: create ? 'wx' : 'w' });
  renameSync(temporary, path);
}
