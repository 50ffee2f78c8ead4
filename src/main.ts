import { createApp } from './app.ts';
import { unsubscribeHandler } from './campaigns/unsubscribe-route.ts';
import { mailLinkHandler } from './interviews/mail-link-route.ts';
import { startTelegram } from './channels/telegram/start.ts';
import { runTerminalOnStdio } from './channels/terminal/start.ts';
import { loadConfigOrReport, type Config } from './config.ts';
import type { RunningChannel } from './channels/running.ts';
import { mountDashboardOnDemand } from './dashboard/lazy-start.ts';
import type { RunningDashboard } from './dashboard/start.ts';
import { FlowError } from './flows/load.ts';
import { WrongKeyError } from './privacy/key-check.ts';
import { KeyFileError } from './privacy/key-source.ts';
import { Health } from './http/health.ts';
import { mountMetrics } from './http/metrics-route.ts';
import { HttpServer } from './http/server.ts';
import { createLogger } from './log.ts';
import { within } from './store/within.ts';

/** Starts the configured channels; with no platform token, the survey runs in this terminal. */
async function main(): Promise<number> {
  const config = loadConfigOrReport((line) => process.stderr.write(`${line}\n`));
  if (!config) return 1;
  const platforms = Boolean(config.TELEGRAM_BOT_TOKEN || config.DISCORD_TOKEN);
  // The terminal chat owns stdout, so its logs go to stderr and only warnings are shown.
  const secrets = { secrets: secretsOf(config) };
  const log = platforms
    ? createLogger(config.LOG_LEVEL, undefined, secrets)
    : createLogger('warn', process.stderr, secrets);
  const app = await createApp(config, log);
  if (!platforms) {
    process.stderr.write(
      `No TELEGRAM_BOT_TOKEN or DISCORD_TOKEN set: the survey runs here in the terminal (${app.stores.description}).\n`,
    );
    try {
      await runTerminalOnStdio(app);
    } finally {
      await app.close();
    }
    return 0;
  }
  // The shared HTTP server (webhooks, health, metrics) listens before channels mount routes.
  const http = new HttpServer(log);
  const health = new Health();
  for (const server of app.stores.servers) health.add({ name: server.name, ready: () => server.ping() });
  health.mount(http);
  mountMetrics(http, app.metrics);
  http.mount(
    '/unsubscribe',
    unsubscribeHandler({ invitees: app.stores.invitees, translator: app.translator }),
  );
  http.mount(
    '/followup',
    mailLinkHandler({
      interviews: app.interviews,
      translator: app.translator,
      ...(config.TELEGRAM_BOT_USERNAME ? { telegramBot: config.TELEGRAM_BOT_USERNAME } : {}),
      ...(config.DISCORD_APPLICATION_ID ? { discordApplication: config.DISCORD_APPLICATION_ID } : {}),
    }),
  );
  const channels: RunningChannel[] = [];
  let dashboard: RunningDashboard | null = null;
  // A channel that fails for good (token revoked...) ends the process, so that it is restarted.
  let failed: (error: unknown) => void = () => {};
  const failure = new Promise<'failed'>((resolve) => (failed = () => resolve('failed')));
  /**
   * Stops taking updates, lets the turns in flight finish (at most SHUTDOWN_TIMEOUT_SECONDS), then
   * closes the HTTP server and the stores. Resolves false when the turns did not finish in time.
   */
  const stopAll = async (): Promise<boolean> => {
    health.stopping();
    const timeout = config.SHUTDOWN_TIMEOUT_SECONDS;
    const drained = await within(Promise.allSettled(channels.map((c) => c.stop())), timeout * 1000);
    // A turn cut off here is safe: its session write is one compare-and-set, done or not done.
    if (!drained) log.warn({ timeoutSeconds: timeout }, 'turns still in flight at the shutdown timeout');
    // Requests still open after the timeout are cut off with the process; do not wait for them.
    await within(http.close(), drained ? 2000 : 100);
    await dashboard?.close();
    await app.close();
    return drained;
  };
  try {
    await http.listen(config.HTTP_PORT, config.HTTP_HOST);
    dashboard = mountDashboardOnDemand(app, http);
    if (config.TELEGRAM_BOT_TOKEN) channels.push(await startTelegram(app, http, (error) => failed(error)));
    // discord.js is loaded only for a Discord bot: a Telegram-only process does without it.
    if (config.DISCORD_TOKEN)
      channels.push(await (await import('./channels/discord/start.ts')).startDiscord(app));
    for (const channel of channels) health.add({ name: channel.name, ready: () => channel.ready() });
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
  health.running();
  log.info(
    { channels: channels.map((c) => c.name), stores: app.stores.description, dashboard: dashboard.url },
    'survey bot running',
  );
  const signal = await Promise.race([
    failure,
    new Promise<string>((resolve) => {
      for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
    }),
  ]);
  log.info({ signal }, 'shutting down');
  // A second signal (an impatient Ctrl-C) ends the process at once.
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => {
      log.warn({ signal: name }, 'second signal: exiting now');
      process.exit(1);
    });
  }
  const drained = await stopAll();
  // Turns cut off by the timeout may still hold sockets open: end the process rather than wait.
  if (!drained) process.exit(signal === 'failed' ? 1 : 0);
  return signal === 'failed' ? 1 : 0;
}

/** Values that must never reach a log line, whatever logs them. */
function secretsOf(config: Config): (string | undefined)[] {
  const password = (url: string | undefined) => {
    try {
      return url ? decodeURIComponent(new URL(url).password) || undefined : undefined;
    } catch {
      return undefined;
    }
  };
  return [
    config.TELEGRAM_BOT_TOKEN,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.DISCORD_TOKEN,
    config.RESPONDENT_SALT,
    ...(config.DATA_KEYS ?? []).map((k) => k.key.toString('base64')),
    config.DATA_HASH_KEY?.toString('base64'),
    password(config.REDIS_URL),
    ...(config.REDIS_CLUSTER_NODES ?? []).map((node) => node.password),
    password(config.MONGODB_URI),
    password(config.SMTP_URL),
  ];
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof FlowError || error instanceof WrongKeyError || error instanceof KeyFileError)
      process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`fatal: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
