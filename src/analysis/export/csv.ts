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
  // Row by row: a batch held across writes would outlive the young generation and pile up in
  // the old one (a 500-row batch doubled the peak memory of an export of 100,000).
  for await (const record of records) {
    await write(stringify([layout.encode(record)]));
    rows++;
  }
  return rows;
}
