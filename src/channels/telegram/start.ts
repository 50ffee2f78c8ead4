import { createHmac } from 'node:crypto';
import type { App } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { HttpServer } from '../../http/server.ts';
import type { Keyring } from '../../privacy/keyring.ts';
import type { Logger } from '../../log.ts';
import type { RedisClient } from '../../store/redis-connection.ts';
import type { RunningChannel } from '../running.ts';
import { TelegramChannel, type TelegramMode } from './channel.ts';
import { pollAsLeader } from './polling-leader.ts';
import { RedisPromptMessages } from './redis-prompt-messages.ts';

/**
 * Starts the Telegram channel from the configuration: a webhook on the shared HTTP server when
 * TELEGRAM_WEBHOOK_URL is set, long polling otherwise. Returns how to stop it; `onFatal`
 * hears of a failure that stopped the channel by itself.
 */
export async function startTelegram(
  app: App,
  http: HttpServer,
  onFatal: (error: unknown) => void = () => {},
): Promise<RunningChannel> {
  const { config } = app;
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const redis = app.stores.redis;
  const channel = new TelegramChannel({
    token: config.TELEGRAM_BOT_TOKEN,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    service: app.service,
    translator: app.translator,
    log: app.log,
    onFatal,
    ...(redis ? { prompts: sharedPromptMessages(redis, config, app.log, app.stores.keyring) } : {}),
    metrics: app.metrics,
    router: app.router,
    ...(config.INTERVIEW_TELEGRAM_GROUP ? { staffGroup: Number(config.INTERVIEW_TELEGRAM_GROUP) } : {}),
  });
  const mode = modeOf(app, http);
  // Several replicas may share this bot: only the holder of the polling lock asks for updates.
  const running =
    mode.mode === 'polling' && redis
      ? await pollAsLeader(app, channel, redis)
      : await channel.start(mode).then(() => ({
          name: 'telegram',
          ready: () => channel.ready(),
          stop: () => channel.stop(),
        }));
  // Every replica sends (the Bot API takes calls from any of them), polling leader or not.
  const unregister = app.outbound.register('telegram', channel.sender);
  const unregisterSpace = channel.staffSpace
    ? app.interviews.registerSpace('telegram', channel.staffSpace)
    : () => {};
  return {
    ...running,
    async stop() {
      unregister();
      unregisterSpace();
      await running.stop();
    },
  };
}

/** Replicas share where each chat's question is, so any of them can tidy it after an answer. */
export function sharedPromptMessages(
  redis: RedisClient,
  config: Pick<Config, 'REDIS_PREFIX' | 'SESSION_TTL_DAYS'>,
  log: Logger,
  keyring?: Keyring,
): RedisPromptMessages {
  // The prompt store's commands are those of both clients; its type names the single one.
  return new RedisPromptMessages(redis, {
    prefix: config.REDIS_PREFIX,
    ttlMs: config.SESSION_TTL_DAYS * 86_400_000,
    log,
    ...(keyring ? { keyring } : {}),
  });
}

function modeOf(app: App, http: HttpServer): TelegramMode {
  const { config } = app;
  if (!config.TELEGRAM_WEBHOOK_URL) return { mode: 'polling' };
  // Without a configured secret, one derived from the token: the same in every replica (each
  // sets the webhook at start, and the last one's secret is what Telegram sends to all of them).
  const secret = config.TELEGRAM_WEBHOOK_SECRET ?? derivedSecret(config.TELEGRAM_BOT_TOKEN!);
  const path = config.TELEGRAM_WEBHOOK_PATH ?? new URL(config.TELEGRAM_WEBHOOK_URL).pathname;
  return { mode: 'webhook', url: config.TELEGRAM_WEBHOOK_URL, path, secret, server: http };
}

/** A webhook secret only the token's holder can compute, without revealing the token. */
function derivedSecret(token: string): string {
  return createHmac('sha256', token).update('telegram webhook secret').digest('hex');
}
