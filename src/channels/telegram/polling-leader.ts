import type { App } from '../../app.ts';
import type { RedisClient } from '../../store/redis-connection.ts';
import { LeaderLock } from '../../store/redis-leader.ts';
import { CHANNEL } from './handle-update.ts';
import type { TelegramChannel } from './channel.ts';

/**
 * Long polling in exactly one replica at a time. Telegram serves getUpdates to one client per
 * bot (a second poller makes the first fail with 409 Conflict), so replicas take turns through a
 * leader lock in Redis: the holder polls, the others stand by and take over within the lock's
 * expiry when it dies; a leader that loses the lock (Redis unreachable) stops polling first.
 * Updates the dead leader fetched but did not confirm come again to the next one, which applies
 * each at most once (the update id is saved with the session).
 */
export async function pollAsLeader(
  app: App,
  channel: TelegramChannel,
  redis: RedisClient,
): Promise<{ name: string; ready(): boolean; stop(): Promise<void> }> {
  // The token is checked and the command menu set at start-up, leader or not.
  await channel.prepare();
  // The bot's id (the token's public part) names the lock, so several bots can share a prefix.
  const botId = app.config.TELEGRAM_BOT_TOKEN!.split(':')[0];
  const lock = new LeaderLock(redis, `${app.config.REDIS_PREFIX}telegram-polling-leader:${botId}`, {
    log: app.log.child({ channel: CHANNEL }),
    onLead: async () => {
      await channel.startPolling();
      return () => channel.stopPolling();
    },
  });
  lock.start();
  let stopping = false;
  return {
    name: CHANNEL,
    // Leader or standby, the replica does its job: a leader whose polling fails ends the process.
    ready: () => !stopping,
    async stop() {
      stopping = true;
      await lock.stop();
      await channel.stop();
    },
  };
}
