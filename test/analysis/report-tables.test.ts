import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  AmountTable,
  ChoiceTable,
  CountryTable,
  MultiTable,
  QuestionTable,
  RankingTable,
  Report,
  TextTable,
} from '../../src/analysis/model.ts';
import { runReport } from '../../src/analysis/run-report.ts';
import { collector, embeddedFixture, mongoFixture, translator, type Filled } from './setup.ts';

/**
 * Every expected figure below is counted by hand from fixture.ts (its runs say who answered
 * what); none is computed by the code under test.
 */
async function report(filled: Filled, request: Partial<Parameters<typeof runReport>[3]> = {}) {
  const out = collector();
  await runReport(
    filled.stores,
    filled.flow,
    translator,
    { lang: 'en', format: 'json', ...request },
    out.write,
  );
  return JSON.parse(out.text()) as Report & { texts: Record<string, { id: string; text: string }[]> };
}

const table = <T extends QuestionTable>(r: Report, q: string) =>
  r.questions.find((t) => t.question === q) as T;
const base = (t: QuestionTable) => [t.respondents, t.answered, t.declined, t.notApplicable, t.notReached];
const counts = (rows: { key: string; count: number }[]) =>
  Object.fromEntries(rows.map((r) => [r.key, r.count]));

test('one respondent is one response: earlier attempts are set aside, the unfinished counted where they stopped', async (t) => {
  const r = await report(await embeddedFixture(t));
  assert.equal(r.records, 102);
  assert.equal(r.superseded, 2);
  assert.deepEqual([r.respondents, r.complete, r.partial], [100, 90, 10]);
  assert.deepEqual(counts(r.languages), { en: 20, ar: 20, es: 20, fr: 20, ru: 20 });
  assert.deepEqual(counts(r.channels), { telegram: 50, discord: 30, terminal: 20 });
  assert.deepEqual(r.stoppedAt, [{ key: 'q3', count: 10 }]);
  assert.deepEqual(r.versions, [{ key: '1', count: 100 }]);
});

test('single choice and yes/no: counts of those who answered, "other" apart, a key of an older version kept', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q1 = table<ChoiceTable>(r, 'q1');
  assert.deepEqual(base(q1), [100, 95, 5, 0, 0]);
  assert.deepEqual(counts(q1.rows), {
    association: 10,
    public: 30,
    national: 5,
    academic: 35,
    school: 8,
    special: 0,
    other: 7,
  });
  assert.equal(q1.otherDeclined, 1);
  assert.deepEqual(q1.time, { n: 100, medianMs: 50_500 });
  const q2 = table<ChoiceTable>(r, 'q2');
  assert.deepEqual(base(q2), [100, 95, 5, 0, 0]);
  assert.deepEqual(counts(q2.rows), { yes: 60, no: 35 });
  const q2a = table<ChoiceTable>(r, 'q2a');
  assert.deepEqual(base(q2a), [100, 55, 5, 40, 0], 'only those in an association were asked');
  assert.deepEqual(counts(q2a.rows), {
    member: 20,
    active_member: 15,
    officer: 10,
    former_officer: 5,
    other: 5,
  });
  const q4 = table<ChoiceTable>(r, 'q4');
  assert.deepEqual(base(q4), [100, 85, 5, 0, 10]);
  assert.deepEqual(q4.rows.at(-1), { key: 'up_to_999', count: 1, unknown: true });
  assert.equal(q4.rows.find((x) => x.key === 'not_applicable')!.count, 4);
  assert.deepEqual(counts(table<ChoiceTable>(r, 'q5').rows), { yes: 30, no: 55 });
  const q12 = table<ChoiceTable>(r, 'q12');
  assert.deepEqual([q12.answered, counts(q12.rows)], [60, { yes: 40, no: 20 }]);
  const q17 = table<ChoiceTable>(r, 'q17');
  assert.deepEqual([q17.answered, q17.declined, counts(q17.rows)], [80, 10, { yes: 20, no: 60 }]);
  assert.deepEqual(table<ChoiceTable>(r, 'q9a').rows, [
    { key: 'yes', count: 20 },
    { key: 'partly', count: 15 },
    { key: 'no', count: 10 },
  ]);
});

test('multiple choice: mentions per option, "none" apart, the "other" texts listed', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q6 = table<MultiTable>(r, 'q6');
  assert.deepEqual(base(q6), [100, 80, 10, 0, 10]);
  assert.deepEqual(counts(q6.rows), {
    libraries: 50,
    government: 30,
    business: 23,
    nonprofit: 45,
    associations: 53,
    other: 7,
  });
  assert.deepEqual(q6.exclusive, [{ key: 'none', count: 10 }]);
  assert.equal(q6.mentions, 208);
  assert.equal(q6.otherDeclined, 1);
  assert.deepEqual(
    r.texts['q6.other']!.map((e) => e.text),
    [...Array(5).fill('Friends of the library'), 'UN agencies'],
  );
  const q16 = table<MultiTable>(r, 'q16');
  assert.deepEqual(base(q16), [100, 70, 20, 0, 10]);
  assert.deepEqual(counts(q16.rows), {
    face_to_face: 50,
    focus_groups: 40,
    mou: 50,
    public_statements: 20,
    other: 10,
  });
  assert.equal(q16.mentions, 170);
});

test("rankings: counts at each rank and N/A, mean rank with its n, first places — 2013's q14 rows", async (t) => {
  const r = await report(await embeddedFixture(t));
  const q14 = table<RankingTable>(r, 'q14');
  assert.deepEqual(base(q14), [100, 82, 8, 0, 10]);
  assert.equal(q14.positions, 6);
  const row = (key: string) => q14.rows.find((x) => x.key === key)!;
  // The 2013 report's "Other libraries" row: 31/16/14/15/1/0 with 5 N/A; mean 2.21 over 77, 31 first places.
  assert.deepEqual(row('libraries'), {
    key: 'libraries',
    ranks: [31, 16, 14, 15, 1, 0],
    na: 5,
    n: 77,
    mean: 170 / 77,
    first: 31,
    notOffered: 0,
  });
  assert.equal(row('libraries').mean!.toFixed(2), '2.21');
  // 2013 printed 5.56 for "Others"; its own row gives 419/74 = 5.66.
  assert.deepEqual([row('others').ranks, row('others').na, row('others').n], [[1, 3, 1, 1, 3, 65], 8, 74]);
  assert.equal(row('others').mean!.toFixed(2), '5.66');
  assert.deepEqual(
    q14.rows.map((x) => [x.key, x.ranks, x.na, x.n, x.mean, x.first]),
    [
      ['libraries', [31, 16, 14, 15, 1, 0], 5, 77, 170 / 77, 31],
      ['government', [46, 29, 1, 6, 0, 0], 0, 82, 131 / 82, 46],
      ['business', [0, 27, 48, 0, 7, 0], 0, 82, 233 / 82, 0],
      ['nonprofit', [3, 1, 18, 55, 0, 0], 5, 77, 279 / 77, 3],
      ['associations', [1, 6, 0, 0, 58, 0], 17, 65, 303 / 65, 1],
      ['others', [1, 3, 1, 1, 3, 65], 8, 74, 419 / 74, 1],
    ],
  );
});

test('a ranking of the types chosen before: items not offered counted apart, the one-item rankings the bot filled in', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q7 = table<RankingTable>(r, 'q7');
  assert.deepEqual(base(q7), [100, 68, 2, 20, 10]);
  assert.equal(q7.auto, 12);
  assert.deepEqual(
    q7.rows.map((x) => [x.key, x.ranks.slice(0, 4), x.n, x.mean, x.first, x.notOffered]),
    [
      ['libraries', [25, 18, 5, 0], 48, 76 / 48, 25, 20],
      ['government', [10, 0, 3, 15], 28, 79 / 28, 10, 40],
      ['business', [8, 5, 10, 0], 23, 48 / 23, 8, 45],
      ['nonprofit', [10, 0, 20, 13], 43, 122 / 43, 10, 25],
      ['associations', [8, 33, 10, 0], 51, 104 / 51, 8, 17],
      ['other', [7, 0, 0, 0], 7, 1, 7, 61],
    ],
  );
});

test('amounts by currency, never converted: n, quartiles (R type 7) and range; the flags apart', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q5a = table<AmountTable>(r, 'q5a');
  assert.deepEqual(base(q5a), [100, 28, 2, 60, 10]);
  assert.deepEqual(q5a.currencies, [
    { currency: 'USD', n: 10, min: 100, q1: 325, median: 550, q3: 775, max: 10_000 },
    { currency: 'RUB', n: 8, min: 1000, q1: 2750, median: 4500, q3: 6250, max: 8000 },
    { currency: 'EUR', n: 4, min: 50, q1: 125, median: 200, q3: 500.1875, max: 1250.75 },
  ]);
  assert.deepEqual(q5a.flags, [
    { key: 'dontKnow', count: 4 },
    { key: 'noBudgetLine', count: 2 },
  ]);
});

test('countries by country, M49 region and sub-region, from bare codes and from codes with their region', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q3 = table<CountryTable>(r, 'q3');
  assert.deepEqual(base(q3), [100, 85, 5, 0, 10]);
  assert.deepEqual(q3.countries, [
    { key: 'US', count: 20 },
    { key: 'EG', count: 18 },
    { key: 'RU', count: 15 },
    { key: 'AU', count: 6 },
    { key: 'CM', count: 5 },
    { key: 'OM', count: 4 },
    { key: 'SA', count: 4 },
    { key: 'FM', count: 3 },
    { key: 'LB', count: 3 },
    { key: 'MX', count: 3 },
    { key: 'GB', count: 2 },
    { key: 'CA', count: 1 },
    { key: 'CH', count: 1 },
  ]);
  assert.deepEqual(counts(q3.regions), { '019': 24, '002': 23, '150': 18, '142': 11, '009': 9 });
  assert.deepEqual(counts(q3.subregions), {
    '021': 21,
    '015': 18,
    '151': 15,
    '145': 11,
    '053': 6,
    '202': 5,
    '057': 3,
    '419': 3,
    '154': 2,
    '155': 1,
  });
});

test('free text: every answer with its language, and counts per code once coded (agreed, resolved, disputed apart)', async (t) => {
  const r = await report(await embeddedFixture(t));
  const q8 = table<TextTable>(r, 'q8');
  assert.deepEqual([...base(q8), q8.texts], [100, 60, 10, 20, 10, 60]);
  assert.equal(r.texts.q8!.length, 60);
  assert.equal(r.texts.q8![3]!.text, 'line one\nline two, with a comma');
  for (const [q, answered, declined, na] of [
    ['q10', 40, 30, 20],
    ['q11', 45, 45, 0],
    ['q13', 30, 60, 0],
    ['q15', 36, 54, 0],
  ] as const) {
    assert.deepEqual(base(table(r, q)), [100, answered, declined, na, 10], q);
  }
  const q9 = table<TextTable>(r, 'q9');
  assert.deepEqual(base(q9), [100, 50, 20, 20, 10]);
  assert.deepEqual([q9.codes!.coded, q9.codes!.uncoded, q9.codes!.disputed], [24, 25, 1]);
  assert.deepEqual(counts(q9.codes!.codes), {
    financing: 7,
    misunderstanding_role: 5,
    lack_of_time: 5,
    no_meeting_place: 0,
    bureaucracy: 2,
    staff_passivity: 0,
    social_atmosphere: 0,
    many_problems: 0,
    no_problem: 2,
    no_advocacy: 0,
    other: 5,
  });
  const listed = r.texts.q9 as unknown as { id: string; locale: string; codes?: string[] | 'disputed' }[];
  assert.deepEqual(listed[4], { ...listed[4], id: 'r004', locale: 'fr', codes: ['financing'] });
  assert.equal(listed[17]!.codes, 'disputed');
  assert.equal(listed[30]!.codes, undefined);
});

test("cross-tab: counts, chi-square with its p-value, Cramér's V and the warning on small expected counts", async (t) => {
  const r = await report(await embeddedFixture(t), { cross: ['q5,q9a'] });
  const [c] = r.crosstabs;
  assert.deepEqual(
    [c!.rowKeys, c!.columnKeys, c!.counts],
    [
      ['yes', 'no'],
      ['yes', 'partly', 'no'],
      [
        [10, 10, 5],
        [10, 5, 5],
      ],
    ],
  );
  assert.deepEqual([c!.n, c!.missing], [45, 55]);
  // By hand: expected 11.11, 8.33, 5.56 / 8.89, 6.67, 4.44 give chi-square 9/8; with 2 degrees of
  // freedom the p-value is exp(-chi2/2); V = sqrt(chi2 / (45 * 1)).
  assert.ok(Math.abs(c!.test!.chi2 - 9 / 8) < 1e-12);
  assert.equal(c!.test!.df, 2);
  assert.ok(Math.abs(c!.test!.p - Math.exp(-9 / 16)) < 1e-9);
  assert.ok(Math.abs(c!.test!.cramersV - Math.sqrt(9 / 8 / 45)) < 1e-12);
  assert.deepEqual([c!.test!.lowExpected, c!.test!.cells], [1, 6]);
  assert.ok(Math.abs(c!.test!.minExpected - 200 / 45) < 1e-12);
});

test('splits: Russia against the rest, by coordinator; filters by answer and by campaign', async (t) => {
  const filled = await embeddedFixture(t);
  const r = await report(filled, { by: 'q3=RU' });
  assert.deepEqual(
    r.split!.groups.map((g) => [g.key, g.respondents]),
    [
      ['RU', 15],
      ['rest', 70],
      ['(missing)', 15],
    ],
  );
  const q2 = (key: string) => {
    const g = r.split!.groups.find((x) => x.key === key)!;
    const t2 = g.questions.find((q) => q.question === 'q2') as ChoiceTable;
    return [t2.answered, t2.declined, counts(t2.rows)];
  };
  assert.deepEqual(q2('RU'), [15, 0, { yes: 15, no: 0 }]);
  assert.deepEqual(q2('rest'), [70, 0, { yes: 45, no: 25 }]);
  assert.deepEqual(q2('(missing)'), [10, 5, { yes: 0, no: 10 }]);

  const byCoordinator = await report(filled, { by: 'coordinator' });
  assert.deepEqual(
    byCoordinator.split!.groups.map((g) => [g.key, g.respondents]),
    [
      ['zola', 20],
      ['irina', 15],
      ['(missing)', 65],
    ],
  );
  const russia = await report(filled, { where: ['q3=RU'] });
  assert.equal(russia.respondents, 15);
  assert.deepEqual(counts(table<ChoiceTable>(russia, 'q5').rows), { yes: 15, no: 0 });
  const pilot = await report(filled, { campaign: 'pilot' });
  assert.equal(pilot.respondents, 35);
  const notRussia = await report(filled, { where: ['q3!=RU', 'region=150,142'] });
  assert.equal(notRussia.respondents, 14, 'GB, CH, OM, SA, LB');
});

test('the same report from MongoDB (FerretDB in CI) as from the embedded file', async (t) => {
  const mongo = await mongoFixture(t);
  if (!mongo) return;
  const request = { by: 'region', cross: ['q5,q9a', 'q2a,q17'] };
  assert.deepEqual(await report(mongo, request), await report(await embeddedFixture(t), request));
});
