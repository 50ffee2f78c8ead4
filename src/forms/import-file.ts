import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { META_TYPES, type QuestionType } from '../engine/flow.ts';
import { RESPONDENT_NAMESPACES, validateFlow, type Resources } from '../engine/validate.ts';
import { FLOWS_DIR, loadResources } from '../flows/load.ts';
import { importForm, type Located } from './import.ts';
import { FormReadError, readWorkbook, type Workbook } from './workbook.ts';

export interface ImportFileOptions {
  flowsDir?: string;
  skipUnsupported?: boolean;
  /** The language of columns without one, when the settings do not say. */
  language?: string;
  /** Overwrite a flow of the same id. */
  replace?: boolean;
  resources?: Resources;
}

export interface ImportReport {
  ok: boolean;
  flowId?: string;
  /** What was imported, in lines to print. */
  summary: string[];
  /** Why the form is refused, each with sheet, row and column. */
  problems: string[];
  /** Parts left out or not used, and names changed. */
  notes: string[];
  /** What the validator says the flow runs with (languages without every text...). */
  warnings: string[];
  /** Files written, relative to the flows folder's parent. */
  written: string[];
}

const QUESTION_WORDS: Partial<Record<QuestionType, string>> = {
  single: 'single choice',
  multi: 'multiple choice',
  ranking: 'ranking',
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  date: 'date',
  note: 'note',
  acknowledge: 'acknowledge',
};

/**
 * Imports one form file: reads it, maps it onto a flow and its texts, validates them as any flow
 * is validated, and writes `flows/<id>.yaml` and `flows/locales/<lng>/<id>.json` only when
 * nothing refuses the form.
 */
export async function importFormFile(path: string, opts: ImportFileOptions = {}): Promise<ImportReport> {
  const flowsDir = opts.flowsDir ?? FLOWS_DIR;
  const file = basename(path);
  const report: ImportReport = { ok: false, summary: [], problems: [], notes: [], warnings: [], written: [] };
  let wb: Workbook;
  try {
    if (!existsSync(path)) throw new FormReadError(`${file}: file not found`);
    wb = await readWorkbook(path);
  } catch (error) {
    if (!(error instanceof FormReadError)) throw error;
    report.problems.push(error.message.startsWith(file) ? error.message : `${file}: ${error.message}`);
    return report;
  }
  const where = (l: Located) => {
    const sheet = wb.sheets.get(l.sheet.toLowerCase());
    const letter = l.column ? sheet?.letters[l.column] : undefined;
    const parts = [
      l.sheet,
      ...(l.row ? [`${wb.unit} ${l.row}`] : []),
      ...(l.column ? [`column ${l.column}${letter ? ` (${letter})` : ''}`] : []),
    ];
    return `${file}: ${parts.join(', ')}: ${l.message}`;
  };
  const result = importForm(wb, {
    fallbackId: basename(path, extname(path)),
    ...(opts.skipUnsupported ? { skipUnsupported: true } : {}),
    ...(opts.language ? { defaultLanguage: opts.language } : {}),
  });
  report.notes = result.notes.map(where);
  report.problems = result.problems.map(where);
  if (!result.flow) return report;

  const id = result.flow.id as string;
  report.flowId = id;
  const resources: Resources = { ...(opts.resources ?? loadResources()) };
  for (const [lng, ns] of Object.entries(result.texts)) resources[lng] = { ...resources[lng], [id]: ns };
  const flowFile = join(flowsDir, `${id}.yaml`);
  const { flow, issues } = validateFlow(result.flow, `flows/${id}.yaml`, resources);
  const surveyName = wb.sheets.get('survey')!.name;
  for (const issue of issues) {
    const row = issue.question ? result.rows.get(issue.question) : undefined;
    const column = /^condition/.test(issue.message)
      ? 'relevant'
      : /^constraint/.test(issue.message)
        ? 'constraint'
        : /^(choice filter|itemsFrom)/.test(issue.message)
          ? 'choice_filter'
          : /^missing text/.test(issue.message)
            ? 'label'
            : undefined;
    const line = where({
      sheet: surveyName,
      ...(row ? { row } : {}),
      ...(column ? { column } : {}),
      message: issue.message,
    });
    (issue.warning ? report.warnings : report.problems).push(line);
  }
  if (RESPONDENT_NAMESPACES.includes(id)) {
    report.problems.push(
      `${file}: settings, column form_id: "${id}" names the bot's own texts; choose another form_id`,
    );
  }
  if (existsSync(flowFile) && !opts.replace) {
    report.problems.push(`${file}: flows/${id}.yaml exists already; pass --replace to overwrite it`);
  }
  if (!flow || report.problems.length > 0) return report;

  const counts = new Map<string, number>();
  for (const q of flow.questions) {
    if (META_TYPES.has(q.type)) continue;
    const word = QUESTION_WORDS[q.type] ?? q.type;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const asked = [...counts.values()].reduce((a, b) => a + b, 0);
  report.summary.push(
    `${file}: imported as flow "${id}" version ${flow.version}: ${asked} questions (${[...counts].map(([w, n]) => `${n} ${w}`).join(', ')})`,
    `offered in ${flow.languages!.join(', ')}; texts in ${Object.keys(result.texts).sort().join(', ')}`,
  );

  // Texts of an earlier import of the same form in a language this one lacks would be stale.
  const localesDir = join(flowsDir, 'locales');
  if (existsSync(localesDir)) {
    for (const lng of readdirSync(localesDir)) rmSync(join(localesDir, lng, `${id}.json`), { force: true });
  }
  mkdirSync(flowsDir, { recursive: true });
  const header = `# Imported from ${file} by npm run import-form. Texts: flows/locales/<lng>/${id}.json.\n`;
  writeFileSync(flowFile, header + stringify(result.flow, { lineWidth: 0 }));
  report.written.push(`flows/${id}.yaml`);
  for (const [lng, ns] of Object.entries(result.texts)) {
    mkdirSync(join(localesDir, lng), { recursive: true });
    writeFileSync(join(localesDir, lng, `${id}.json`), JSON.stringify(ns, null, 2) + '\n');
    report.written.push(`flows/locales/${lng}/${id}.json`);
  }
  report.ok = true;
  return report;
}
