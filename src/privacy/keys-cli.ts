import { existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { openStores } from '../store/open.ts';
import { keyFileOf, readKeyFile, writeKeyFile } from './key-source.ts';
import { newKey } from './keyring.ts';
import { rotate } from './rotate.ts';

export const KEYS_USAGE = `usage: npm run keys -- <command>
  new        prints a new key id and key, and a hash key, for DATA_KEYS and DATA_HASH_KEY
  rotate     seals everything again with the current key (DATA_KEY_CURRENT); with the key file
             of the embedded stores, a new key is made first and the old ones dropped after.
             Interrupted, it goes on where it stopped when run again.
  check      counts the records no configured key opens`;

/** `npm run keys -- ...`: data keys and their rotation. Returns the exit code. */
export async function keysCli(config: Config, args: string[], out: (line: string) => void): Promise<number> {
  const [command] = args;
  if (command === 'new') {
    const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    out(`key id: ${id}`);
    out(`DATA_KEYS entry: ${id}:${newKey()}`);
    out(`DATA_HASH_KEY (once, never rotated): ${newKey()}`);
    out(
      'Add the entry to DATA_KEYS, set DATA_KEY_CURRENT to its id, run npm run keys -- rotate, then drop the old entry.',
    );
    return 0;
  }
  if (command !== 'rotate' && command !== 'check') {
    out(KEYS_USAGE);
    return command ? 2 : 0;
  }
  const file = keyFileOf(config.DATA_DIR);
  const fromFile = !config.DATA_KEYS && existsSync(file);
  if (command === 'rotate' && fromFile) {
    // The embedded key file gets a new current key; the old ones stay until everything moved.
    const keys = readKeyFile(file);
    const id = `k${Object.keys(keys.keys).length + 1}`;
    const named = id in keys.keys ? `k${Date.now().toString(36)}` : id;
    writeKeyFile(file, { ...keys, keys: { ...keys.keys, [named]: newKey() }, current: named });
  }
  const stores = await openStores(config, createLogger('warn', process.stderr));
  let unreadable = 0;
  let skipped = 0;
  try {
    await stores.verifyKeys();
    for (const result of await (command === 'rotate' ? rotate(stores) : check(stores))) {
      if (command === 'rotate')
        out(
          `${result.store}: ${result.resealed} sealed again, ${result.unreadable} unreadable, ${result.skipped} changed meanwhile`,
        );
      else out(`${result.store}: ${result.resealed} not on the current key, ${result.unreadable} unreadable`);
      unreadable += result.unreadable;
      skipped += result.skipped;
    }
  } finally {
    await stores.close();
  }
  if (command === 'rotate') {
    if (unreadable > 0) {
      out(`${unreadable} record(s) no configured key opens: old keys are kept; see the log for which`);
      return 1;
    }
    if (skipped > 0) {
      // Left as the change left them: sealed by that write, erased, or by a process on an old key.
      out(
        `${skipped} record(s) changed or erased while being sealed again: old keys are kept; run it again to finish`,
      );
      return 0;
    }
    if (fromFile) {
      const keys = readKeyFile(file);
      writeKeyFile(file, { ...keys, keys: { [keys.current]: keys.keys[keys.current]! } });
      out(`done: ${file} now holds only key ${keys.current}`);
    } else
      out(
        `done: every record is sealed with ${stores.keyring.currentId}; the other keys in DATA_KEYS can go`,
      );
  }
  return unreadable > 0 ? 1 : 0;
}

/** A dry run of the rotation: how many records are not on the current key, and how many cannot be opened. */
async function check(stores: Awaited<ReturnType<typeof openStores>>) {
  const results = [];
  for (const store of stores.sealed) results.push(await store.reseal(true));
  return results;
}
