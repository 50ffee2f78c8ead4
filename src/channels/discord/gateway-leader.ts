import { createHash } from 'node:crypto';
import type { Logger } from '../../log.ts';
import type { RedisClient } from '../../store/redis-connection.ts';
import { LeaderLock } from '../../store/redis-leader.ts';
import { startDiscordChannel, type DiscordChannel, type DiscordChannelOptions } from './channel.ts';
import { CHANNEL } from './context.ts';

/**
 * The Discord gateway in exactly one replica at a time. Discord sends every event to each
 * connection of a shard, so two replicas connected alike would both answer every DM (and a typed
 * answer would be taken twice). The replica holding the lock connects (all shards, see
 * client.ts); the others stand by and connect within the lock's expiry when it dies. Events
 * sent while no replica is connected are not delivered again by Discord: a respondent whose DM
 * got no answer sends it again, and a pressed button shows "interaction failed" and is pressed again.
 */
export function connectAsLeader(
  options: DiscordChannelOptions,
  redis: RedisClient,
  prefix: string,
  /** The channel connected (this replica leads); returns what to undo when it disconnects. */
  onConnected: (channel: DiscordChannel) => () => void = () => () => {},
): { name: string; ready(): boolean; stop(): Promise<void> } {
  const log: Logger = options.log.child({ channel: CHANNEL });
  // Named by a hash of the token, never the token, so several bots can share a prefix.
  const bot = createHash('sha256').update(options.token).digest('hex').slice(0, 12);
  let channel: DiscordChannel | null = null;
  let gaveUp = false;
  let stopping = false;
  const lock = new LeaderLock(redis, `${prefix}discord-gateway-leader:${bot}`, {
    log,
    onLead: async () => {
      const started = await startDiscordChannel(options);
      channel = started;
      const disconnected = onConnected(started);
      return async () => {
        channel = null;
        disconnected();
        await started.stop();
      };
    },
    // A refused token will not get better by trying again: this replica stops trying and says so.
    onLeadFailed: (error) => {
      gaveUp = (error as { code?: unknown }).code === 'TokenInvalid';
      if (gaveUp) log.fatal('discord refused the token; this replica no longer connects');
      return gaveUp;
    },
  });
  lock.start();
  return {
    name: CHANNEL,
    // A standby is ready: its job is to wait. A leader is ready once connected.
    ready: () => !stopping && !gaveUp && (lock.leading ? (channel?.ready() ?? false) : true),
    async stop() {
      stopping = true;
      await lock.stop();
    },
  };
}
