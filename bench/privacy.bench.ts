import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importInvitees } from '../src/campaigns/invitees.ts';
import { Keyring } from '../src/privacy/keyring.ts';
import { RateLimiter } from '../src/privacy/rate-limit.ts';
import { SealedConversationStore } from '../src/privacy/sealed-conversations.ts';
import { SealedInviteeStore } from '../src/privacy/sealed-invitees.ts';
import { FileConversationStore } from '../src/store/file-followup-store.ts';
import { FileInvitationStore } from '../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../src/store/file-invitee-store.ts';
import { campaign } from '../test/store/campaign-stores.contract.ts';

/**
 * What sealing costs a turn: a Redis session is sealed on every write and opened on every read
 * that is not served from memory, and its key hashed once per turn. Prints operations per second
 * and microseconds each for a whole survey's session (about 3 KB of JSON), and the per-user rate
 * limiter's cost per update; then a 10,000-row invitee import into the embedded store in clear
 * and sealed, and a rotation of 10,000 transcript lines to a new key.
 */
export async function run(): Promise<void> {
  const keyring = new Keyring([{ id: 'k1', key: Buffer.alloc(32, 1) }], 'k1', Buffer.alloc(32, 2));
  const answers = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `q${i}`,
      { status: 'answered', value: { option: `option_${i}`, other: 'some typed words here' } },
    ]),
  );
  const session = JSON.stringify({
    schema: 2,
    id: 'x'.repeat(36),
    answers,
    durations: {},
    meta: { chat: '123456789' },
  });
  const time = (name: string, n: number, op: (i: number) => void) => {
    for (let i = 0; i < 1000; i++) op(i);
    const start = performance.now();
    for (let i = 0; i < n; i++) op(i);
    const ms = performance.now() - start;
    console.log(
      `${name}: ${Math.round((n / ms) * 1000).toLocaleString('en')} per second, ${((ms * 1000) / n).toFixed(1)} µs each`,
    );
  };
  const sealed = keyring.seal(session, 'session');
  console.log(`session JSON ${session.length} bytes, sealed ${sealed.length} bytes`);
  time('seal a session', 20_000, () => keyring.seal(session, 'session'));
  time('open a session', 20_000, () => keyring.open(sealed, 'session'));
  time('keyed hash of a session key', 100_000, (i) => keyring.hash(`telegram:${i}`, 'session'));
  const limiter = new RateLimiter({ perMinute: 240, burst: 120, clock: Date.now });
  time('rate limiter, 10,000 users', 1_000_000, (i) => limiter.take(`telegram:${i % 10_000}`));
  await invitees(keyring);
  await transcripts();
}

async function invitees(keyring: Keyring): Promise<void> {
  const rows = Array.from({ length: 10_000 }, (_, i) => `Person ${i},p${i}@example.org,Org ${i},City ${i}`);
  const file = Buffer.from(['name,email,organisation,city', ...rows].join('\n'));
  for (const sealed of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-invitees-'));
    const raw = new FileInviteeStore(dir);
    const store = sealed ? new SealedInviteeStore(raw, keyring, () => {}) : raw;
    const invitations = new FileInvitationStore(dir);
    const start = performance.now();
    await importInvitees({ invitees: store, invitations }, campaign(), 'm-1', file, new Date());
    const ms = performance.now() - start;
    console.log(`import 10,000 invitees, ${sealed ? 'sealed' : 'in clear'}: ${(ms / 1000).toFixed(2)} s`);
    await Promise.all([store.close(), invitations.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function transcripts(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-transcripts-'));
  const inner = new FileConversationStore(dir);
  const k1 = { id: 'k1', key: Buffer.alloc(32, 1) };
  const k2 = { id: 'k2', key: Buffer.alloc(32, 3) };
  const before = new SealedConversationStore(inner, new Keyring([k1], 'k1', Buffer.alloc(32, 2)), () => {});
  const at = new Date();
  await Promise.all(
    Array.from({ length: 10_000 }, (_, i) =>
      before.append({
        id: `m${String(i).padStart(6, '0')}`,
        conversation: `c${i % 100}`,
        respondent: `p${i % 100}`,
        at,
        side: 'respondent',
        author: 'respondent',
        text: `a message of some fifty characters, number ${i}`,
      }),
    ),
  );
  const after = new SealedConversationStore(
    inner,
    new Keyring([k1, k2], 'k2', Buffer.alloc(32, 2)),
    () => {},
  );
  const start = performance.now();
  const result = await after.reseal();
  const ms = performance.now() - start;
  console.log(`rotate ${result.resealed.toLocaleString('en')} transcript lines: ${(ms / 1000).toFixed(2)} s`);
  await inner.close();
  rmSync(dir, { recursive: true, force: true });
}
