import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { agreement } from '../../src/analysis/coding/agreement.ts';
import {
  CodebookCsvError,
  readCodebookCsv,
  writeCodebookCsv,
} from '../../src/analysis/coding/codebook-csv.ts';
import { CodingQueue } from '../../src/analysis/coding/queue.ts';
import { resolveCodes } from '../../src/analysis/coding/resolve.ts';
import { cohenKappa } from '../../src/analysis/stats.ts';
import { fixtureCodings } from './fixture.ts';
import { Q9_CODES } from './setup.ts';

test("Cohen's kappa of a worked example with a known value: 0.40 (two readers, 50 proposals)", () => {
  // Both yes 20, A yes/B no 5, A no/B yes 10, both no 15: po = 0.70, pe = 0.5·0.6 + 0.5·0.4 = 0.50.
  const k = cohenKappa([
    [20, 5],
    [10, 15],
  ]);
  assert.equal(k.n, 50);
  assert.ok(Math.abs(k.observed - 0.7) < 1e-12);
  assert.ok(Math.abs(k.expected - 0.5) < 1e-12);
  assert.ok(Math.abs(k.kappa! - 0.4) < 1e-12);
});

test("Cohen's kappa over three categories, counted by hand", () => {
  // po = 24/30; row sums 12, 10, 8 and column sums 11, 12, 7 give pe = 308/900.
  const k = cohenKappa([
    [10, 2, 0],
    [1, 8, 1],
    [0, 2, 6],
  ]);
  assert.ok(Math.abs(k.kappa! - (24 / 30 - 308 / 900) / (1 - 308 / 900)) < 1e-12);
  assert.equal(k.kappa!.toFixed(4), '0.6959');
  assert.equal(cohenKappa([[7]]).kappa, null, 'one category for everything: undefined, not 1');
});

test('two coders on one question: the worked example as codes, per code, pooled and as single categories', () => {
  const codings: { responseId: string; coder: string; codes: string[] }[] = [];
  const add = (n: number, a: string[], b: string[]) => {
    for (let i = 0; i < n; i++) {
      const id = `a${codings.length / 2}`;
      codings.push({ responseId: id, coder: 'alice', codes: a }, { responseId: id, coder: 'bob', codes: b });
    }
  };
  add(20, ['financing'], ['financing']);
  add(5, ['financing'], ['lack_of_time']);
  add(10, ['lack_of_time'], ['financing']);
  add(15, ['lack_of_time'], ['lack_of_time']);
  const result = agreement(['financing', 'lack_of_time'], codings, 'alice', 'bob');
  assert.equal(result.answers, 50);
  assert.equal(result.identical, 35);
  assert.ok(Math.abs(result.single! - 0.4) < 1e-12, 'the 2x2 example again');
  const financing = result.perCode.find((c) => c.code === 'financing')!;
  assert.deepEqual([financing.both, financing.onlyA, financing.onlyB, financing.neither], [20, 5, 10, 15]);
  assert.ok(Math.abs(financing.kappa! - 0.4) < 1e-12);
  // Pooled: both tables summed, [[20+15, 5+10], [10+5, 15+20]] = [[35, 15], [15, 35]]: po 0.7, pe 0.5.
  assert.ok(Math.abs(result.pooled! - 0.4) < 1e-12);
  assert.equal(result.disagreements.length, 15);
  assert.deepEqual(result.disagreements[0], { responseId: 'a20', a: ['financing'], b: ['lack_of_time'] });
});

test("the fixture's coders: two disagreements listed, several codes per answer allowed", () => {
  const result = agreement(
    Q9_CODES.map((c) => c.code),
    fixtureCodings(),
    'alice',
    'bob',
  );
  assert.equal(result.answers, 20);
  assert.equal(result.single, null, 'one answer has two codes');
  assert.deepEqual(result.disagreements, [
    { responseId: 'r004', a: ['financing'], b: ['lack_of_time'] },
    { responseId: 'r017', a: ['bureaucracy', 'financing'], b: ['financing'] },
  ]);
  const bureaucracy = result.perCode.find((c) => c.code === 'bureaucracy')!;
  // Alice gave it 3 times, Bob twice, both on the same 2: po 19/20, pe (3·2 + 17·18)/400.
  assert.ok(Math.abs(bureaucracy.kappa! - (19 / 20 - 312 / 400) / (1 - 312 / 400)) < 1e-12);
});

test('what counts: a final coding, else the coders when they agree, else disputed', () => {
  assert.equal(resolveCodes([]), undefined);
  assert.deepEqual(resolveCodes([{ coder: 'alice', codes: ['b', 'a'] }]), ['a', 'b']);
  assert.deepEqual(
    resolveCodes([
      { coder: 'alice', codes: ['a', 'b'] },
      { coder: 'bob', codes: ['b', 'a'] },
    ]),
    ['a', 'b'],
  );
  assert.equal(
    resolveCodes([
      { coder: 'alice', codes: ['a'] },
      { coder: 'bob', codes: [] },
    ]),
    'disputed',
  );
  assert.deepEqual(
    resolveCodes([
      { coder: 'alice', codes: ['a'] },
      { coder: 'bob', codes: [] },
      { coder: 'final', codes: [] },
    ]),
    [],
  );
});

test('coding at the keyboard: code keys toggle, Enter saves and moves on, arrows move, 0 is "no code", u skips to uncoded', () => {
  const items = ['one', 'two', 'three', 'four'].map((text, i) => ({
    responseId: `r${i}`,
    respondent: `p${i}`,
    locale: 'en',
    text,
    ...(i === 2 ? { codes: ['other'] } : {}),
  }));
  const queue = new CodingQueue(items, Q9_CODES);
  assert.equal(queue.keyOf('financing'), '1');
  assert.equal(queue.keyOf('no_problem'), '9');
  assert.equal(queue.keyOf('no_advocacy'), 'a');
  assert.equal(queue.press('1'), null);
  queue.press('3');
  queue.press('1');
  assert.deepEqual(queue.chosen, ['lack_of_time']);
  queue.press('1');
  assert.deepEqual(queue.press('Enter'), { save: { item: items[0], codes: ['financing', 'lack_of_time'] } });
  assert.equal(queue.position, 1);
  queue.press('ArrowLeft');
  assert.deepEqual(queue.chosen, ['financing', 'lack_of_time'], 'a saved answer shows its codes');
  queue.press('Escape');
  assert.deepEqual(queue.chosen, []);
  queue.press('ArrowRight');
  assert.deepEqual(queue.press('0'), { save: { item: items[1], codes: [] } });
  assert.equal(queue.current!.text, 'three');
  assert.deepEqual(queue.chosen, ['other']);
  queue.press('ArrowLeft');
  queue.press('ArrowLeft');
  queue.press('u');
  assert.equal(queue.current!.text, 'four', 'u skips the coded ones');
  assert.deepEqual(queue.line('2 b'), {
    save: { item: items[3], codes: ['misunderstanding_role', 'other'] },
  });
  assert.equal(queue.current, undefined);
  assert.equal(queue.coded, 4);
  assert.deepEqual(queue.press('q'), { quit: true });
});

test('the shipped q9 codebook: the 2013 categories in five languages, read and written back the same', () => {
  const text = readFileSync(join(import.meta.dirname, '../../codebooks/advocacy/q9.csv'), 'utf8');
  const codes = readCodebookCsv(text);
  assert.deepEqual(
    codes.map((c) => c.code),
    [
      'financing',
      'misunderstanding_role',
      'lack_of_time',
      'no_meeting_place',
      'bureaucracy',
      'staff_passivity',
      'social_atmosphere',
      'many_problems',
      'no_problem',
      'no_advocacy',
      'other',
    ],
  );
  assert.ok(codes.every((c) => ['en', 'ru', 'ar', 'es', 'fr'].every((l) => c.labels[l])));
  assert.equal(writeCodebookCsv(codes), text);
});

test('a faulty codebook file is refused with every problem, by row and column', () => {
  const problems = (csv: string) => {
    try {
      readCodebookCsv(csv);
    } catch (error) {
      assert.ok(error instanceof CodebookCsvError);
      return error.problems;
    }
    assert.fail('accepted');
  };
  assert.deepEqual(problems('code,label_en,colour\nx,X,red\n'), ['row 1, column 3: unknown column "colour"']);
  assert.deepEqual(problems('code,label_en\nFinance,Money\nok,\nok,OK\n'), [
    'row 2, column code: "Finance" is not a code (use a-z, 0-9 and _)',
    'row 3: code "ok" has no label',
    'row 4, column code: "ok" appears twice',
  ]);
  assert.deepEqual(problems('name\n'), [
    'row 1: no "code" column',
    'row 1: no "label" or "label_<language>" column',
    'row 1, column 1: unknown column "name"',
  ]);
  assert.deepEqual(readCodebookCsv('code,label,description\nx,"=SUM(1)",d\n'), [
    { code: 'x', labels: { en: '=SUM(1)' }, description: 'd' },
  ]);
  assert.match(
    writeCodebookCsv([{ code: 'x', labels: { en: '=SUM(1)' } }]),
    /^code,label_en\nx,'=SUM\(1\)\n$/,
  );
});
