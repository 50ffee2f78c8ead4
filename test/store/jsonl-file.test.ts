import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { JsonlFile } from '../../src/store/jsonl-file.ts';

interface Row {
  id: string;
  text: string;
}

function fileIn(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'jsonl-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'rows.jsonl');
}

const open = (path: string) => new JsonlFile<Row>(path, (raw) => raw as unknown as Row);
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

test('puts made at once are all on disk when their promises resolve, each line whole', async (t) => {
  const path = fileIn(t);
  const file = open(path);
  const rows = Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, text: 'é'.repeat(i % 50) }));
  await Promise.all(rows.map((row) => file.put(row)));
  // Read before close: resolved means written, not merely queued.
  assert.deepEqual(
    lines(path)
      .map((l) => JSON.parse(l) as Row)
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1))),
    rows,
  );
  await file.close();
  assert.deepEqual(open(path).values().length, 300);
});

test('a put is seen by get at once, before it is on disk', async (t) => {
  const file = open(fileIn(t));
  const written = file.put({ id: 'a', text: 'one' });
  assert.deepEqual(file.get('a'), { id: 'a', text: 'one' });
  await written;
  await file.close();
});

test('a delete made while puts are still being written leaves no line of the deleted record', async (t) => {
  const path = fileIn(t);
  const file = open(path);
  const writes = [
    file.put({ id: 'a', text: 'erase me' }),
    file.put({ id: 'b', text: 'keep' }),
    file.delete(['a']),
    file.put({ id: 'c', text: 'after' }),
    file.put({ id: 'b', text: 'keep, changed' }),
  ];
  assert.equal(file.get('a'), undefined);
  await Promise.all(writes);
  await file.close();
  assert.ok(!readFileSync(path, 'utf8').includes('erase me'));
  assert.deepEqual(
    open(path)
      .values()
      .sort((x, y) => x.id.localeCompare(y.id)),
    [
      { id: 'b', text: 'keep, changed' },
      { id: 'c', text: 'after' },
    ],
  );
});

test('writes go on after a delete: the file is appended to again, and reopened as written', async (t) => {
  const path = fileIn(t);
  const file = open(path);
  await file.put({ id: 'a', text: 'x' });
  await file.delete(['a']);
  await file.put({ id: 'b', text: 'y' });
  await file.close();
  assert.deepEqual(lines(path), ['{"id":"b","text":"y"}']);
});

test('close waits for the writes under way', async (t) => {
  const path = fileIn(t);
  const file = open(path);
  void file.put({ id: 'a', text: 'x' });
  void file.put({ id: 'b', text: 'y' });
  await file.close();
  assert.equal(lines(path).length, 2);
});

test('a torn last line (power cut mid-write) is skipped on load; the lines before it are kept', async (t) => {
  const path = fileIn(t);
  const file = open(path);
  await file.put({ id: 'a', text: 'whole' });
  await file.close();
  appendFileSync(path, '{"id":"b","te');
  const reopened = open(path);
  assert.deepEqual(reopened.values(), [{ id: 'a', text: 'whole' }]);
  // The next line is not glued to the torn one.
  await reopened.put({ id: 'c', text: 'next' });
  await reopened.close();
  assert.deepEqual(open(path).values(), [
    { id: 'a', text: 'whole' },
    { id: 'c', text: 'next' },
  ]);
});

/** Memory keeps only a head; whole rows come from the file. */
const openHeads = (path: string) =>
  new JsonlFile<Row, { id: string; size: number }>(
    path,
    (raw) => raw as unknown as Row,
    (row) => ({ id: row.id, size: row.text.length }),
  );

test('with heads kept in memory, whole records are read from disk, also after a reopen', async (t) => {
  const path = fileIn(t);
  const file = openHeads(path);
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, text: `${'ж'.repeat(i)} ${i}` }));
  await Promise.all(rows.map((row) => file.put(row)));
  await file.put({ id: 'r7', text: 'changed' });
  assert.deepEqual(file.get('r7'), { id: 'r7', size: 7 });
  assert.deepEqual(await file.read('r7'), { id: 'r7', text: 'changed' });
  assert.deepEqual(await file.read('r49'), rows[49]);
  assert.equal(await file.read('nope'), undefined);
  await file.close();
  const reopened = openHeads(path);
  assert.deepEqual(await reopened.read('r7'), { id: 'r7', text: 'changed' });
  const scanned: Row[] = [];
  for await (const row of reopened.scan(
    (h) => h.size > 42,
    (a, b) => b.size - a.size,
  ))
    scanned.push(row);
  assert.deepEqual(
    scanned.map((r) => r.id),
    ['r49', 'r48', 'r47', 'r46', 'r45', 'r44', 'r43', 'r42', 'r41', 'r40'],
  );
  assert.deepEqual(scanned[0], rows[49]);
  await reopened.close();
});

test('after a delete the remaining records are read from their new places', async (t) => {
  const path = fileIn(t);
  const file = openHeads(path);
  for (let i = 0; i < 20; i++) await file.put({ id: `r${i}`, text: `row ${i}` });
  await file.delete(['r0', 'r5', 'r19']);
  await file.put({ id: 'r20', text: 'after the rewrite' });
  assert.deepEqual(await file.read('r6'), { id: 'r6', text: 'row 6' });
  assert.deepEqual(await file.read('r20'), { id: 'r20', text: 'after the rewrite' });
  const ids: string[] = [];
  for await (const row of file.scan(() => true)) ids.push(row.id);
  assert.equal(ids.length, 18);
  assert.ok(!ids.includes('r5'));
  await file.close();
  assert.equal(lines(path).length, 18);
});

test('a scan started before a delete reads the records as they were when it started', async (t) => {
  const path = fileIn(t);
  const file = openHeads(path);
  for (let i = 0; i < 10; i++) await file.put({ id: `r${i}`, text: `row ${i}` });
  const seen: string[] = [];
  for await (const row of file.scan(() => true)) {
    seen.push(row.text);
    if (row.id === 'r2') await file.delete(['r0', 'r1', 'r2', 'r3']);
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 10 }, (_, i) => `row ${i}`),
  );
  await file.close();
});

test('a file written in lines longer than a read chunk loads and reads back', async (t) => {
  const path = fileIn(t);
  const file = openHeads(path);
  const long = { id: 'long', text: 'x'.repeat(3 << 20) };
  await file.put({ id: 'a', text: 'before' });
  await file.put(long);
  await file.put({ id: 'b', text: 'after' });
  await file.close();
  const reopened = openHeads(path);
  assert.deepEqual(reopened.get('long'), { id: 'long', size: 3 << 20 });
  assert.deepEqual(await reopened.read('long'), long);
  const all: string[] = [];
  for await (const row of reopened.scan(() => true)) all.push(row.id);
  assert.deepEqual(all, ['a', 'long', 'b']);
  await reopened.close();
});
