import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ResponseRecord } from '../../store/response-store.ts';
import type { Labels } from '../render/labels.ts';
import { MISSING } from './layout.ts';
import type { WideLayout } from './wide.ts';

/** What exceljs's sheet writer streams into: its buffer, and where the zip reads it. */
interface SheetStream {
  stream?: {
    pipes?: {
      writableLength?: number;
      /** readable-stream's PassThrough (archiver's) predates `writableLength`. */
      _writableState?: { length?: number };
      once?(event: 'drain', listener: () => void): unknown;
    }[];
  };
}

/**
 * Waits while the zip stream holds more than a few megabytes of the sheet: exceljs writes rows
 * into it without back-pressure, and an export of 100,000 rows outran the compression by 190 MB.
 */
async function zipCaughtUp(sheet: unknown): Promise<void> {
  for (const pipe of (sheet as SheetStream).stream?.pipes ?? []) {
    while ((pipe.writableLength ?? pipe._writableState?.length ?? 0) > 4 << 20 && pipe.once) {
      await new Promise((resolve) => pipe.once!('drain', () => resolve(undefined)));
    }
  }
}

/**
 * The workbook: the data (the wide CSV's cells, numbers as numbers), a codebook sheet (each
 * variable's label, type, question and missing codes) and a value-labels sheet. Written by
 * exceljs's streaming writer, row by row, so 100,000 respondents never sit in memory.
 */
export async function writeXlsx(
  layout: WideLayout,
  labels: Labels,
  records: AsyncIterable<ResponseRecord>,
  target: { filename: string } | { stream: Writable },
): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    ...target,
    useStyles: false,
    useSharedStrings: false,
  });
  const vars = layout.variables;
  const sheetName = (key: string) =>
    labels
      .t(key)
      .replace(/[[\]:*?/\\]/g, ' ')
      .slice(0, 31);

  const data = workbook.addWorksheet(sheetName('export.sheet.data'));
  data.addRow(vars.map((v) => v.name)).commit();
  let rows = 0;
  for await (const record of records) {
    const cells = layout.encode(record);
    data
      .addRow(cells.map((c, i) => (vars[i]!.type === 'numeric' ? (c === '' ? null : Number(c)) : c)))
      .commit();
    if (++rows % 200 === 0) await zipCaughtUp(data);
  }
  data.commit();

  const h = (key: string) => labels.t(`export.header.${key}`);
  const codebook = workbook.addWorksheet(sheetName('export.sheet.codebook'));
  codebook.addRow([h('variable'), h('label'), h('type'), h('question'), h('missing')]).commit();
  for (const v of vars) {
    const missing = v.missing.map((m) => `${MISSING[m]} ${labels.t(`export.missing.${m}`)}`).join('; ');
    codebook
      .addRow([
        v.name,
        labels.text(v.label(labels)),
        `${labels.t(`export.${v.type}`)}${v.derived ? ` (${labels.t('export.derived')})` : ''}`,
        v.question ?? '',
        missing,
      ])
      .commit();
  }
  codebook.addRow([]).commit();
  codebook.addRow([labels.t('export.note_text')]).commit();
  codebook.commit();

  const values = workbook.addWorksheet(sheetName('export.sheet.values'));
  values.addRow([h('variable'), h('value'), h('label')]).commit();
  for (const v of vars) {
    for (const x of v.values?.(labels) ?? []) values.addRow([v.name, x.value, labels.text(x.label)]).commit();
  }
  values.commit();
  await workbook.commit();
  return rows;
}
