import { resolve } from 'node:path';
import { createApp } from './app.ts';
import { runTerminalOnStdio } from './channels/terminal/start.ts';
import { loadConfigOrReport } from './config.ts';
import { checkFlowFile, formatIssue, listFlowFiles, loadResources } from './flows/load.ts';
import { extraTexts, missingTexts } from './i18n/check.ts';
import { createLogger } from './log.ts';

const USAGE = `usage: npm run <command> --
  chat                      the survey as a chat in this terminal (embedded stores unless configured)
  validate [flow.yaml ...]  check flows and their texts in every language; exit 1 on any problem
  responses [--json]        list stored responses`;

/** Checks flows and locale files; prints every problem as "file: question: reason". */
function validate(files: string[]): number {
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
  console.log(problems === 0 ? 'no problems found' : `${problems} problem(s) found`);
  return problems === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'validate') return validate(args);
  if (command !== 'chat' && command !== 'responses') {
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
