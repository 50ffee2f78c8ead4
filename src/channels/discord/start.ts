import type { App } from '../../app.ts';
import type { RunningChannel } from '../running.ts';
import { startDiscordChannel, type DiscordChannel, type DiscordChannelOptions } from './channel.ts';
import { CHANNEL } from './context.ts';
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
    router: app.router,
    ...(config.INTERVIEW_DISCORD_CHANNEL ? { staffChannel: config.INTERVIEW_DISCORD_CHANNEL } : {}),
  };
  // The replica connected to the gateway sends: Discord's limits are per bot, kept by its client.
  const onConnected = (channel: DiscordChannel) => {
    const unregister = app.outbound.register(CHANNEL, channel.sender);
    const unregisterSpace = channel.staffSpace
      ? app.interviews.registerSpace(CHANNEL, channel.staffSpace)
      : () => {};
    return () => {
      unregister();
      unregisterSpace();
    };
  };
  if (app.stores.redis) return connectAsLeader(options, app.stores.redis, config.REDIS_PREFIX, onConnected);
  const channel = await startDiscordChannel(options);
  const unregister = onConnected(channel);
  return {
    name: channel.name,
    ready: () => channel.ready(),
    async stop() {
      unregister();
      await channel.stop();
    },
  };
}
