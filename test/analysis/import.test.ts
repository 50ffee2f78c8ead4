import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { wideLayout } from '../../src/analysis/export/wide.ts';
import {
  formatProblem,
  importWideCsv,
  type ImportResult,
} from '../../src/analysis/import/wide-csv-import.ts';
import { exportCsv, prepareExport } from '../../src/analysis/run-export.ts';
import { runReport } from '../../src/analysis/run-report.ts';
import { codeKeys, loadContext } from '../../src/analysis/sources.ts';
import type { Answer } from '../../src/engine/session.ts';
import { MongoCodingStore } from '../../src/store/mongo-coding-store.ts';
import { MongoInvitationStore } from '../../src/store/mongo-invitation-store.ts';
import { MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { collect } from '../../src/store/response-store.ts';
import { syntheticResponses } from '../../bench/synthetic-responses.ts';
import { flow } from '../support/flow.ts';
import { mongoFor } from '../support/stores.ts';
import { fixtureCodings, fixtureResponses } from './fixture.ts';
import { collector, embeddedStores, fill, translator, type Filled } from './setup.ts';

/** Byte for byte; a failure names the first line that differs rather than printing both files. */
function sameBytes(actual: string, expected: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((l, i) => l !== e[i]);
  assert.fail(
    `line ${line + 1} differs:\n  got      ${a[line]?.slice(0, 300)}\n  expected ${e[line]?.slice(0, 300)}`,
  );
}

async function csvOf(stores: Filled['stores']): Promise<string> {
  const out = collector();
  await exportCsv(await prepareExport(stores, flow, translator, { lang: 'en' }), out.write);
  return out.text();
}

/** Stores for a file to go into: empty, with the flow's q9 codebook (so its code columns are known). */
async function target(t: TestContext): Promise<Filled['stores']> {
  const stores = embeddedStores(t);
  await fill(stores, { responses: [], codings: [], invitations: [] });
  return stores;
}

async function importInto(stores: Filled['stores'], path: string, opts = {}): Promise<ImportResult> {
  const context = await loadContext(stores, flow);
  return importWideCsv(path, wideLayout(flow, codeKeys(context), context), stores, opts);
}

async function tablesOf(stores: Filled['stores']) {
  const out = collector();
  const report = await runReport(stores, flow, translator, { lang: 'en', format: 'json' }, out.write);
  const { texts } = JSON.parse(out.text()) as { texts: unknown };
  return { questions: report.questions, respondents: report.respondents, texts };
}

/** The fixture without what an export cannot carry: an older version's option, a coders' dispute. */
function roundTrippable() {
  const responses = fixtureResponses().map((r) =>
    r.id === 'r084'
      ? {
          ...r,
          answers: {
            ...r.answers,
            q4: { status: 'answered', value: { option: 'not_applicable' } } as Answer,
          },
        }
      : r,
  );
  const codings = fixtureCodings().filter((c) => !(c.responseId === 'r017' && c.coder === 'bob'));
  return { responses, codings };
}

async function exportImportExport(t: TestContext, into: Filled['stores']) {
  const source = embeddedStores(t);
  await fill(source, roundTrippable());
  const first = await csvOf(source);
  const path = join(source.dir, 'first.csv');
  writeFileSync(path, first);
  // The invitations and the codebook belong to the data set; the responses and codes come from the file.
  await into.codings.saveCodebook((await source.codings.getCodebook('advocacy', 'q9'))!);
  for (const invitation of await source.invitations.list()) await into.invitations.create(invitation);
  const result = await importInto(into, path);
  assert.deepEqual([result.rows, result.valid, result.imported, result.problemCount], [100, 100, 100, 0]);
  const second = await csvOf(into);
  sameBytes(second, first);
  assert.deepEqual(await tablesOf(into), await tablesOf(source), 'the same tables and texts');
}

test('export → import → export is byte-identical, and the data give the same report (embedded)', async (t) => {
  const into = embeddedStores(t);
  await exportImportExport(t, into);
  // A bare country code (an older response) comes back with its region.
  assert.deepEqual((await into.responses.get('r001'))!.answers.q3, {
    status: 'answered',
    value: { code: 'RU', region: '150', subregion: '151' },
  });
  const imported = await into.responses.get('r002');
  assert.equal(
    (imported!.answers.q8 as { value: string }).value,
    'مكتبة عامة، "اقتباس"',
    'direction controls dropped once',
  );
  assert.deepEqual((await into.responses.get('r003'))!.answers.q8, {
    status: 'answered',
    value: 'line one\nline two, with a comma',
  });
  assert.deepEqual((await into.responses.get('r050'))!.answers.q7, {
    status: 'answered',
    value: { order: ['nonprofit'], na: [] },
    auto: true,
  });
  const finals = await collect(into.codings.scanCodings({ flowId: 'advocacy', coder: 'final' }));
  assert.equal(finals.length, 25, 'the codes carried in the file are the final coding');
});

test('export → import into MongoDB → export is byte-identical', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  await exportImportExport(t, {
    responses: new MongoResponseStore(mongo.connection),
    invitations: new MongoInvitationStore(mongo.connection),
    codings: new MongoCodingStore(mongo.connection),
  });
});

test('2,000 synthetic respondents go round the same way', async (t) => {
  const source = embeddedStores(t);
  await fill(source, {
    responses: [...syntheticResponses(flow, 2000, { seed: 7 })],
    codings: [],
    invitations: [],
    codebook: false,
  });
  const first = await csvOf(source);
  const path = join(source.dir, 'first.csv');
  writeFileSync(path, first);
  const into = embeddedStores(t);
  const result = await importInto(into, path);
  assert.equal(result.problemCount, 0, result.problems.map(formatProblem).join('\n'));
  sameBytes(await csvOf(into), first);
});

/** A valid exported file, as rows of cells, to break in chosen places. */
async function validRows(t: TestContext): Promise<{ header: string[]; rows: string[][]; dir: string }> {
  const source = embeddedStores(t);
  await fill(source, roundTrippable());
  const [header, ...rows] = parse(await csvOf(source)) as string[][];
  return { header: header!, rows, dir: source.dir };
}

function set(file: { header: string[]; rows: string[][] }, row: number, column: string, value: string): void {
  file.rows[row - 2]![file.header.indexOf(column)] = value;
}

test('every problem in a file is reported with its row and column, and nothing is imported', async (t) => {
  const file = await validRows(t);
  set(file, 2, 'q2', 'yes'); // a text where a number is expected
  set(file, 3, 'q1', '9'); // no such option
  set(file, 4, 'q14_libraries', '7'); // rank out of range
  set(file, 5, 'q14_government', '1'); // rank 1 twice (libraries has it)
  set(file, 6, 'q6_libraries', '-1'); // declined in one column, answered in the others
  set(file, 7, 'q2a', '1'); // answered, but q2 is yes... (valid) so break q2 instead
  set(file, 7, 'q2', '2'); // q2a answered while q2 = no
  set(file, 8, 'q5a_currency', 'EURO');
  set(file, 9, 'started_at', 'yesterday');
  set(file, 10, 'response_id', 'r000'); // the id of row 2
  const header = [...file.header, 'mystery'];
  const path = join(file.dir, 'bad.csv');
  writeFileSync(path, stringify([header, ...file.rows.map((r) => [...r, ''])]));
  const into = await target(t);
  const result = await importInto(into, path);
  assert.deepEqual(result.problems.map(formatProblem), [
    `row 1, column ${header.length} (mystery): unknown column "mystery"`,
    'row 2, column 15 (q2): "yes" is not one of 1 (yes), 2 (no) or a missing code',
    'row 3, column 13 (q1): "9" is not an option code (1 to 7) or a missing code',
    `row 4, column ${header.indexOf('q14_libraries') + 1} (q14_libraries): rank 7 is out of range (1 to 6)`,
    `row 5, column ${header.indexOf('q14_government') + 1} (q14_government): rank 1 is given twice (also to libraries)`,
    `row 6, column ${header.indexOf('q6_libraries') + 1} (q6_libraries): q6 is marked missing in some of its columns and answered in others`,
    'row 7, column 16 (q2a): q2a is answered, but by the flow it does not apply to this respondent',
    `row 8, column ${header.indexOf('q5a_currency') + 1} (q5a_currency): "EURO" is not an ISO 4217 currency code`,
    'row 9, column 10 (started_at): "yesterday" is not a UTC time such as 2025-03-01T10:00:00.000Z',
    'row 10, column 1 (response_id): response id also on row 2',
  ]);
  assert.equal(result.imported, 0);
  assert.deepEqual(await collect(into.responses.scan()), []);
});

test('asked to, the rows without problems are imported; a bad header still stops everything', async (t) => {
  const file = await validRows(t);
  set(file, 2, 'q2', 'yes');
  set(file, 3, 'q9a', 'maybe');
  const path = join(file.dir, 'some-bad.csv');
  writeFileSync(path, stringify([file.header, ...file.rows]));
  const into = await target(t);
  const result = await importInto(into, path, { validRows: true });
  assert.deepEqual([result.rows, result.valid, result.imported, result.problemCount], [100, 98, 98, 2]);
  assert.equal(await into.responses.get('r000'), null);
  assert.notEqual(await into.responses.get('r002'), null);
  const dry = await importInto(await target(t), path, { dryRun: true });
  assert.equal(dry.imported, 0);
  writeFileSync(path, stringify([[...file.header.slice(0, -1), 'zzz'], ...file.rows]));
  const refused = await importInto(await target(t), path, { validRows: true });
  assert.equal(refused.imported, 0);
});

test('a file in another encoding is refused with the line it fails on', async (t) => {
  const file = await validRows(t);
  const into = await target(t);
  const latin1 = join(file.dir, 'latin1.csv');
  // r088's row is plain ASCII but for its "other" text, which a Windows-1252 file writes as one byte.
  const text = stringify([file.header, file.rows[88]!]).replace('Special library 1', 'Bibliothèque spéciale');
  writeFileSync(latin1, Buffer.from(text, 'latin1'));
  const result = await importInto(into, latin1);
  assert.equal(result.imported, 0);
  assert.deepEqual(result.problems.map(formatProblem), [
    `row 2, column ${file.header.indexOf('q1_other_text') + 1}: not UTF-8 text (byte ${
      text.split('\n')[1]!.indexOf('è') + 1
    } of the line): the file seems to be in another encoding; save it as "CSV UTF-8"`,
  ]);
  const utf16 = join(file.dir, 'utf16.csv');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const second = await importInto(into, utf16);
  assert.deepEqual(second.problems.map(formatProblem), [
    'row 1: the file is in UTF-16: save it as "CSV UTF-8" and import it again',
  ]);
  const bom = join(file.dir, 'bom.csv');
  writeFileSync(bom, '\uFEFF' + stringify([file.header, ...file.rows.slice(0, 3)]));
  assert.equal((await importInto(into, bom)).imported, 3, 'a UTF-8 byte order mark (Excel) is fine');
});

test('100,000 rows: the problems on the last rows are found with their row numbers, nothing imported', async (t) => {
  const file = await validRows(t);
  const template = file.rows[0]!;
  const path = join(file.dir, 'big.csv');
  const out = createWriteStream(path);
  out.write(stringify([file.header]));
  for (let i = 0; i < 100_000; i++) {
    const row = [...template];
    row[0] = `big-${i}`;
    if (i === 99_998) row[file.header.indexOf('q4')] = 'many';
    if (i === 99_999) row[file.header.indexOf('q14_others')] = '1';
    if (!out.write(stringify([row]))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const into = await target(t);
  const result = await importInto(into, path);
  assert.deepEqual([result.rows, result.valid, result.imported], [100_000, 99_998, 0]);
  assert.deepEqual(result.problems.map(formatProblem), [
    `row 100000, column ${file.header.indexOf('q4') + 1} (q4): "many" is not an option code (1 to 6) or a missing code`,
    `row 100001, column ${file.header.indexOf('q14_others') + 1} (q14_others): rank 1 is given twice (also to libraries)`,
  ]);
  assert.ok(readFileSync(path).length > 10_000_000);
});
