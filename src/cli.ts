import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigOrReport } from './config.ts';
import {
  checkFlowFile,
  formatIssue,
  languagesOf,
  listFlowFiles,
  loadFlow,
  loadResources,
  withAllFlowTexts,
  withFlowTexts,
} from './flows/load.ts';
import { FlowRegistry } from './flows/registry.ts';
import { extraTexts, missingTexts } from './i18n/check.ts';
import { Translator } from './i18n/translator.ts';
import { FileFlowSnapshots } from './store/file-flow-snapshots.ts';
import type { FlowSnapshotStore } from './store/flow-snapshots.ts';
import { serverName } from './store/server-name.ts';
import { within } from './store/within.ts';
import { createLogger } from './log.ts';
import { neutralizeBidi } from './safe-text.ts';
import { CODE_USAGE, codeCommand } from './analysis/cli/code-command.ts';
import { EXPORT_USAGE, exportCommand } from './analysis/cli/export-command.ts';
import { IMPORT_USAGE, importCommand } from './analysis/cli/import-command.ts';
import { REPORT_USAGE, reportCommand } from './analysis/cli/report-command.ts';
import { UsageError } from './analysis/cli/shared.ts';
import { DimensionError } from './analysis/dimensions.ts';

// The app, the dashboard, the form tools and MongoDB's driver are loaded by the commands that use
// them: a report or export loaded them all for nothing, 75 MB of its peak memory.

const ANALYSIS_USAGE: Record<string, string> = {
  report: REPORT_USAGE,
  export: EXPORT_USAGE,
  import: IMPORT_USAGE,
  code: CODE_USAGE,
};

const USAGE = `usage: npm run <command> --
  chat                      the survey as a chat in this terminal (embedded stores unless configured)
  validate [flow.yaml ...]  check flows and their texts in every language; exit 1 on any problem
  responses [--json]        list stored responses
  import-form <form.xlsx|.csv|.md> [--skip-unsupported] [--language xx] [--replace]
                            an XLSForm as flows/<form_id>.yaml and its texts; nothing is written from a form that fails
  export-form <flow id> [out.xlsx]
                            a flow as an XLSForm (default: <flow id>.xlsx here)
  report [options]          tables of every question, splits and cross-tabs (--help for options)
  export <format> [options] the data for SPSS, R, Excel (--help)
  import <file.csv>         responses from a wide CSV, checked against the flow (--help)
  code <command>            codebooks and coding of open answers (--help)
  staff <command>           manage staff (npm run staff -- help)
  transcripts [options]     follow-up conversations as text, JSON or a printable page (--help)
  campaign <command>        campaigns, invitees, links, e-mail invitations, funnel (npm run campaign -- help)
  dashboard                 serve the staff dashboard and print a sign-in link for a local admin
  keys <new|rotate|check>   data keys of personal data at rest (npm run keys -- help)`;

const ANALYSIS: Record<string, (args: string[]) => Promise<number>> = {
  report: reportCommand,
  export: exportCommand,
  import: importCommand,
  code: codeCommand,
};

/** Runs an analysis command; a mistake in its arguments is one line and exit status 2. */
async function analysis(command: string, args: string[]): Promise<number> {
  const usage = ANALYSIS_USAGE[command]!;
  if (args.includes('--help')) {
    console.log(usage);
    return 0;
  }
  try {
    return await ANALYSIS[command]!(args);
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e instanceof UsageError || e instanceof DimensionError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${command}: ${e.message}\nusage: ${usage}`);
      return 2;
    }
    throw error;
  }
}

/** Checks flows and locale files; prints every problem as "file: question: reason". */
async function validate(files: string[]): Promise<number> {
  const resources = loadResources();
  let problems = 0;
  for (const lng of Object.keys(resources).filter((l) => l !== 'en')) {
    for (const key of missingTexts(resources, lng)) {
      console.log(`locales/${lng}/${key.split(':')[0]}.json: missing text "${key.split(':')[1]}"`);
      problems++;
    }
    for (const key of extraTexts(resources, lng)) {
      console.log(`locales/${lng}/${key.split(':')[0]}.json: "${key.split(':')[1]}" is not in English`);
      problems++;
    }
  }
  for (const file of files.length ? files.map((f) => resolve(f)) : listFlowFiles()) {
    const { flow, issues } = checkFlowFile(file, resources);
    for (const issue of issues) console.log(`${issue.warning ? 'warning: ' : ''}${formatIssue(issue)}`);
    problems += issues.filter((i) => !i.warning).length;
    if (flow) {
      const asked = flow.questions.length - flow.metaCount;
      console.log(
        `${file}: ok (${flow.id} v${flow.version}, ${asked} questions, ${flow.languages.join(', ')})`,
      );
    }
  }
  if (problems === 0 && files.length === 0) problems += await checkDeployed(resources);
  console.log(problems === 0 ? 'no problems found' : `${problems} problem(s) found`);
  return problems === 0 ? 0 : 1;
}

/**
 * Compares the flows with the versions already deployed, where the configured store holds them
 * (MONGODB_URI, or the embedded DATA_DIR): a version changed without a new number is reported
 * before it is deployed, since sessions on that version would walk a path they did not start.
 */
async function checkDeployed(resources: ReturnType<typeof loadResources>): Promise<number> {
  const config = loadConfigOrReport(() => {});
  if (!config) return 0;
  let store: FlowSnapshotStore;
  let close = async () => {};
  if (config.MONGODB_URI) {
    const [{ connectMongo, namesDatabase }, { MongoFlowSnapshots }] = await Promise.all([
      import('./store/mongo-connection.ts'),
      import('./store/mongo-flow-snapshots.ts'),
    ]);
    const mongo = await connectMongo(config.MONGODB_URI, createLogger('silent'), {
      ...(namesDatabase(config.MONGODB_URI) ? {} : { dbName: 'survey' }),
    });
    if (!(await within(mongo.connected, 5000))) {
      console.log(
        `deployed versions not checked: MongoDB at ${serverName(config.MONGODB_URI)} did not answer`,
      );
      await mongo.close();
      return 0;
    }
    store = new MongoFlowSnapshots(mongo.connection);
    close = () => mongo.close();
  } else if (existsSync(join(config.DATA_DIR, 'flow-versions.jsonl'))) {
    store = new FileFlowSnapshots(config.DATA_DIR);
    close = () => store.close();
  } else return 0;
  try {
    const all = withAllFlowTexts(resources);
    const translator = new Translator(all, languagesOf(all));
    const registry = FlowRegistry.open({ resources: all, translator, store, defaultFlow: config.FLOW });
    const issues = await registry.check();
    for (const issue of issues) console.log(formatIssue(issue));
    return issues.length;
  } finally {
    await close();
  }
}

/** `import-form <file> [--skip-unsupported] [--language xx] [--replace]`: prints every part and its fate. */
async function importForm(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--language');
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const language = args[args.indexOf('--language') + 1];
  const { importFormFile } = await import('./forms/import-file.ts');
  const report = await importFormFile(resolve(file), {
    skipUnsupported: args.includes('--skip-unsupported'),
    replace: args.includes('--replace'),
    ...(args.includes('--language') && language ? { language } : {}),
  });
  for (const line of report.summary) console.log(line);
  for (const line of report.notes) console.log(`note: ${line}`);
  for (const line of report.warnings) console.log(`warning: ${line}`);
  for (const line of report.problems) console.log(`refused: ${line}`);
  if (!report.ok) {
    const hint = report.problems.some((p) => /not supported|repeats/.test(p))
      ? ' (--skip-unsupported leaves unsupported questions out)'
      : '';
    console.log(`${report.problems.length} problem(s): nothing written${hint}`);
    return 1;
  }
  for (const written of report.written) console.log(`wrote ${written}`);
  console.log(`run it with FLOW=${report.flowId} npm start`);
  return 0;
}

/** `export-form <flow id> [out.xlsx]`: the flow and its texts as an XLSForm workbook. */
async function exportForm(args: string[]): Promise<number> {
  const [id, out] = args;
  if (!id) {
    console.error(USAGE);
    return 2;
  }
  const resources = withFlowTexts(loadResources(), id);
  const flow = loadFlow(id, resources);
  const path = resolve(out ?? `${id}.xlsx`);
  const { writeXlsForm } = await import('./forms/export.ts');
  await writeXlsForm(flow, new Translator(resources, flow.languages), path);
  console.log(`wrote ${path}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') return await validate(args);
  if (command === 'import-form') return importForm(args);
  if (command === 'export-form') return exportForm(args);
  if (command && command in ANALYSIS) return analysis(command, args);
  if (command === 'staff' && (args.length === 0 || args[0] === 'help')) {
    console.log((await import('./staff/cli.ts')).STAFF_USAGE);
    return 0;
  }
  if (command === 'transcripts' && args.includes('--help')) {
    console.log((await import('./interviews/cli.ts')).TRANSCRIPTS_USAGE);
    return 0;
  }
  if (command === 'campaign' && (args.length === 0 || args[0] === 'help')) {
    console.log((await import('./campaigns/cli.ts')).CAMPAIGN_USAGE);
    return 0;
  }
  if (command === 'keys') {
    const config = loadConfigOrReport((line) => console.error(line));
    const { keysCli } = await import('./privacy/keys-cli.ts');
    return config ? keysCli(config, args, (line) => console.log(line)) : 1;
  }
  if (!['chat', 'responses', 'staff', 'campaign', 'dashboard', 'transcripts'].includes(command ?? '')) {
    console.error(USAGE);
    return command ? 2 : 0;
  }
  const config = loadConfigOrReport((line) => console.error(line));
  if (!config) return 1;
  const { createApp } = await import('./app.ts');
  const app = await createApp(config, createLogger('warn', process.stderr));
  try {
    if (command === 'chat') {
      const { runTerminalOnStdio } = await import('./channels/terminal/start.ts');
      await runTerminalOnStdio(app);
      return 0;
    }
    const print = (line: string) => console.log(line);
    if (command === 'staff') return await (await import('./staff/cli.ts')).staffCli(app, args, print);
    if (command === 'transcripts')
      return await (await import('./interviews/cli.ts')).transcriptsCli(app, args, print);
    if (command === 'campaign')
      return await (await import('./campaigns/cli.ts')).campaignCli(app, args, print);
    if (command === 'dashboard')
      return await (await import('./dashboard/serve.ts')).serveDashboard(app, print);
    // Streamed: one line (or document) at a time, however many responses there are. Answers are
    // kept as typed; direction overrides in them must not reorder what staff read.
    const shown = (_key: string, value: unknown) =>
      typeof value === 'string' ? neutralizeBidi(value) : value;
    const json = args.includes('--json');
    let count = 0;
    if (json) process.stdout.write('[');
    for await (const r of app.stores.responses.scan({ flowId: app.flow.id })) {
      if (json) process.stdout.write(`${count ? ',' : ''}\n${JSON.stringify(r, shown, 2)}`);
      else {
        const answered = Object.values(r.answers).filter((a) => a.status === 'answered').length;
        console.log(
          `${r.id}  ${r.status.padEnd(8)} ${r.channel.padEnd(9)} ${r.locale}  ${r.startedAt.toISOString()}  ${answered} answered`,
        );
      }
      count++;
    }
    if (json) console.log(count ? '\n]' : ']');
    else console.log(`${count} response(s) in ${app.stores.description}`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`fatal: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
