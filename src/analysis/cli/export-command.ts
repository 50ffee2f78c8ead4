import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXPORT_FORMATS,
  exportCsv,
  exportJsonl,
  exportR,
  exportSpss,
  exportXlsx,
  prepareExport,
  type ExportFormat,
} from '../run-export.ts';
import { checkLanguage, fileSink, openForAnalysis, UsageError } from './shared.ts';

export const EXPORT_USAGE = `npm run export -- <format> --out <path> [options]
  csv     wide CSV, one row per respondent (--out optional: standard output)
  xlsx    workbook: data, codebook and value-labels sheets
  spss    <path>.sps (GET DATA, VARIABLE LABELS, VALUE LABELS, MISSING VALUES) and <path>.csv
  r       <path>.R (factors with levels and labels) and <path>.csv
  jsonl   long JSON lines, one answer per line (--out optional)
options:
  --flow <id>  --lang <code>  --campaign <name>  --where <name=value> (as for the report)`;

/** `npm run export`: the data for SPSS, R, Excel and anything else. */
export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      flow: { type: 'string' },
      campaign: { type: 'string' },
      where: { type: 'string', multiple: true },
      lang: { type: 'string', default: 'en' },
      out: { type: 'string' },
    },
  });
  const format = positionals[0] as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format) || positionals.length > 1) {
    throw new UsageError(`name one format: ${EXPORT_FORMATS.join(', ')}`);
  }
  const out = values.out;
  if (!out && (format === 'xlsx' || format === 'spss' || format === 'r')) {
    throw new UsageError(`${format} needs --out <path>`);
  }
  const opened = await openForAnalysis(values.flow);
  if (!opened) return 1;
  try {
    const prepared = await prepareExport(opened.stores, opened.flow, opened.translator, {
      lang: checkLanguage(opened.flow, values.lang),
      where: values.where ?? [],
      ...(values.campaign ? { campaign: values.campaign } : {}),
    });
    let rows: number;
    const written: string[] = [];
    if (format === 'csv' || format === 'jsonl') {
      const sink = fileSink(out);
      rows =
        format === 'csv' ? await exportCsv(prepared, sink.write) : await exportJsonl(prepared, sink.write);
      await sink.done();
      if (out) written.push(out);
    } else if (format === 'xlsx') {
      rows = await exportXlsx(prepared, { filename: out! });
      written.push(out!);
    } else {
      const base = out!.replace(/\.(sps|r|R|csv)$/, '');
      const csvPath = `${base}.csv`;
      const scriptPath = `${base}.${format === 'spss' ? 'sps' : 'R'}`;
      const script = fileSink(scriptPath);
      const csv = fileSink(csvPath);
      // The syntax names the CSV by its file name: the two files stay side by side.
      const csvName = basename(csvPath);
      rows =
        format === 'spss'
          ? await exportSpss(prepared, csvName, script.write, csv.write)
          : await exportR(prepared, csvName, script.write, csv.write);
      await Promise.all([script.done(), csv.done()]);
      written.push(scriptPath, csvPath);
    }
    if (written.length)
      console.error(`${written.join(', ')}: ${rows} ${format === 'jsonl' ? 'lines' : 'respondents'}`);
    return 0;
  } finally {
    await opened.close();
  }
}
