import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { wideLayout } from '../export/wide.ts';
import { formatProblem, importWideCsv } from '../import/wide-csv-import.ts';
import { codeKeys, loadContext } from '../sources.ts';
import { openForAnalysis, UsageError } from './shared.ts';

export const IMPORT_USAGE = `npm run import -- <file.csv> [options]
  reads the wide CSV that "npm run export -- csv" writes (paper or legacy responses too)
  --flow <id>     the flow the file belongs to (default: FLOW)
  --dry-run       check the file, import nothing
  --valid-rows    import the rows without problems even when other rows have some`;

/** `npm run import`: every problem with its row and column; nothing imported from a faulty file. */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      flow: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'valid-rows': { type: 'boolean', default: false },
    },
  });
  const [file, ...rest] = positionals;
  if (!file || rest.length) throw new UsageError('name one CSV file');
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  const opened = await openForAnalysis(values.flow);
  if (!opened) return 1;
  try {
    const context = await loadContext(opened.stores, opened.flow);
    const layout = wideLayout(opened.flow, codeKeys(context), context);
    const result = await importWideCsv(file, layout, opened.stores, {
      dryRun: values['dry-run'],
      validRows: values['valid-rows'],
    });
    for (const p of result.problems) console.log(`${file}: ${formatProblem(p)}`);
    if (result.problemCount > result.problems.length) {
      console.log(`${file}: ... and ${result.problemCount - result.problems.length} more problems`);
    }
    const nothing =
      result.problemCount > 0 && !values['valid-rows']
        ? ' (nothing imported: fix the file, or use --valid-rows)'
        : '';
    console.log(
      `${file}: ${result.rows} rows, ${result.valid} without problems, ${result.problemCount} problems; ${result.imported} imported${values['dry-run'] ? ' (dry run)' : nothing}`,
    );
    return result.problemCount > 0 ? 1 : 0;
  } finally {
    await opened.close();
  }
}
