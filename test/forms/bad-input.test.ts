import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { loadFlow, loadResources, withFlowTexts } from '../../src/flows/load.ts';
import { importFormFile } from '../../src/forms/import-file.ts';

function temp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xlsform-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Imports a Markdown-table form (pyxform's test layout) into a fresh flows folder. */
async function importMd(t: { after(fn: () => void): void }, md: string, opts: { replace?: boolean } = {}) {
  const dir = temp(t);
  const file = join(dir, 'form.md');
  writeFileSync(file, md);
  const flows = join(dir, 'flows');
  return { report: await importFormFile(file, { flowsDir: flows, ...opts }), flows, file };
}

const SETTINGS = `
| settings |
| | form_id | version | default_language |
| | bad | 3 | English (en) |`;

const cases: { name: string; md: string; problems: string[] }[] = [
  {
    name: 'a workbook without a survey sheet',
    md: `
| questions |
| | type | name | label |
| | text | a | A? |`,
    problems: [
      'form.md: (workbook): no sheet named "survey" (the sheets are: questions): an XLSForm lists its questions on a sheet called survey',
    ],
  },
  {
    name: 'a choice list that is referenced but missing',
    md: `
| survey |
| | type | name | label |
| | select_one colours | colour | Colour? |
| | select_one sizes | size | Size? |
| choices |
| | list_name | name | label |
| | colours | red | Red |
| | colours | blue | Blue |${SETTINGS}`,
    problems: ['form.md: survey, line 5, column type: the choice list "sizes" is not on the choices sheet'],
  },
  {
    name: 'duplicate names, also across groups and after a name becomes an id',
    md: `
| survey |
| | type | name | label |
| | text | age | Age? |
| | begin_group | g | G |
| | integer | age | Age again? |
| | end_group | | |
| | text | Town | Town? |
| | text | town | Town again? |${SETTINGS}`,
    problems: [
      'form.md: survey, line 6, column name: duplicate name "age" (also line 4): a chat keeps one answer per name',
      'form.md: survey, line 9, column name: duplicate name "town" (also line 8): a chat keeps one answer per name',
    ],
  },
  {
    name: 'a cycle of references',
    md: `
| survey |
| | type | name | label | relevant |
| | integer | a | A? | \${b} > 1 |
| | integer | b | B? | \${a} > 1 |
| | integer | c | C? | \${c} > 1 |${SETTINGS}`,
    problems: [
      'form.md: survey, line 4: a cycle of references: ${a} → ${b} → ${a}',
      'form.md: survey, line 6: a cycle of references: ${c} → ${c}',
    ],
  },
  {
    name: 'expressions that do not parse, or leave the subset',
    md: `
| survey |
| | type | name | label | relevant | constraint |
| | integer | a | A? | | . > 0 and |
| | integer | b | B? | \${a} + 1 > 2 | |
| | text | c | C? | \${nobody} = 'x' | |
| | date | d | D? | | . <= today() |${SETTINGS}`,
    problems: [
      'form.md: survey, line 4, column constraint: the expression ends too early at character 10',
      'form.md: survey, line 5, column relevant: "+" (arithmetic and paths) is not supported at character 6',
      'form.md: survey, line 6, column relevant: ${nobody} is not a question of this form at character 1',
      'form.md: survey, line 7, column constraint: the function today() is not supported at character 6',
    ],
  },
  {
    name: 'a forward reference (a chat asks in order)',
    md: `
| survey |
| | type | name | label | relevant |
| | text | a | A? | \${b} != '' |
| | text | b | B? | |${SETTINGS}`,
    problems: [
      'form.md: survey, line 4, column relevant: condition refers to "b", which does not come before it',
    ],
  },
];

for (const c of cases) {
  test(`import refuses ${c.name}, saying where, and writes nothing`, async (t) => {
    const { report, flows } = await importMd(t, c.md);
    assert.equal(report.ok, false);
    assert.deepEqual(report.problems, c.problems);
    assert.deepEqual(report.written, []);
    assert.equal(existsSync(flows), false);
  });
}

test('a 10 MB workbook is refused before it is read, and nothing is written', async (t) => {
  const dir = temp(t);
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('survey').addRows([
    ['type', 'name', 'label'],
    ['text', 'a', 'A?'],
  ]);
  // Incompressible cells, as photos pasted into a sheet would be.
  const media = workbook.addWorksheet('media');
  for (let i = 0; i < 1500; i++) media.addRow([randomBytes(7000).toString('base64')]);
  const file = join(dir, 'big.xlsx');
  await workbook.xlsx.writeFile(file);
  assert.ok(statSync(file).size >= 10 * 1024 * 1024, `${statSync(file).size} bytes`);
  const flows = join(dir, 'flows');
  const report = await importFormFile(file, { flowsDir: flows });
  assert.equal(report.ok, false);
  assert.match(
    report.problems[0]!,
    /^big\.xlsx is 1\d\.\d MB; a form may be at most 5 MB \(questions and choices take far less: leave media and data out of the workbook\)$/,
  );
  assert.equal(existsSync(flows), false);
});

test('an .xls workbook or a file that is no workbook gets a clear message', async (t) => {
  const dir = temp(t);
  writeFileSync(join(dir, 'old.xls'), 'x');
  writeFileSync(join(dir, 'broken.xlsx'), 'not a zip');
  const old = await importFormFile(join(dir, 'old.xls'), { flowsDir: join(dir, 'flows') });
  assert.deepEqual(old.problems, [
    'old.xls: forms are read from .xlsx, .csv or .md files (save an .xls workbook as .xlsx first)',
  ]);
  const broken = await importFormFile(join(dir, 'broken.xlsx'), { flowsDir: join(dir, 'flows') });
  assert.match(broken.problems[0]!, /^broken\.xlsx is not a readable \.xlsx workbook/);
});

test('labels in a language the bot does not speak are imported; the validator says which texts are missing where', async (t) => {
  const { report, flows } = await importMd(
    t,
    `
| survey |
| | type | name | label::English (en) | label::Kiswahili (sw) | hint::English (en) |
| | text | name | Your name? | Jina lako? | As on your ID |
| | select_one yn | ok | All well? | | |
| choices |
| | list_name | name | label::English (en) | label::Kiswahili (sw) |
| | yn | yes | Yes | Ndiyo |
| | yn | no | No | Hapana |
| settings |
| | form_id | default_language |
| | mixed | English (en) |`,
  );
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.deepEqual(report.warnings, [
    'form.md: survey: language "sw" is not offered: 2 text(s) missing in flows/locales/sw/mixed.json: name.hint, ok.text',
  ]);
  assert.deepEqual(JSON.parse(readFileSync(join(flows, 'locales', 'sw', 'mixed.json'), 'utf8')), {
    name: { text: 'Jina lako?' },
    ok: { options: { yes: 'Ndiyo', no: 'Hapana' } },
  });
  const flow = loadFlow('mixed', withFlowTexts(loadResources(), 'mixed', join(flows, 'locales')), flows);
  assert.deepEqual(flow.languages, ['en']);

  // Complete in Swahili only: offered in Swahili, and the bot's own texts are named as missing there.
  const only = await importMd(
    t,
    `
| survey |
| | type | name | label::Kiswahili (sw) |
| | text | name | Jina lako? |
| settings |
| | form_id |
| | swahili |`,
  );
  assert.deepEqual(only.report.warnings, [
    'form.md: survey: language "sw": the bot\'s own texts are missing (locales/sw/common.json, locales/sw/terminal.json, locales/sw/telegram.json, locales/sw/discord.json); they are shown in English',
  ]);
  assert.deepEqual(
    loadFlow('swahili', withFlowTexts(loadResources(), 'swahili', join(only.flows, 'locales')), only.flows)
      .languages,
    ['sw'],
  );
});

test('an existing flow is not overwritten without --replace', async (t) => {
  const md = `
| survey |
| | type | name | label |
| | text | a | A? |${SETTINGS}`;
  const dir = temp(t);
  const file = join(dir, 'form.md');
  writeFileSync(file, md);
  const flows = join(dir, 'flows');
  assert.equal((await importFormFile(file, { flowsDir: flows })).ok, true);
  const again = await importFormFile(file, { flowsDir: flows });
  assert.deepEqual(again.problems, [
    'form.md: flows/bad.yaml exists already; pass --replace to overwrite it',
  ]);
  assert.equal((await importFormFile(file, { flowsDir: flows, replace: true })).ok, true);
});
