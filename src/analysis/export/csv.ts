import { stringify } from 'csv-stringify/sync';
import type { ResponseRecord } from '../../store/response-store.ts';
import type { Sink } from '../render/html.ts';
import type { WideLayout } from './wide.ts';

/**
 * The wide CSV: a header of variable names, then one line per respondent (line breaks inside
 * answers are written as \n, so every record is one line, as SPSS and PSPP read them). UTF-8
 * without a byte order mark, comma-separated, fields quoted only when they need it.
 */
export async function writeWideCsv(
  layout: WideLayout,
  records: AsyncIterable<ResponseRecord>,
  write: Sink,
): Promise<number> {
  await write(stringify([layout.variables.map((v) => v.name)]));
  let rows = 0;
  let batch: string[][] = [];
  for await (const record of records) {
    batch.push(layout.encode(record));
    rows++;
    if (batch.length === 500) {
      await write(stringify(batch));
      batch = [];
    }
  }
  if (batch.length) await write(stringify(batch));
  return rows;
}
