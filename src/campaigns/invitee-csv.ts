import { CsvError, parse } from 'csv-parse/sync';
import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { normalEmail } from '../store/invitee-store.ts';

/** One good row of an invitee file: what an invitee is made of, before a token is given. */
export interface InviteeRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  email: string;
  name: string;
  language?: string;
  country?: string;
  organisation?: string;
  attributes: Record<string, string>;
}

export type RowProblem =
  'email_missing' | 'email_invalid' | 'language_unknown' | 'country_unknown' | 'columns';

export type FileProblem =
  | { problem: 'empty' }
  | { problem: 'utf16' }
  /** The first line holding bytes that are not UTF-8 (another encoding: save the file as UTF-8). */
  | { problem: 'not_utf8'; line: number }
  | { problem: 'no_email_column' }
  /** A quote left open or a similar break the parser cannot get past. */
  | { problem: 'malformed'; line: number };

export interface ParsedInvitees {
  rows: InviteeRow[];
  /** Rows left out, by line and reason. */
  bad: { line: number; reason: RowProblem }[];
  /** Rows whose address came earlier in the file: merged into that row. */
  merged: number;
  delimiter: ',' | ';' | '\t';
}

export const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'] as const;

/** Header names a spreadsheet may use for each known column (compared lower-cased, trimmed). */
const COLUMNS: Record<'email' | 'name' | 'language' | 'country' | 'organisation', string[]> = {
  email: ['email', 'e-mail', 'mail', 'email address', 'e-mail address', 'correo', 'courriel', 'почта'],
  name: ['name', 'full name', 'contact', 'nombre', 'nom', 'имя'],
  language: ['language', 'lang', 'locale', 'idioma', 'langue', 'язык'],
  country: ['country', 'country code', 'país', 'pays', 'страна'],
  organisation: ['organisation', 'organization', 'association', 'library', 'organización', 'организация'],
};

const email = z.email();

/**
 * Reads an invitee CSV: UTF-8 with or without a byte-order mark, comma, semicolon or tab
 * separated (whichever the header line uses most), the known columns found by their header and
 * every other column kept as an attribute. Bad rows are reported by line and reason and left out;
 * a second row with an address merges into the first. Cell text is kept as text: a formula is
 * never evaluated here, and exports write it spreadsheet-safe.
 */
export function parseInvitees(file: Buffer): ParsedInvitees | FileProblem {
  if (file.length === 0) return { problem: 'empty' };
  if ((file[0] === 0xff && file[1] === 0xfe) || (file[0] === 0xfe && file[1] === 0xff))
    return { problem: 'utf16' };
  const badLine = firstNonUtf8Line(file);
  if (badLine) return { problem: 'not_utf8', line: badLine };
  const text = file.toString('utf8').replace(/^\uFEFF/, '');
  const delimiter = delimiterOf(text.slice(0, text.search(/\r?\n|$/)));
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) return { problem: 'malformed', line: Number(error.lines ?? 0) };
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { problem: 'empty' };
  const headers = header.record.map((h) => h.trim());
  const index = columnIndex(headers);
  if (index.email === undefined) return { problem: 'no_email_column' };
  const rows = new Map<string, InviteeRow>();
  const bad: ParsedInvitees['bad'] = [];
  let merged = 0;
  for (const { record, info } of body) {
    const line = info.lines;
    // A row of separators only (spreadsheets save them below the data) is no row.
    if (record.every((c) => c === '')) continue;
    if (record.length !== headers.length) {
      bad.push({ line, reason: 'columns' });
      continue;
    }
    const row = rowOf(record, headers, index, line);
    if ('reason' in row) {
      bad.push({ line, reason: row.reason });
      continue;
    }
    const earlier = rows.get(row.email);
    if (earlier) merged++;
    rows.set(row.email, earlier ? mergeRows(earlier, row) : row);
  }
  return { rows: [...rows.values()], bad, merged, delimiter };
}

function rowOf(
  record: string[],
  headers: string[],
  index: Partial<Record<keyof typeof COLUMNS, number>>,
  line: number,
): InviteeRow | { reason: RowProblem } {
  const cell = (column: keyof typeof COLUMNS) => (index[column] === undefined ? '' : record[index[column]]!);
  const address = normalEmail(cell('email'));
  if (!address) return { reason: 'email_missing' };
  if (!email.safeParse(address).success) return { reason: 'email_invalid' };
  const language = cell('language').toLowerCase().slice(0, 2);
  if (language && !(LANGUAGES as readonly string[]).includes(language)) return { reason: 'language_unknown' };
  const countryCell = cell('country');
  const country = countryCell ? countryCode(countryCell) : undefined;
  if (countryCell && !country) return { reason: 'country_unknown' };
  const known = new Set(Object.values(index));
  const attributes: Record<string, string> = {};
  headers.forEach((h, i) => {
    if (!known.has(i) && h && record[i]) attributes[h] = record[i]!;
  });
  return {
    line,
    email: address,
    name: cell('name'),
    ...(language ? { language } : {}),
    ...(country ? { country } : {}),
    ...(cell('organisation') ? { organisation: cell('organisation') } : {}),
    attributes,
  };
}

function mergeRows(earlier: InviteeRow, later: InviteeRow): InviteeRow {
  return {
    ...earlier,
    ...Object.fromEntries(Object.entries(later).filter(([, v]) => v !== '' && v !== undefined)),
    line: earlier.line,
    attributes: { ...earlier.attributes, ...later.attributes },
  };
}

/** An ISO alpha-2 code, or a country's English or French name. */
function countryCode(value: string): string | undefined {
  const upper = value.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return countries.isValid(upper) ? upper : undefined;
  return countries.getAlpha2Code(value, 'en') ?? countries.getAlpha2Code(value, 'fr');
}

function columnIndex(headers: string[]): Partial<Record<keyof typeof COLUMNS, number>> {
  const index: Partial<Record<keyof typeof COLUMNS, number>> = {};
  headers.forEach((header, i) => {
    const h = header.toLowerCase();
    for (const [column, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string[]][])
      if (index[column] === undefined && names.includes(h)) index[column] = i;
  });
  return index;
}

/** The separator the header line uses most: spreadsheets in many locales save with semicolons. */
function delimiterOf(headerLine: string): ParsedInvitees['delimiter'] {
  const counts = ([',', ';', '\t'] as const).map((d) => [d, headerLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** The first line with bytes that do not decode as UTF-8; 0 when the whole file does. */
function firstNonUtf8Line(file: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(file);
    return 0;
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= file.length; i++) {
      if (i === file.length || file[i] === 0x0a) {
        try {
          decoder.decode(file.subarray(start, i));
        } catch {
          return line;
        }
        line++;
        start = i + 1;
      }
    }
    return 1;
  }
}
