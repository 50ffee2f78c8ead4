import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
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
import {
  exportCsv,
  exportJsonl,
  exportR,
  exportSpss,
  exportXlsx,
  prepareExport,
} from '../../src/analysis/run-export.ts';
import { runReport } from '../../src/analysis/run-report.ts';
import { resources } from '../support/flow.ts';
import { needTool } from '../support/tools.ts';
import { collector, embeddedFixture, translator, type Filled } from './setup.ts';

async function reportOf(filled: Filled): Promise<Report> {
  const out = collector();
  return runReport(
    filled.stores,
    filled.flow,
    translator,
    { lang: 'en', format: 'json', texts: false },
    out.write,
  );
}

async function files(filled: Filled, kind: 'spss' | 'r', lang = 'en') {
  const prepared = await prepareExport(filled.stores, filled.flow, translator, { lang });
  const script = collector();
  const csv = collector();
  if (kind === 'spss') await exportSpss(prepared, 'data.csv', script.write, csv.write);
  else await exportR(prepared, 'data.csv', script.write, csv.write);
  writeFileSync(join(filled.dir, 'data.csv'), csv.text());
  return { script: script.text(), prepared };
}

/** Expected frequencies per variable and value, as the report counts them. */
function expectedFrequencies(report: Report, flow: Filled['flow']): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const put = (variable: string, value: string | number, count: number) => {
    if (count === 0) return;
    if (!out.has(variable)) out.set(variable, new Map());
    out.get(variable)!.set(String(value), count);
  };
  const states = (variable: string, t: QuestionTable) => {
    put(variable, -1, t.declined);
    put(variable, -2, t.notApplicable);
    put(variable, -3, t.notReached);
  };
  for (const t of report.questions) {
    const q = flow.questions.find((x) => x.id === t.question)!;
    if (t.kind === 'choice') {
      // A key the flow does not define (an older version's option) cannot be coded: system-missing.
      (t as ChoiceTable).rows.forEach((r, i) => put(q.id, r.unknown ? '.' : i + 1, r.count));
      states(q.id, t);
    } else if (t.kind === 'multi') {
      const m = t as MultiTable;
      for (const r of [...m.rows, ...m.exclusive]) {
        put(`${q.id}_${r.key}`, 1, r.count);
        put(`${q.id}_${r.key}`, 0, t.answered - r.count);
        states(`${q.id}_${r.key}`, t);
      }
    } else if (t.kind === 'ranking') {
      for (const r of (t as RankingTable).rows) {
        const v = `${q.id}_${r.key}`;
        r.ranks.forEach((n, i) => put(v, i + 1, n));
        put(v, -4, r.na);
        // Declined or not asked, and items not offered in an answered ranking, are both -2... apart from -1 and -3.
        put(v, -1, t.declined);
        put(v, -2, t.notApplicable + r.notOffered);
        put(v, -3, t.notReached);
      }
    } else if (t.kind === 'amount') {
      const a = t as AmountTable;
      put(
        q.id,
        1,
        a.currencies.reduce((s, c) => s + c.n, 0),
      );
      a.flags.forEach((f, i) => put(q.id, i + 2, f.count));
      states(q.id, t);
    } else if (t.kind === 'country') {
      const c = t as CountryTable;
      for (const r of c.countries) put(q.id, r.key, r.count);
      for (const r of c.regions) put(`${q.id}_region`, Number(r.key), r.count);
      states(q.id, t);
      states(`${q.id}_region`, t);
    } else if (t.kind === 'text' && (t as TextTable).codes) {
      const codes = (t as TextTable).codes!;
      for (const r of codes.codes) {
        const v = `${q.id}_c_${r.key}`;
        put(v, 1, r.count);
        put(v, 0, codes.coded - r.count);
        put(v, -8, codes.uncoded);
        put(v, -9, codes.disputed);
        states(v, t);
      }
    }
  }
  return out;
}

/** Frequencies from PSPP's CSV output (`SET TVARS=NAMES TNUMBERS=VALUES`): variable → value → count. */
function psppFrequencies(output: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const block of output.split(/\n\s*\n/)) {
    const lines = block.trim().split('\n');
    const title = /^Table: (\S+)$/.exec(lines[0] ?? '');
    if (!title || !lines[1]?.includes('Frequency')) continue;
    const counts = new Map<string, number>();
    for (const row of parse(lines.slice(2).join('\n'), { relax_column_count: true }) as string[][]) {
      if (row[0] === 'Total') continue;
      counts.set(row[1]!.trim(), Number(row[2]));
    }
    out.set(title[1]!, counts);
  }
  return out;
}

test("PSPP runs the SPSS syntax on the CSV, and its frequencies equal the report's", async (t) => {
  const filled = await embeddedFixture(t);
  const pspp = needTool(t, 'pspp');
  if (!pspp) return;
  const { script } = await files(filled, 'spss', 'ru');
  const expected = expectedFrequencies(await reportOf(filled), filled.flow);
  const syntax = join(filled.dir, 'data.sps');
  writeFileSync(syntax, script);
  appendFileSync(
    syntax,
    `\nSET TVARS=NAMES TNUMBERS=VALUES.\nFREQUENCIES /VARIABLES=${[...expected.keys()].join(' ')} /STATISTICS=NONE.\n`,
  );
  const log = execFileSync(pspp, ['data.sps', '-O', 'format=csv', '-o', 'out.csv'], {
    cwd: filled.dir,
    encoding: 'utf8',
  });
  assert.doesNotMatch(log, /error|warning/i, log);
  const actual = psppFrequencies(readFileSync(join(filled.dir, 'out.csv'), 'utf8'));
  for (const [variable, counts] of expected) {
    assert.deepEqual(
      Object.fromEntries([...(actual.get(variable) ?? [])].sort()),
      Object.fromEntries([...counts].sort()),
      variable,
    );
  }
  assert.ok(actual.size >= expected.size);
  assert.deepEqual(Object.fromEntries(actual.get('q14_libraries')!), {
    '1': 31,
    '2': 16,
    '3': 14,
    '4': 15,
    '5': 1,
    '-1': 8,
    '-3': 10,
    '-4': 5,
  });
  // Labels in the language asked for, and missing values declared.
  assert.match(script, /\/q2 "q2\. Вы состоите в библиотечной ассоциации\?"/);
  assert.match(script, /\/q1 1 "Профессиональная ассоциация"/);
  assert.match(script, /MISSING VALUES q1 q2 q2a [^\n]* \(LOWEST THRU -1\)\./);
  assert.match(script, /MISSING VALUES q3 \('-1', '-2', '-3'\)\./);
});

test("R reads the CSV with factor levels and labels; its tables equal the report's", async (t) => {
  const filled = await embeddedFixture(t);
  const rscript = needTool(t, 'Rscript');
  if (!rscript) return;
  const { script } = await files(filled, 'r', 'fr');
  writeFileSync(join(filled.dir, 'data.R'), script);
  const probe = join(filled.dir, 'probe.R');
  writeFileSync(
    probe,
    [
      'source("data.R", encoding = "UTF-8")',
      'show <- function(name) { tab <- table(data[[name]]); cat(name, paste(names(tab), tab, sep = "=", collapse = "|"), "\\n", sep = "\\t") }',
      'for (name in c("q1", "q2", "q6_libraries", "q14_libraries", "q3", "q9_c_financing")) show(name)',
      'cat("label", attr(data$q2, "label"), "\\n", sep = "\\t")',
      'cat("text", data$q8[data$response_id == "r003"], "\\n", sep = "\\t")',
      'cat("formula", data$q8[data$response_id == "r001"], "\\n", sep = "\\t")',
      'cat("na", sum(is.na(data$q2)), "\\n", sep = "\\t")',
    ].join('\n'),
  );
  const out = execFileSync(rscript, ['probe.R'], { cwd: filled.dir, encoding: 'utf8' });
  const lines = new Map(
    out
      .trim()
      .split('\n')
      .map((l) => [l.split('\t')[0]!, l.split('\t')[1]!]),
  );
  assert.equal(lines.get('q2'), 'Oui=60|Non=35');
  assert.equal(
    lines.get('q1'),
    'Association professionnelle=10|Bibliothèque publique ou communautaire=30|Bibliothèque nationale=5|Bibliothèque universitaire=35|Bibliothèque scolaire=8|Bibliothèque spécialisée (par exemple médicale, juridique, administrative ou d’entreprise)=0|Autre=7',
  );
  assert.equal(lines.get('q6_libraries'), 'Choisi=50|Non choisi=30');
  assert.equal(lines.get('q14_libraries'), '1=31|2=16|3=14|4=15|5=1');
  assert.match(
    lines.get('q3')!,
    /^AU=6\|CA=1\|CH=1\|CM=5\|EG=18\|FM=3\|GB=2\|LB=3\|MX=3\|OM=4\|RU=15\|SA=4\|US=20$/,
  );
  assert.equal(lines.get('q9_c_financing'), 'Choisi=7|Non choisi=17');
  assert.equal(lines.get('label'), `q2. ${(resources.fr!.advocacy as { q2: { text: string } }).q2.text}`);
  assert.equal(lines.get('text'), 'line one\nline two, with a comma'.split('\n')[0]);
  assert.match(out, /line one\nline two, with a comma/, 'line breaks back in R');
  assert.equal(lines.get('formula'), '=HYPERLINK("http://example.org","click")');
  assert.equal(lines.get('na'), '5');
});

test('the wide CSV: one row per respondent, 0/1 per option, a rank per item, coded missing values, texts formula-safe', async (t) => {
  const filled = await embeddedFixture(t);
  const prepared = await prepareExport(filled.stores, filled.flow, translator, { lang: 'en' });
  const out = collector();
  assert.equal(await exportCsv(prepared, out.write), 100);
  const rows = parse(out.text(), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 100);
  const r = (id: string) => rows.find((x) => x.response_id === id)!;
  assert.deepEqual(
    [
      r('r000').q6_libraries,
      r('r000').q6_business,
      r('r000').q6_none,
      r('r075').q6_none,
      r('r085').q6_libraries,
    ],
    ['1', '0', '0', '1', '-1'],
  );
  assert.deepEqual(
    [r('r000').q7_libraries, r('r000').q7_government, r('r000').q7_business],
    ['1', '4', '-2'],
  );
  assert.deepEqual([r('r081').q14_libraries, r('r081').q14_associations], ['-4', '-4']);
  assert.deepEqual([r('r095').q3, r('r095').q3_region, r('r095').status], ['-3', '-3', '2']);
  assert.deepEqual([r('r000').q5a, r('r000').q5a_amount, r('r000').q5a_currency], ['1', '100', 'USD']);
  assert.deepEqual([r('r022').q5a, r('r026').q5a, r('r050').q5a], ['2', '3', '-2']);
  assert.deepEqual(
    [r('r004').q9_c_financing, r('r017').q9_c_financing, r('r030').q9_c_financing],
    ['1', '-9', '-8'],
  );
  assert.equal(r('r001').q8, '\'=HYPERLINK("http://example.org","click")');
  assert.equal(r('r002').q8, 'مكتبة عامة، "اقتباس"');
  assert.equal(r('r003').q8, 'line one\\nline two, with a comma');
  assert.equal(r('r005').q8, "''=already quoted");
  assert.equal(r('r060').q8, '-1');
  assert.equal(r('r088').q1_other_text, 'Special library 1');
  for (const row of rows) {
    for (const [column, cell] of Object.entries(row)) {
      if (/^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && !/^-\d$/.test(cell)))
        assert.fail(`${column}: ${cell}`);
    }
  }
});

test('the workbook: data with numbers as numbers, a codebook sheet and a value-labels sheet', async (t) => {
  const filled = await embeddedFixture(t);
  const prepared = await prepareExport(filled.stores, filled.flow, translator, { lang: 'es' });
  const path = join(filled.dir, 'data.xlsx');
  assert.equal(await exportXlsx(prepared, { filename: path }), 100);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  assert.deepEqual(
    book.worksheets.map((s) => s.name),
    ['Datos', 'Libro de códigos', 'Etiquetas de valores'],
  );
  const data = book.worksheets[0]!;
  const header = (data.getRow(1).values as unknown[]).slice(1) as string[];
  assert.deepEqual(
    header,
    prepared.layout.variables.map((v) => v.name),
  );
  assert.equal(data.rowCount, 101);
  const cell = (row: number, name: string) => data.getRow(row).getCell(header.indexOf(name) + 1).value;
  assert.equal(cell(2, 'response_id'), 'r000');
  assert.equal(cell(2, 'q2'), 1);
  assert.equal(cell(3, 'q8'), '\'=HYPERLINK("http://example.org","click")', 'a string, not a formula');
  const codebook = book.worksheets[1]!;
  assert.equal(codebook.getRow(1).getCell(1).value, 'Variable');
  const q2row = codebook.getRows(2, codebook.rowCount)!.find((row) => row.getCell(1).value === 'q2')!;
  assert.equal(q2row.getCell(2).value, 'q2. ¿Es miembro de alguna asociación bibliotecaria?');
  assert.match(String(q2row.getCell(5).value), /-1 Prefirió no responder/);
  const values = book.worksheets[2]!.getRows(2, book.worksheets[2]!.rowCount)!.map((row) => [
    row.getCell(1).value,
    row.getCell(2).value,
    row.getCell(3).value,
  ]);
  assert.deepEqual(
    values.filter((v) => v[0] === 'q2'),
    [
      ['q2', 1, 'Sí'],
      ['q2', 2, 'No'],
      ['q2', -1, 'Prefirió no responder'],
      ['q2', -2, 'No se aplica'],
      ['q2', -3, 'No llegó'],
    ],
  );
});

test('long JSON lines: one line per question per respondent, the stored value as it is', async (t) => {
  const filled = await embeddedFixture(t);
  const prepared = await prepareExport(filled.stores, filled.flow, translator, { lang: 'en' });
  const out = collector();
  assert.equal(
    await exportJsonl(prepared, out.write),
    100 * (filled.flow.questions.length - filled.flow.metaCount),
  );
  const lines = out
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.find((l) => l.response === 'r000' && l.question === 'q7'),
    {
      response: 'r000',
      respondent: 'p-r000',
      flow: 'advocacy',
      version: 1,
      status: 'complete',
      locale: 'en',
      channel: 'telegram',
      invitation: 'INV-RU',
      question: 'q7',
      type: 'ranking',
      state: 'answered',
      value: { order: ['libraries', 'associations', 'nonprofit', 'government'], na: [] },
      ms: 10_000,
    },
  );
  // Ten stopped at q3: it and every question after it were not reached.
  const fromQ3 = filled.flow.questions.length - filled.flow.index.get('q3')!;
  assert.equal(lines.filter((l) => l.state === 'not_reached').length, 10 * fromQ3);
});
