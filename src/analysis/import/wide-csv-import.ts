import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { FINAL_CODER, type CodingStore } from '../../store/coding-store.ts';
import type { ResponseStore } from '../../store/response-store.ts';
import type { DecodedRow, WideLayout } from '../export/wide.ts';

/** One problem in the file, where a spreadsheet shows it: row 1 is the header, columns from 1. */
export interface ImportProblem {
  row: number;
  column?: number;
  variable?: string;
  message: string;
}

export interface ImportResult {
  /** Data rows read (the header not counted). */
  rows: number;
  /** Rows without any problem. */
  valid: number;
  imported: number;
  problems: ImportProblem[];
  /** All problems, also those past the listed ones. */
  problemCount: number;
}

export interface ImportOptions {
  /** Import the rows without problems even when others have some. */
  validRows?: boolean;
  /** Check only. */
  dryRun?: boolean;
  /** Problems listed (all are counted). */
  maxProblems?: number;
}

export function formatProblem(p: ImportProblem): string {
  const where = p.column
    ? `row ${p.row}, column ${p.column}${p.variable ? ` (${p.variable})` : ''}`
    : `row ${p.row}`;
  return `${where}: ${p.message}`;
}

/**
 * Checks each line is UTF-8 before the CSV parser sees it: a file saved in another encoding
 * (Windows-1252, UTF-16) is refused with the line it fails on, not read as garbled text.
 */
class Utf8Lines extends Transform {
  private line = 1;
  private carry: Buffer = Buffer.alloc(0);
  private first = true;

  constructor(private readonly problem: (p: ImportProblem) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.first) {
      this.first = false;
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        this.problem({
          row: 1,
          message: 'the file is in UTF-16: save it as "CSV UTF-8" and import it again',
        });
        done(new EncodingStop());
        return;
      }
    }
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
      this.check(data.subarray(start, nl));
      start = nl + 1;
    }
    this.carry = Buffer.from(data.subarray(start));
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) this.check(this.carry);
    done();
  }

  private check(line: Buffer): void {
    if (!isUtf8(line)) {
      let at = 0;
      while (at < line.length && isUtf8(line.subarray(0, at + 1))) at++;
      // Count the cells before the bad byte, as a column (quotes aside: an estimate is enough).
      const column = line.subarray(0, at).toString('latin1').split(',').length;
      this.problem({
        row: this.line,
        column,
        message: `not UTF-8 text (byte ${at + 1} of the line): the file seems to be in another encoding; save it as "CSV UTF-8"`,
      });
    }
    this.line++;
  }
}

class EncodingStop extends Error {}

type Row = { record: string[]; info: { lines: number } };

/**
 * Reads the file once: the header against the layout, then every row. `onRow` gets each row's
 * decoded record (or null) and whether it had a problem.
 */
async function readRows(
  path: string,
  layout: WideLayout,
  problem: (p: ImportProblem) => void,
  onRow: (row: number, decoded: DecodedRow | null, id: string) => Promise<void>,
): Promise<{ rows: number; header: boolean }> {
  const known = new Map(layout.variables.map((v) => [v.name, v]));
  let columns: string[] | null = null;
  let rows = 0;
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  const source = createReadStream(path).pipe(new Utf8Lines(problem));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<Row>) {
      if (!columns) {
        columns = record.map((c) => c.trim());
        const seen = new Set<string>();
        columns.forEach((name, i) => {
          if (!known.has(name))
            problem({ row: 1, column: i + 1, variable: name, message: `unknown column "${name}"` });
          else if (seen.has(name))
            problem({ row: 1, column: i + 1, variable: name, message: `column "${name}" appears twice` });
          seen.add(name);
        });
        if (!seen.has('response_id')) problem({ row: 1, message: 'no "response_id" column' });
        continue;
      }
      rows++;
      const row = info.lines;
      if (record.length !== columns.length) {
        problem({ row, message: `${record.length} cells where the header has ${columns.length}` });
        await onRow(row, null, '');
        continue;
      }
      const byName = new Map<string, string>();
      columns.forEach((name, i) => byName.set(name, record[i]!));
      let bad = false;
      const decoded = layout.decode(
        (name) => byName.get(name),
        (variable, message) => {
          bad = true;
          const at = columns!.indexOf(variable);
          problem({ row, ...(at >= 0 ? { column: at + 1 } : {}), variable, message });
        },
      );
      await onRow(row, bad ? null : decoded, (byName.get('response_id') ?? '').trim());
    }
  } catch (error) {
    if (error instanceof EncodingStop) return { rows, header: columns !== null };
    const e = error as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) {
      problem({ row: e.lines ?? rows + 1, message: `not readable as CSV: ${e.message}` });
      return { rows, header: columns !== null };
    }
    throw error;
  }
  if (!columns) problem({ row: 1, message: 'the file is empty' });
  return { rows, header: columns !== null };
}

/**
 * Imports respondents from the wide CSV the export writes (paper or legacy responses join the
 * data set). Two reads: the first checks every row, with row and column in each problem; the
 * second saves. A file with any problem imports nothing, unless `validRows` asks for the rows
 * without problems. Codes carried in code columns are saved as the final coding.
 */
export async function importWideCsv(
  path: string,
  layout: WideLayout,
  stores: { responses: ResponseStore; codings: CodingStore },
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const max = opts.maxProblems ?? 1000;
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const badRows = new Set<number>();
  let fileProblem = false;
  const note = (p: ImportProblem) => {
    problemCount++;
    if (problems.length < max) problems.push(p);
  };
  const ids = new Map<string, number>();
  let valid = 0;
  const { rows } = await readRows(
    path,
    layout,
    (p) => {
      note(p);
      if (p.row === 1 || !p.column) fileProblem ||= p.row === 1;
      badRows.add(p.row);
    },
    async (row, decoded, id) => {
      const first = id ? ids.get(id) : undefined;
      if (first !== undefined) {
        note({ row, column: 1, variable: 'response_id', message: `response id also on row ${first}` });
        badRows.add(row);
        return;
      }
      if (id) ids.set(id, row);
      if (decoded && !badRows.has(row)) valid++;
    },
  );
  ids.clear();
  const result = { rows, valid, imported: 0, problems, problemCount };
  if (opts.dryRun || fileProblem || (problemCount > 0 && !opts.validRows)) return result;

  await readRows(
    path,
    layout,
    () => {},
    async (row, decoded) => {
      if (!decoded || badRows.has(row)) return;
      await stores.responses.save(decoded.record);
      for (const [question, codes] of decoded.codes) {
        await stores.codings.saveCoding({
          flowId: decoded.record.flowId,
          question,
          responseId: decoded.record.id,
          respondent: decoded.record.respondent,
          coder: FINAL_CODER,
          codes,
          at: decoded.record.updatedAt,
        });
      }
      result.imported++;
    },
  );
  return result;
}
