import { Client, GatewayIntentBits, Options, Partials, type RateLimitData } from 'discord.js';

export interface DiscordClientOptions {
  /** REST root such as https://discord.com/api (a local stand-in in tests). */
  apiRoot?: string;
  /** Discord's global limit is 50 requests per second per bot; only a benchmark raises it. */
  requestsPerSecond?: number;
  /** Rate-limit waits longer than this fail the request (reported to the user) instead of stalling. */
  maxRateLimitWaitMs?: number;
  /**
   * The interviewers' staff channel (INTERVIEW_DISCORD_CHANNEL): its private threads' messages
   * are read, which needs the server-messages and (privileged) message-content intents.
   */
  staffChannel?: string;
}

/**
 * A discord.js client with the least it needs. Intents: direct messages only. Message content
 * is not requested: Discord delivers the content of DMs with the app without that privileged
 * intent, and the bot reads no server messages. The Channel partial makes DMs from users whose
 * DM channel is not cached arrive at all. Messages are not cached: every event carries what we use.
 */
export function createDiscordClient(opts: DiscordClientOptions = {}): Client {
  const maxWait = opts.maxRateLimitWaitMs ?? 5_000;
  return new Client({
    intents: [
      GatewayIntentBits.DirectMessages,
      ...(opts.staffChannel ? [GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent] : []),
    ],
    // Every shard Discord recommends, in this one process: one gateway connection per shard (one
    // below 2,500 servers). DMs always arrive on shard 0; replicas do not split the shards but
    // take turns holding all of them (see gateway-leader.ts), as Discord's global limit of 50
    // requests per second per bot, not CPU, bounds what the bot can do.
    shards: 'auto',
    partials: [Partials.Channel],
    rest: {
      ...(opts.apiRoot ? { api: opts.apiRoot } : {}),
      globalRequestsPerSecond: opts.requestsPerSecond ?? 50,
      rejectOnRateLimit: (limit: RateLimitData) => Math.max(limit.retryAfter, limit.timeToReset) > maxWait,
      // Every refused request is told (with the count towards Discord's invalid-request limit),
      // so unasked messages stop well before it (DiscordSender).
      invalidRequestWarningInterval: 1,
    },
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
}
