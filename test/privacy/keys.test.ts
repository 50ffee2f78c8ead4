import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseConfig } from '../../src/config.ts';
import { WrongKeyError } from '../../src/privacy/key-check.ts';
import { keyFileOf } from '../../src/privacy/key-source.ts';
import { Keyring } from '../../src/privacy/keyring.ts';
import { SealedContactStore, UNREADABLE } from '../../src/privacy/sealed-stores.ts';
import { rotate } from '../../src/privacy/rotate.ts';
import { FileContactStore } from '../../src/store/file-response-store.ts';
import { openStores } from '../../src/store/open.ts';
import type { ContactRecord } from '../../src/store/response-store.ts';
import { captureLog } from '../support/logs.ts';
import { redisFor } from '../support/stores.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const b64 = (fill: number) => Buffer.alloc(32, fill).toString('base64');

function dataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'keys-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const contact = (id: string, name: string): ContactRecord => ({
  id,
  flowId: 'advocacy',
  respondent: `resp-${id}`,
  channel: 'telegram',
  chat: '5550007777',
  name,
  email: `${id}@example.org`,
  viaChat: false,
  language: 'en',
  createdAt: new Date(0),
});

const envWith = (dir: string, keys: string, current?: string) =>
  parseConfig({
    DATA_DIR: dir,
    DATA_KEYS: keys,
    DATA_HASH_KEY: b64(9),
    ...(current ? { DATA_KEY_CURRENT: current } : {}),
  });

test('a wrong key under a known id stops start-up, naming DATA_KEYS and the id', async (t) => {
  const dir = dataDir(t);
  const first = await openStores(envWith(dir, `k1:${b64(1)}`), captureLog().log);
  await first.verifyKeys();
  await first.close();
  const wrong = await openStores(envWith(dir, `k1:${b64(2)}`), captureLog().log);
  t.after(() => wrong.close());
  await assert.rejects(
    wrong.verifyKeys(),
    (e: Error) => e instanceof WrongKeyError && /^DATA_KEYS: key k1 /.test(e.message),
  );

  const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'responses'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, DATA_KEYS: `k1:${b64(2)}`, DATA_HASH_KEY: b64(9) },
    encoding: 'utf8',
  });
  assert.equal(child.status, 1);
  assert.match(child.stderr, /DATA_KEYS: key k1 is not the key the stored data was sealed with/);
  assert.ok(!child.stderr.includes(b64(2)), 'the key itself is never printed');
});

test('without DATA_KEYS one process on Redis keeps its keys in its key file; a second with another file is refused', async (t) => {
  const setup = await redisFor(t);
  if (!setup) return;
  const server = { REDIS_URL: setup.target as string, REDIS_PREFIX: setup.prefix };
  const firstDir = dataDir(t);
  const first = await openStores(parseConfig({ DATA_DIR: firstDir, ...server }), captureLog().log);
  t.after(() => first.close());
  assert.equal(first.keySource, keyFileOf(firstDir));
  await first.verifyKeys();
  // The same process again (its own file) starts.
  const again = await openStores(parseConfig({ DATA_DIR: firstDir, ...server }), captureLog().log);
  t.after(() => again.close());
  await again.verifyKeys();
  // A replica on another machine made a file of its own: its data could not be read by the first.
  const otherDir = dataDir(t);
  const other = await openStores(parseConfig({ DATA_DIR: otherDir, ...server }), captureLog().log);
  t.after(() => other.close());
  await assert.rejects(
    other.verifyKeys(),
    (e: Error) => e instanceof WrongKeyError && e.message.startsWith(keyFileOf(otherDir)),
  );
});

test('a record sealed with a key that is gone reads as unreadable and is reported per record, never a crash', async (t) => {
  const dir = dataDir(t);
  const old = await openStores(envWith(dir, `k1:${b64(1)}`), captureLog().log);
  await old.contacts.save(contact('c1', 'Olamide Fashola'));
  await old.contacts.save(contact('c2', 'Tereza Novakova'));
  await old.close();
  const log = captureLog();
  const stores = await openStores(envWith(dir, `k2:${b64(2)}`), log.log);
  t.after(() => stores.close());
  const read = await stores.contacts.list();
  assert.deepEqual(
    read.map((c) => [c.id, c.name, c.email]),
    [
      ['c1', UNREADABLE, UNREADABLE],
      ['c2', UNREADABLE, UNREADABLE],
    ],
  );
  const reports = log.lines.filter((l) => l.msg === 'personal data not readable: its key is gone');
  assert.deepEqual(
    [...new Set(reports.map((l) => `${l.store}/${l.id}/${l.keyId}`))],
    ['contacts/c1/k1', 'contacts/c2/k1'],
  );
  assert.doesNotMatch(log.text(), /Olamide|Tereza|example\.org/);
  assert.deepEqual(await rotate(stores).then((r) => r.find((x) => x.store === 'contacts')), {
    store: 'contacts',
    resealed: 0,
    unreadable: 2,
    skipped: 0,
  });
});

test('a rotation cut off halfway goes on where it stopped when run again', async (t) => {
  const dir = dataDir(t);
  const inner = new FileContactStore(dir);
  t.after(() => inner.close());
  const k1 = new Keyring([{ id: 'k1', key: Buffer.alloc(32, 1) }], 'k1', Buffer.alloc(32, 9));
  const before = new SealedContactStore(inner, k1, () => {});
  for (const i of [1, 2, 3, 4]) await before.save(contact(`c${i}`, `Person ${i}`));
  const k2 = new Keyring(
    [
      { id: 'k1', key: Buffer.alloc(32, 1) },
      { id: 'k2', key: Buffer.alloc(32, 2) },
    ],
    'k2',
    Buffer.alloc(32, 9),
  );
  // The process dies after two records: the third write fails.
  let writes = 0;
  const dying = Object.create(inner, {
    swapSealed: {
      value: async (...args: Parameters<FileContactStore['swapSealed']>) => {
        if (++writes === 3) throw new Error('killed');
        return inner.swapSealed(...args);
      },
    },
  }) as FileContactStore;
  await assert.rejects(new SealedContactStore(dying, k2, () => {}).reseal(), /killed/);
  const keysOf = async () => (await inner.list()).map((c) => c.name.split(':')[1]);
  assert.deepEqual(await keysOf(), ['k2', 'k2', 'k1', 'k1']);
  const again = await new SealedContactStore(inner, k2, () => {}).reseal();
  assert.deepEqual(again, { store: 'contacts', resealed: 2, unreadable: 0, skipped: 0 });
  assert.deepEqual(await keysOf(), ['k2', 'k2', 'k2', 'k2']);
  const k2only = new Keyring([{ id: 'k2', key: Buffer.alloc(32, 2) }], 'k2', Buffer.alloc(32, 9));
  assert.deepEqual(
    (await new SealedContactStore(inner, k2only, () => {}).list()).map((c) => c.name),
    ['Person 1', 'Person 2', 'Person 3', 'Person 4'],
  );
});

test('npm run keys -- rotate with the embedded key file: a new key, everything sealed with it, the old one dropped', async (t) => {
  const dir = dataDir(t);
  const stores = await openStores(parseConfig({ DATA_DIR: dir }), captureLog().log);
  await stores.contacts.save(contact('c1', 'Ife Adeyemi'));
  await stores.close();
  const oldFile = JSON.parse(readFileSync(keyFileOf(dir), 'utf8'));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'keys', 'rotate'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^contacts: 1 sealed again, 0 unreadable, 0 changed meanwhile$/m);
  const file = JSON.parse(readFileSync(keyFileOf(dir), 'utf8'));
  assert.deepEqual(Object.keys(file.keys), [file.current]);
  assert.notEqual(file.current, oldFile.current);
  assert.match(
    readFileSync(join(dir, 'contacts.jsonl'), 'utf8'),
    new RegExp(`"name":"enc1:${file.current}:`),
  );
  const after = await openStores(parseConfig({ DATA_DIR: dir }), captureLog().log);
  t.after(() => after.close());
  assert.equal((await after.contacts.get('c1'))?.name, 'Ife Adeyemi');
});
