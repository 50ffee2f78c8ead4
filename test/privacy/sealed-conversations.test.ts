import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Keyring } from '../../src/privacy/keyring.ts';
import { SealedConversationStore } from '../../src/privacy/sealed-conversations.ts';
import { UNREADABLE, type UnreadableRecord } from '../../src/privacy/sealed-stores.ts';
import { FileConversationStore } from '../../src/store/file-followup-store.ts';
import { type Note, type TranscriptMessage } from '../../src/store/followup-store.ts';

const key = (fill: number) => ({ id: `k${fill}`, key: Buffer.alloc(32, fill) });
const ring = (current: number, ...others: number[]) =>
  new Keyring([key(current), ...others.map(key)], `k${current}`, Buffer.alloc(32, 9));

function folder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealed-conversations-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const at = (s: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + s * 1000);
const line = (i: number, respondent = 'p1'): TranscriptMessage => ({
  id: `m${String(i).padStart(4, '0')}`,
  conversation: `c-${respondent}`,
  respondent,
  at: at(i),
  side: i % 2 ? 'interviewer' : 'respondent',
  author: i % 2 ? 'i1' : 'respondent',
  text: `Message ${i} from Wanjiru Kamau-Oduya, wanjiru@example.org`,
});
const note = (i: number, respondent = 'p1'): Note => ({
  id: `n${String(i).padStart(4, '0')}`,
  conversation: `c-${respondent}`,
  respondent,
  at: at(i),
  author: 'i1',
  text: `Note ${i}: call Wanjiru after six`,
});
const files = (dir: string) =>
  ['transcripts.jsonl', 'notes.jsonl'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

test('transcript lines and notes are sealed at rest with their key id, and read in clear through the store', async (t) => {
  const dir = folder(t);
  const inner = new FileConversationStore(dir);
  t.after(() => inner.close());
  const store = new SealedConversationStore(inner, ring(1), () => {});
  for (const i of [1, 2, 3]) await store.append(line(i));
  await store.addNote(note(4));
  assert.deepEqual(await store.transcript('c-p1'), [line(1), line(2), line(3)]);
  assert.deepEqual(await store.notes('c-p1'), [note(4)]);
  assert.doesNotMatch(files(dir), /Wanjiru|example\.org|Message|Note/);
  const stored = await inner.lines('transcript', '', 10);
  assert.equal(stored.length, 3);
  for (const l of stored) assert.match(l.text, /^enc1:k1:/);
  assert.equal(stored[0]!.respondent, 'p1', 'the pseudonym stays in clear: erasure finds the lines');
  assert.equal(await store.deleteByRespondent('p1'), 4);
  assert.doesNotMatch(files(dir), /enc1/);
});

test('lines written before sealing read as they are; rotation seals them and every line of the old key, in batches, and the old key is then not needed', async (t) => {
  const dir = folder(t);
  const inner = new FileConversationStore(dir);
  t.after(() => inner.close());
  // Older than sealing: clear text in the file.
  for (let i = 0; i < 5; i++) await inner.append(line(i));
  await inner.addNote(note(5));
  const k1 = new SealedConversationStore(inner, ring(1), () => {});
  assert.deepEqual(
    await k1.transcript('c-p1'),
    [0, 1, 2, 3, 4].map((i) => line(i)),
  );
  // More than one batch of lines sealed with k1.
  for (let i = 10; i < 460; i++) await k1.append(line(i, 'p2'));
  await k1.addNote(note(6));

  const both = new SealedConversationStore(inner, ring(2, 1), () => {});
  assert.deepEqual(await both.reseal(true), {
    store: 'conversations',
    resealed: 457,
    unreadable: 0,
    skipped: 0,
  });
  assert.deepEqual(await both.reseal(), { store: 'conversations', resealed: 457, unreadable: 0, skipped: 0 });
  assert.deepEqual(await both.reseal(), { store: 'conversations', resealed: 0, unreadable: 0, skipped: 0 });
  assert.doesNotMatch(files(dir), /enc1:k1:|Wanjiru/);

  const reports: UnreadableRecord[] = [];
  const k2 = new SealedConversationStore(inner, ring(2), (r) => reports.push(r));
  assert.deepEqual(
    await k2.transcript('c-p1'),
    [0, 1, 2, 3, 4].map((i) => line(i)),
  );
  assert.equal((await k2.transcript('c-p2')).length, 450);
  assert.deepEqual(await k2.notes('c-p1'), [note(5), note(6)]);
  assert.deepEqual(reports, []);
});

test('a line whose key is gone reads as unreadable, is reported by id, and is left alone by a rotation', async (t) => {
  const dir = folder(t);
  const inner = new FileConversationStore(dir);
  t.after(() => inner.close());
  await new SealedConversationStore(inner, ring(1), () => {}).append(line(1));
  const reports: UnreadableRecord[] = [];
  const k2 = new SealedConversationStore(inner, ring(2), (r) => reports.push(r));
  assert.equal((await k2.transcript('c-p1'))[0]!.text, UNREADABLE);
  assert.deepEqual(reports, [{ store: 'transcripts', id: line(1).id, keyId: 'k1', reason: 'key-missing' }]);
  assert.deepEqual(await k2.reseal(), { store: 'conversations', resealed: 0, unreadable: 1, skipped: 0 });
  assert.match((await inner.lines('transcript', '', 1))[0]!.text, /^enc1:k1:/);
});

test('a respondent erased while a rotation runs stays erased: no line of theirs is written back', async (t) => {
  const dir = folder(t);
  const inner = new FileConversationStore(dir);
  t.after(() => inner.close());
  const k1 = new SealedConversationStore(inner, ring(1), () => {});
  for (const i of [1, 2]) await k1.append(line(i, 'p1'));
  for (const i of [3, 4]) await k1.append(line(i, 'p2'));
  // The erasure lands between the rotation's read of a batch and its rewrites.
  const racing = Object.create(inner, {
    lines: {
      value: async (...args: Parameters<FileConversationStore['lines']>) => {
        const batch = await inner.lines(...args);
        await inner.deleteByRespondent('p2');
        return batch;
      },
    },
  }) as FileConversationStore;
  const result = await new SealedConversationStore(racing, ring(2, 1), () => {}).reseal();
  assert.deepEqual(result, { store: 'conversations', resealed: 2, unreadable: 0, skipped: 2 });
  assert.deepEqual(
    (await inner.lines('transcript', '', 10)).map((l) => l.respondent),
    ['p1', 'p1'],
  );
  const reopened = new FileConversationStore(dir);
  t.after(() => reopened.close());
  assert.deepEqual(await reopened.transcript('c-p2'), []);
});
