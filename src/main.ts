import { userInfo } from 'node:os';
import { createApp } from './app.ts';
import { runTerminal } from './channels/terminal/run.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { FlowError } from './flows/load.ts';
import { createLogger } from './log.ts';

/** Starts the configured channels; with no platform token, the survey runs in this terminal. */
async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`config: ${problem}\n`);
    return 1;
  }
  const platforms = Boolean(config.TELEGRAM_BOT_TOKEN || config.DISCORD_TOKEN);
  // The terminal chat owns stdout, so its logs go to stderr and only warnings are shown.
  const log = platforms ? createLogger(config.LOG_LEVEL) : createLogger('warn', process.stderr);
  const app = await createApp(config, log);
  if (!platforms) {
    process.stderr.write(
      `No TELEGRAM_BOT_TOKEN or DISCORD_TOKEN set: the survey runs here in the terminal (${app.stores.description}).\n`,
    );
    try {
      await runTerminal({
        service: app.service,
        translator: app.translator,
        responses: app.stores.responses,
        input: process.stdin,
        output: process.stdout,
        user: userInfo().username,
        locale: process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG,
      });
    } finally {
      await app.close();
    }
    return 0;
  }
  log.error('platform channels are not available in this build');
  await app.close();
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof FlowError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`fatal: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
