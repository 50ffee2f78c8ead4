import { userInfo } from 'node:os';
import { createApp } from './app.ts';
import { startDiscord } from './channels/discord/start.ts';
import { startTelegram } from './channels/telegram/start.ts';
import { runTerminal } from './channels/terminal/run.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { FlowError } from './flows/load.ts';
import { HttpServer } from './http/server.ts';
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
  // The shared HTTP server (webhooks, later health and metrics) listens before channels mount routes.
  const http = new HttpServer(log);
  const channels: { name: string; stop(): Promise<void> }[] = [];
  // A channel that fails for good (token revoked...) ends the process, so that it is restarted.
  let failed: (error: unknown) => void = () => {};
  const failure = new Promise<'failed'>((resolve) => (failed = () => resolve('failed')));
  const stopAll = async () => {
    for (const channel of channels) await channel.stop();
    await http.close();
    await app.close();
  };
  try {
    await http.listen(config.HTTP_PORT, config.HTTP_HOST);
    if (config.TELEGRAM_BOT_TOKEN) channels.push(await startTelegram(app, http, (error) => failed(error)));
    if (config.DISCORD_TOKEN) channels.push(await startDiscord(app));
  } catch (error) {
    log.error({ err: error }, 'a channel could not start');
    await stopAll();
    return 1;
  }
  if (channels.length === 0) {
    log.error('no platform channel for the configured tokens is available in this build');
    await stopAll();
    return 1;
  }
  log.info({ channels: channels.map((c) => c.name), stores: app.stores.description }, 'survey bot running');
  const signal = await Promise.race([
    failure,
    new Promise<string>((resolve) => {
      for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
    }),
  ]);
  log.info({ signal }, 'shutting down');
  await stopAll();
  return signal === 'failed' ? 1 : 0;
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
