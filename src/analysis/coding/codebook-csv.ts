import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { CODE_PATTERN, type Code } from '../../store/coding-store.ts';
import { spreadsheetSafe } from '../../safe-text.ts';

/**
 * A codebook as CSV: `code`, then a label per language (`label_en`, `label_ru`... or a plain
 * `label`), then an optional `description`. The same file reads back as it was written.
 */
export class CodebookCsvError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CodebookCsvError';
  }
}

const LANGUAGE_ORDER = ['en', 'ru', 'ar', 'es', 'fr'];

export function readCodebookCsv(text: string): Code[] {
  const problems: string[] = [];
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (error) {
    throw new CodebookCsvError([`not readable as CSV: ${(error as Error).message}`]);
  }
  const [header, ...body] = rows;
  if (!header) throw new CodebookCsvError(['the file is empty']);
  const columns = header.map((h) => h.trim());
  const col = (name: string) => columns.indexOf(name);
  if (col('code') < 0) problems.push('row 1: no "code" column');
  const labelColumns = columns
    .map((name, i) => ({ name, i }))
    .filter(({ name }) => name === 'label' || /^label_[a-z]{2,3}$/.test(name));
  if (labelColumns.length === 0) problems.push('row 1: no "label" or "label_<language>" column');
  columns.forEach((name, i) => {
    if (name !== 'code' && name !== 'description' && !labelColumns.some((l) => l.i === i)) {
      problems.push(`row 1, column ${i + 1}: unknown column "${name}"`);
    }
  });
  if (problems.length) throw new CodebookCsvError(problems);
  const seen = new Set<string>();
  const codes: Code[] = [];
  body.forEach((row, r) => {
    const at = `row ${r + 2}`;
    const code = (row[col('code')] ?? '').trim();
    if (!CODE_PATTERN.test(code)) {
      problems.push(`${at}, column code: "${code}" is not a code (use a-z, 0-9 and _)`);
      return;
    }
    if (seen.has(code)) problems.push(`${at}, column code: "${code}" appears twice`);
    seen.add(code);
    const labels: Record<string, string> = {};
    for (const { name, i } of labelColumns) {
      const value = (row[i] ?? '').trim();
      if (value) labels[name === 'label' ? 'en' : name.slice('label_'.length)] = value;
    }
    if (Object.keys(labels).length === 0) problems.push(`${at}: code "${code}" has no label`);
    const description = col('description') >= 0 ? (row[col('description')] ?? '').trim() : '';
    codes.push({ code, labels, ...(description ? { description } : {}) });
  });
  if (codes.length === 0 && problems.length === 0) problems.push('the codebook has no codes');
  if (problems.length) throw new CodebookCsvError(problems);
  return codes;
}

export function writeCodebookCsv(codes: readonly Code[]): string {
  const languages = [...new Set(codes.flatMap((c) => Object.keys(c.labels)))].sort(
    (a, b) => order(a) - order(b) || a.localeCompare(b),
  );
  const hasDescription = codes.some((c) => c.description);
  const header = ['code', ...languages.map((l) => `label_${l}`), ...(hasDescription ? ['description'] : [])];
  const rows = codes.map((c) => [
    c.code,
    ...languages.map((l) => spreadsheetSafe(c.labels[l] ?? '')),
    ...(hasDescription ? [spreadsheetSafe(c.description ?? '')] : []),
  ]);
  return stringify([header, ...rows]);
}

function order(lng: string): number {
  const i = LANGUAGE_ORDER.indexOf(lng);
  return i < 0 ? LANGUAGE_ORDER.length : i;
}
