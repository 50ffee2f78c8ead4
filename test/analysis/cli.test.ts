import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../src/flows/load.ts';
import { FileCodingStore } from '../../src/store/file-coding-store.ts';
import { collect } from '../../src/store/response-store.ts';
import { fixtureCodings } from './fixture.ts';
import { embeddedStores, fill } from './setup.ts';

/** Runs `npm run <command>` as the CLI does (embedded stores in `dir`), with standard input. */
function cli(dir: string, args: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(input);
  });
}

test('npm run report writes the report; a wrong name is one line and the usage', async (t) => {
  const stores = embeddedStores(t);
  await fill(stores);
  await stores.responses.close();
  const md = await cli(stores.dir, [
    'report',
    '--format',
    'md',
    '--lang',
    'fr',
    '--by',
    'q3=RU',
    '--cross',
    'q5,q9a',
  ]);
  assert.equal(md.code, 0, md.err);
  assert.match(md.out, /^# Rapport d’enquête : advocacy/);
  assert.ok(md.out.includes('| Autres bibliothèques | 31 | 16 | 14 | 15 | 1 | 0 | 5 | 2,21 | 77 | 31 |'));
  const out = join(stores.dir, 'report.html');
  const html = await cli(stores.dir, ['report', '--out', out, '--campaign', 'pilot']);
  assert.equal(html.code, 0, html.err);
  assert.match(html.err, /report\.html: 35 respondents \(102 stored responses read\)/);
  assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/);
  const bad = await cli(stores.dir, ['report', '--by', 'q8']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /^report: q8 is a text question; group by q1, q2, q2a, q3, q4, q5, q6, q9a, q12, q16, q17 or /,
  );
  assert.match(bad.err, /usage: npm run report/);
  const multi = await cli(stores.dir, ['report', '--cross', 'q6,q2']);
  assert.match(multi.err, /q6 allows several answers[^\n]*\(q6=<option>\)/);
  assert.equal((await cli(stores.dir, ['report', '--lang', 'de'])).code, 2);
  assert.equal((await cli(stores.dir, ['report', '--colour'])).code, 2);
});

test('npm run export writes each format; the SPSS and R scripts sit beside their CSV', async (t) => {
  const stores = embeddedStores(t);
  await fill(stores);
  await stores.responses.close();
  for (const [format, out, made] of [
    ['spss', 'data', ['data.sps', 'data.csv']],
    ['r', 'survey.R', ['survey.R', 'survey.csv']],
    ['xlsx', 'data.xlsx', ['data.xlsx']],
    ['jsonl', 'long.jsonl', ['long.jsonl']],
  ] as const) {
    const run = await cli(stores.dir, ['export', format, '--out', join(stores.dir, out), '--lang', 'ar']);
    assert.equal(run.code, 0, run.err);
    for (const file of made) assert.ok(existsSync(join(stores.dir, file)), file);
  }
  assert.match(readFileSync(join(stores.dir, 'data.sps'), 'utf8'), /\/FILE="data\.csv"/);
  assert.match(readFileSync(join(stores.dir, 'survey.R'), 'utf8'), /else "survey\.csv"/);
  const csv = await cli(stores.dir, ['export', 'csv', '--where', 'q3=RU']);
  assert.equal(csv.out.trim().split('\n').length, 16);
  assert.equal((await cli(stores.dir, ['export', 'xlsx'])).code, 2, 'a workbook needs --out');
  assert.equal((await cli(stores.dir, ['export', 'sav', '--out', 'x'])).code, 2);
});

test('npm run import lists problems with row and column and exits 1; a clean file is imported', async (t) => {
  const source = embeddedStores(t);
  await fill(source);
  await source.responses.close();
  const exported = await cli(source.dir, ['export', 'csv']);
  const target = embeddedStores(t);
  await target.responses.close();
  const bad = join(target.dir, 'bad.csv');
  const lines = exported.out.split('\n');
  // q9's code columns are unknown where no codebook exists: every one is named.
  writeFileSync(bad, lines.join('\n'));
  const refused = await cli(target.dir, ['import', bad]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.out,
    /bad\.csv: row 1, column \d+ \(q9_c_financing\): unknown column "q9_c_financing"/,
  );
  assert.match(
    refused.out,
    /100 rows, 100 without problems, 11 problems; 0 imported \(nothing imported: fix the file, or use --valid-rows\)/,
  );
  const seeded = await cli(target.dir, ['code', 'codebook', 'seed']);
  assert.match(seeded.out, /q9: codebook of 11 codes from codebooks\/advocacy\/q9\.csv/);
  const good = await cli(target.dir, ['import', bad]);
  assert.equal(good.code, 0, good.out + good.err);
  assert.match(good.out, /100 rows, 100 without problems, 0 problems; 100 imported/);
  assert.equal((await cli(target.dir, ['import', join(target.dir, 'missing.csv')])).code, 2);
});

test('npm run code: codebook in and out, coding at the keyboard from standard input, agreement', async (t) => {
  const stores = embeddedStores(t);
  await fill(stores, { codings: fixtureCodings().filter((c) => c.coder !== 'alice') });
  await Promise.all([stores.responses.close(), stores.codings.close()]);
  const exported = await cli(stores.dir, ['code', 'codebook', 'export', 'q9']);
  assert.equal(exported.out, readFileSync(join(ROOT, 'codebooks/advocacy/q9.csv'), 'utf8'));
  const wrong = join(stores.dir, 'wrong.csv');
  writeFileSync(wrong, 'code,label\nBad Code,x\n');
  const refused = await cli(stores.dir, ['code', 'codebook', 'import', 'q9', wrong]);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /row 2, column code: "Bad Code" is not a code/);

  // Alice codes the first answers: financing, then lack of time and bureaucracy, then skips one, then none.
  const session = await cli(stores.dir, ['code', 'answers', 'q9', '--coder', 'alice'], '1\n35\n\n0\nq\n');
  assert.equal(session.code, 0, session.err);
  assert.match(session.out, /\[1\/50\] r000 \(en\)\nJoint reading festival with the university\. \(r000\)/);
  assert.match(session.out, /1 Financing {2}2 Misunderstanding of the role of libraries/);
  const codings = new FileCodingStore(stores.dir);
  t.after(() => codings.close());
  const alice = await collect(codings.scanCodings({ flowId: 'advocacy', coder: 'alice' }));
  assert.deepEqual(
    alice.map((c) => [c.responseId, c.codes]),
    [
      ['r000', ['financing']],
      ['r001', ['lack_of_time', 'bureaucracy']],
      ['r003', []],
    ],
  );
  const set = await cli(stores.dir, ['code', 'set', 'q9', 'r004', 'financing', '--coder', 'alice']);
  assert.equal(set.code, 0, set.err);
  const unknown = await cli(stores.dir, ['code', 'set', 'q9', 'r004', 'money', '--coder', 'alice']);
  assert.match(unknown.err, /not in the codebook of q9: money/);
  const agreement = await cli(stores.dir, ['code', 'agreement', 'q9', '--coders', 'alice,bob']);
  assert.equal(agreement.code, 0, agreement.err);
  assert.match(agreement.out, /q9: 4 answers coded by both alice and bob; 1 identical/);
  assert.match(agreement.out, /r001 {2}alice: bureaucracy, lack_of_time {2}bob: financing {2}"/);
  assert.match(agreement.out, /r004 {2}alice: financing {2}bob: lack_of_time/);
  const resolved = await cli(stores.dir, ['code', 'resolve', 'q9', 'r004', 'financing']);
  assert.match(resolved.out, /q9 r004: financing \(final\)/);
});
