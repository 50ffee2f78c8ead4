import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/** One row of a sheet: its number as the user sees it (Excel row, or line of a text file). */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
}

export interface Sheet {
  /** The name as written in the file (survey, Choices...). */
  name: string;
  headers: string[];
  /** Excel column letters by header, where the file has them. */
  letters: Record<string, string>;
  rows: SheetRow[];
}

/** The sheets of a form by lower-case name, from a workbook, a CSV or a Markdown table. */
export interface Workbook {
  file: string;
  /** What a row number counts in this file. */
  unit: 'row' | 'line';
  sheets: Map<string, Sheet>;
}

/** A form is a few hundred rows; anything this large is data or media, not a questionnaire. */
export const MAX_FORM_BYTES = 5 * 1024 * 1024;
export const MAX_ROWS = 20_000;

export class FormReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormReadError';
  }
}

/** Reads a form file (.xlsx, .csv, .md) into its sheets, or throws a FormReadError saying why not. */
export async function readWorkbook(path: string): Promise<Workbook> {
  const file = basename(path);
  const size = statSync(path).size;
  if (size > MAX_FORM_BYTES) {
    throw new FormReadError(
      `${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a form may be at most ${MAX_FORM_BYTES / 1024 / 1024} MB (questions and choices take far less: leave media and data out of the workbook)`,
    );
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return readXlsx(path, file);
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (ext === '.csv') return readCsv(text, file);
  if (ext === '.md') return readMarkdown(text, file);
  throw new FormReadError(
    `${file}: forms are read from .xlsx, .csv or .md files${ext === '.xls' ? ' (save an .xls workbook as .xlsx first)' : ''}`,
  );
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('text' in value && typeof value.text === 'string') return value.text;
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  if ('error' in value) return '';
  return String(value);
}

const cleanHeader = (h: string) => h.trim().replace(/\s+/g, ' ');

function sheetFrom(name: string, headerRow: string[], rows: { row: number; values: string[] }[]): Sheet {
  const headers: string[] = [];
  const seen = new Set<string>();
  const columns: (string | null)[] = headerRow.map((raw) => {
    const h = cleanHeader(raw);
    if (!h) return null;
    if (seen.has(h)) throw new FormReadError(`sheet ${name}: the column "${h}" appears twice`);
    seen.add(h);
    headers.push(h);
    return h;
  });
  const sheet: Sheet = { name, headers, letters: {}, rows: [] };
  for (const { row, values } of rows) {
    const cells: Record<string, string> = {};
    columns.forEach((h, i) => {
      const v = (values[i] ?? '').trim();
      if (h && v) cells[h] = v;
    });
    if (Object.keys(cells).length > 0) sheet.rows.push({ row, cells });
  }
  if (sheet.rows.length > MAX_ROWS) {
    throw new FormReadError(
      `sheet ${name} has ${sheet.rows.length} rows; a form may have at most ${MAX_ROWS}`,
    );
  }
  return sheet;
}

async function readXlsx(path: string, file: string): Promise<Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw new FormReadError(`${file} is not a readable .xlsx workbook (${(error as Error).message})`);
  }
  const sheets = new Map<string, Sheet>();
  for (const ws of workbook.worksheets) {
    if (ws.rowCount > MAX_ROWS + 1) {
      throw new FormReadError(
        `sheet ${ws.name} has ${ws.rowCount} rows; a form may have at most ${MAX_ROWS}`,
      );
    }
    const width = Math.min(ws.columnCount, 500);
    const rowValues = (r: ExcelJS.Row) =>
      Array.from({ length: width }, (_, i) => cellText(r.getCell(i + 1).value));
    const header = rowValues(ws.getRow(1));
    const rows: { row: number; values: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (r, n) => {
      if (n > 1) rows.push({ row: n, values: rowValues(r) });
    });
    const sheet = sheetFrom(ws.name, header, rows);
    header.forEach((h, i) => {
      if (cleanHeader(h)) sheet.letters[cleanHeader(h)] = ws.getColumn(i + 1).letter;
    });
    sheets.set(ws.name.trim().toLowerCase(), sheet);
  }
  return { file, unit: 'row', sheets };
}

/** Sheets one after another: a row whose first cell names a sheet starts it (pyxform's CSV layout). */
function fromTable(file: string, records: { line: number; cells: string[] }[]): Workbook {
  const sheets = new Map<string, Sheet>();
  let current: { name: string; header: string[] | null; rows: { row: number; values: string[] }[] } | null =
    null;
  const close = () => {
    if (current?.header)
      sheets.set(current.name.toLowerCase(), sheetFrom(current.name, current.header, current.rows));
  };
  for (const { line, cells } of records) {
    const [first = '', ...rest] = cells;
    if (first.trim()) {
      close();
      current = { name: first.trim(), header: null, rows: [] };
    }
    if (!current || rest.every((c) => !c.trim())) continue;
    if (!current.header) current.header = rest;
    else current.rows.push({ row: line, values: rest });
  }
  close();
  return { file, unit: 'line', sheets };
}

function readCsv(text: string, file: string): Workbook {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      relax_column_count: true,
      relax_quotes: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new FormReadError(`${file} is not valid CSV (${(error as Error).message})`);
  }
  return fromTable(
    file,
    records.map((r) => ({ line: r.info.lines, cells: r.record })),
  );
}

/** The Markdown tables of pyxform's test suite: `| survey |` starts a sheet, `#` starts a comment. */
function readMarkdown(text: string, file: string): Workbook {
  const records: { line: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*#/.test(raw)) return;
    const line = raw.replace(/^(.*\|)\s*#[^|]*$/, '$1');
    const m = /^\s*\|(.*)\|\s*$/.exec(line);
    if (!m || /^[|\-:\s]+$/.test(m[1]!)) return;
    const cells = m[1]!.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    records.push({ line: i + 1, cells });
  });
  return fromTable(file, records);
}
