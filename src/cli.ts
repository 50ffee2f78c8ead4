import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createApp } from './app.ts';
import { runTerminalOnStdio } from './channels/terminal/start.ts';
import { loadConfigOrReport } from './config.ts';
import { checkFlowFile, formatIssue, listFlowFiles, loadResources } from './flows/load.ts';
import { FlowRegistry } from './flows/registry.ts';
import { extraTexts, missingTexts } from './i18n/check.ts';
import { Translator } from './i18n/translator.ts';
import { FileFlowSnapshots } from './store/file-flow-snapshots.ts';
import type { FlowSnapshotStore } from './store/flow-snapshots.ts';
import { connectMongo, namesDatabase } from './store/mongo-connection.ts';
import { MongoFlowSnapshots } from './store/mongo-flow-snapshots.ts';
import { serverName } from './store/server-name.ts';
import { within } from './store/within.ts';
import { createLogger } from './log.ts';
import { staffCli, STAFF_USAGE } from './staff/cli.ts';
import { serveDashboard } from './dashboard/serve.ts';

const USAGE = `usage: npm run <command> --
  chat                      the survey as a chat in this terminal (embedded stores unless configured)
  validate [flow.yaml ...]  check flows and their texts in every language; exit 1 on any problem
  responses [--json]        list stored responses
  staff <command>           manage staff (npm run staff -- help)
  dashboard                 serve the staff dashboard and print a sign-in link for a local admin`;

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
    for (const issue of issues) console.log(formatIssue(issue));
    problems += issues.length;
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
    const translator = new Translator(resources, Object.keys(resources));
    const registry = FlowRegistry.open({ resources, translator, store, defaultFlow: config.FLOW });
    const issues = await registry.check();
    for (const issue of issues) console.log(formatIssue(issue));
    return issues.length;
  } finally {
    await close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') return await validate(args);
  if (command === 'staff' && (args.length === 0 || args[0] === 'help')) {
    console.log(STAFF_USAGE);
    return 0;
  }
  if (!['chat', 'responses', 'staff', 'dashboard'].includes(command ?? '')) {
    console.error(USAGE);
    return command ? 2 : 0;
  }
  const config = loadConfigOrReport((line) => console.error(line));
  if (!config) return 1;
  const app = await createApp(config, createLogger('warn', process.stderr));
  try {
    if (command === 'chat') {
      await runTerminalOnStdio(app);
      return 0;
    }
    if (command === 'staff') return await staffCli(app, args, (line) => console.log(line));
    if (command === 'dashboard') return await serveDashboard(app, (line) => console.log(line));
    // Streamed: one line (or document) at a time, however many responses there are.
    const json = args.includes('--json');
    let count = 0;
    if (json) process.stdout.write('[');
    for await (const r of app.stores.responses.scan({ flowId: app.flow.id })) {
      if (json) process.stdout.write(`${count ? ',' : ''}\n${JSON.stringify(r, null, 2)}`);
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
