import type { App } from '../../app.ts';
import type { RunningChannel } from '../running.ts';
import { startDiscordChannel, type DiscordChannelOptions } from './channel.ts';
import { connectAsLeader } from './gateway-leader.ts';

/**
 * Starts the Discord channel from the configuration (DISCORD_TOKEN, DISCORD_API_ROOT). With
 * sessions in Redis, replicas may share the bot: only the holder of the gateway lock connects.
 */
export async function startDiscord(app: App): Promise<RunningChannel> {
  const { config } = app;
  if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is not set');
  const options: DiscordChannelOptions = {
    token: config.DISCORD_TOKEN,
    ...(config.DISCORD_API_ROOT ? { apiRoot: config.DISCORD_API_ROOT } : {}),
    service: app.service,
    translator: app.translator,
    invitations: app.stores.invitations,
    log: app.log,
    metrics: app.metrics,
  };
  if (app.stores.redis) return connectAsLeader(options, app.stores.redis, config.REDIS_PREFIX);
  const channel = await startDiscordChannel(options);
  return { name: channel.name, ready: () => channel.ready(), stop: () => channel.stop() };
}
