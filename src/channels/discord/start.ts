import type { App } from '../../app.ts';
import type { RunningChannel } from '../running.ts';
import { startDiscordChannel } from './channel.ts';

/** Starts the Discord channel from the configuration (DISCORD_TOKEN, DISCORD_API_ROOT). */
export async function startDiscord(app: App): Promise<RunningChannel> {
  const { config } = app;
  if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set');
  const channel = await startDiscordChannel({
    token: config.DISCORD_TOKEN,
    ...(config.DISCORD_API_ROOT ? { apiRoot: config.DISCORD_API_ROOT } : {}),
    service: app.service,
    translator: app.translator,
    invitations: app.stores.invitations,
    log: app.log,
    metrics: app.metrics,
  });
  return { name: channel.name, ready: () => channel.ready(), stop: () => channel.stop() };
}
