import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { keyFileOf, KeyFileError, loadKeyring } from '../../src/privacy/key-source.ts';
import { Keyring, newKey, UnreadableValue } from '../../src/privacy/keyring.ts';

const key = (fill: number) => Buffer.alloc(32, fill);
const ring = (ids: string[], current: string) =>
  new Keyring(
    ids.map((id, i) => ({ id, key: key(i + 1) })),
    current,
    key(99),
  );

test('a sealed value names its key, hides the text, and opens again; each seal is different', () => {
  const keyring = ring(['k1'], 'k1');
  const a = keyring.seal('Amina Haddad', 'contacts.name');
  const b = keyring.seal('Amina Haddad', 'contacts.name');
  assert.match(a, /^enc1:k1:/);
  assert.ok(!a.includes('Amina'));
  assert.notEqual(a, b, 'a fresh IV each time');
  assert.equal(keyring.open(a, 'contacts.name'), 'Amina Haddad');
  assert.equal(keyring.open('written before sealing', 'contacts.name'), 'written before sealing');
});

test('a value moved to another field, altered, or sealed with a key that is gone does not open', () => {
  const keyring = ring(['k1'], 'k1');
  const sealed = keyring.seal('amina@example.org', 'contacts.email');
  assert.throws(() => keyring.open(sealed, 'contacts.name'), UnreadableValue);
  // Flip one bit of the ciphertext itself (not a base64 character that might stand for the same bytes).
  const [prefix, keyId, iv, body] = sealed.split(':');
  const bytes = Buffer.from(body!, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  const flipped = [prefix, keyId, iv, bytes.toString('base64url')].join(':');
  assert.notEqual(flipped, sealed);
  assert.throws(
    () => keyring.open(flipped, 'contacts.email'),
    (e: UnreadableValue) => e.reason === 'not-authentic',
  );
  const other = ring(['k2'], 'k2');
  assert.throws(
    () => other.open(sealed, 'contacts.email'),
    (e: UnreadableValue) => e.reason === 'key-missing' && e.keyId === 'k1' && !e.message.includes('amina'),
  );
});

test('rotation: values of the old key are stale; both open while both keys are listed', () => {
  const old = ring(['k1'], 'k1');
  const both = ring(['k1', 'k2'], 'k2');
  const sealed = old.seal('x', 'c');
  assert.equal(both.stale(sealed), true);
  assert.equal(both.open(sealed, 'c'), 'x');
  assert.equal(both.stale(both.seal('x', 'c')), false);
  assert.equal(both.stale('clear text'), true);
});

test('keyed hashes: stable, keyed, and apart per context', () => {
  const a = ring(['k1'], 'k1');
  const b = new Keyring([{ id: 'k1', key: key(1) }], 'k1', key(98));
  assert.equal(a.hash('123', 'session'), a.hash('123', 'session'));
  assert.notEqual(a.hash('123', 'session'), b.hash('123', 'session'));
  assert.notEqual(a.hash('123', 'session'), a.hash('123', 'telegram.chat'));
  assert.match(a.hash('123', 'session'), /^[0-9a-f]{32}$/);
});

const problems = (env: Record<string, string>) => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
};

test('configuration: wrong or missing keys stop start-up, naming the variable and never the value', () => {
  const good = `k1:${newKey()}`;
  const hash = newKey();
  assert.deepEqual(problems({ DATA_KEYS: good, DATA_HASH_KEY: hash }), []);
  const short = problems({ DATA_KEYS: 'k1:c2hvcnQ=', DATA_HASH_KEY: hash });
  assert.equal(short.length, 1);
  assert.match(short[0]!, /^DATA_KEYS: /);
  assert.ok(!short[0]!.includes('c2hvcnQ='));
  assert.match(problems({ DATA_KEYS: good })[0]!, /^DATA_HASH_KEY: not set/);
  assert.match(problems({ DATA_KEYS: good, DATA_HASH_KEY: 'nope' })[0]!, /^DATA_HASH_KEY: /);
  assert.match(
    problems({ DATA_KEYS: `${good},k2:${newKey()}`, DATA_HASH_KEY: hash })[0]!,
    /^DATA_KEY_CURRENT: not set/,
  );
  assert.match(
    problems({ DATA_KEYS: good, DATA_HASH_KEY: hash, DATA_KEY_CURRENT: 'k9' })[0]!,
    /^DATA_KEY_CURRENT: k9 is not an id in DATA_KEYS/,
  );
  assert.match(problems({ DATA_KEYS: `${good},${good}`, DATA_HASH_KEY: hash })[0]!, /listed twice/);
  assert.match(
    problems({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002' })[0]!,
    /^DATA_KEYS: not set; it is needed when REDIS_CLUSTER_NODES/,
  );
  // One process on Redis or MongoDB may keep its keys in the key file (a second replica with
  // another file is refused by the stored key check: see the test below).
  assert.deepEqual(
    problems({ REDIS_URL: 'redis://127.0.0.1:6379', MONGODB_URI: 'mongodb://127.0.0.1:27017' }),
    [],
  );
});

test('embedded with no keys configured: a key file is made in DATA_DIR (owner only) and used again', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = loadKeyring(parseConfig({ DATA_DIR: dir }));
  assert.equal(first.source, keyFileOf(dir));
  assert.ok(existsSync(keyFileOf(dir)));
  assert.equal(statSync(keyFileOf(dir)).mode & 0o777, 0o600);
  const sealed = first.keyring.seal('x', 'c');
  const again = loadKeyring(parseConfig({ DATA_DIR: dir }));
  assert.equal(again.keyring.open(sealed, 'c'), 'x');
  const file = JSON.parse(readFileSync(keyFileOf(dir), 'utf8'));
  writeFileSync(keyFileOf(dir), JSON.stringify({ ...file, keys: { k1: 'short' } }));
  assert.throws(() => loadKeyring(parseConfig({ DATA_DIR: dir })), KeyFileError);
});
