import { neutralizeBidi, spreadsheetSafe } from '../../safe-text.ts';

/**
 * How a respondent's text is written in a cell, and read back exactly. Spreadsheets must never
 * run it (`spreadsheetSafe` puts an apostrophe before = + - @), so a text that starts with an
 * apostrophe gets one too, and reading drops the first apostrophe. Line breaks are written as
 * `\n` (and a backslash as `\\`): SPSS and PSPP read one case per line. Direction controls are
 * removed, as everywhere staff see answers.
 */
export function writeText(text: string): string {
  const flat = neutralizeBidi(text).replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return flat.startsWith("'") ? `'${flat}` : spreadsheetSafe(flat);
}

export function readTextCell(cell: string): string {
  const raw = cell.startsWith("'") ? cell.slice(1) : cell;
  return raw.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** A number as written: integers plain, others with as many digits as they need (String()). */
export function writeNumber(n: number): string {
  return String(n);
}

/** A cell that must hold an integer; null when it does not. */
export function readInteger(cell: string): number | null {
  return /^-?\d{1,15}$/.test(cell.trim()) ? Number(cell.trim()) : null;
}

/** A cell that must hold a number written with a dot for decimals; null when it does not. */
export function readDecimal(cell: string): number | null {
  const t = cell.trim();
  return /^-?\d{1,15}(\.\d{1,10})?$/.test(t) ? Number(t) : null;
}
