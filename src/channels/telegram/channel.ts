import { timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { ConversationService } from '../../conversation/service.ts';
import type { RouteHandler, HttpServer } from '../../http/server.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import { ChatQueue } from './chat-queue.ts';
import type { Router } from '../../router/router.ts';
import type { StaffMember } from '../../staff/staff.ts';
import { commandsFor, staffMenuFor } from './commands.ts';
import { BotApi } from './bot-api.ts';
import { CHANNEL, UpdateHandler } from './handle-update.ts';
import { TelegramOutbox } from './outbox.ts';
import { SendPacer } from './pacer.ts';
import { TelegramSender } from './sender.ts';
import { TelegramStaffSpace } from './staff-space.ts';
import { PromptMessages, type PromptMessageStore } from './prompt-messages.ts';
import { toInput, withUpdateId } from './to-input.ts';
import { checkUpdate, updateIdOf } from './update-shape.ts';
import { readLimitedBody } from './webhook-body.ts';
import { WebhookReply } from './webhook-reply.ts';

/**
 * Kept-alive connections for telegraf's own calls (getUpdates, setWebhook, getMe): a long poll
 * holds one; the bot's calls go through the `BotApi` pool.
 */
function pollingAgent(apiRoot: string | undefined): HttpAgent {
  const options = { keepAlive: true, maxSockets: 4 };
  return apiRoot?.startsWith('http://') ? new HttpAgent(options) : new HttpsAgent(options);
}

/** The updates the bot asks Telegram for; anything else is never delivered. */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** What a user sends, limited per user; staff in the interviewers' forum and "blocked" notices are not. */
const LIMITED_KINDS: ReadonlySet<string> = new Set([
  'input',
  'command',
  'other_command',
  'action',
  'invalid',
  'group',
  'followup_button',
]);
/**
 * The largest webhook body read (bytes). Telegram's updates are a few kilobytes (a message holds
 * at most 4,096 characters); anything larger is refused (413) before it is read whole.
 */
export const MAX_WEBHOOK_BODY = 256 * 1024;

export interface TelegramChannelOptions {
  token: string;
  /** A self-hosted Bot API server or a test stand-in; Telegram's own by default. */
  apiRoot?: string;
  service: ConversationService;
  translator: Translator;
  log: Logger;
  clock?: () => number;
  /** A 429 asking to wait longer than this many seconds is given up. */
  maxRetryAfter?: number;
  /** Messages nobody asked for (the outbound port): least time between two to one chat (ms). */
  bulkIntervalMs?: number;
  /** Messages nobody asked for: at most this many in any one second, all chats together. */
  bulkPerSecond?: number;
  /** Called when polling stops by itself (token revoked, another instance polling). */
  onFatal?: (error: unknown) => void;
  /** Where each chat's question message is; shared in Redis by replicas (in memory by default). */
  prompts?: PromptMessageStore;
  /** Updates received and handled by kind and outcome, failed API calls, rate-limit waits. */
  metrics?: Metrics;
  /** The client of the bot's own calls; a `BotApi` over `apiRoot` by default (closed at stop). */
  api?: BotApi;
  /** Staff commands and their rights, checked against the staff directory. */
  router?: Router;
  /** The interviewers' forum supergroup (INTERVIEW_TELEGRAM_GROUP): its topics hold follow-up conversations. */
  staffGroup?: number;
}

export type TelegramMode =
  { mode: 'polling' } | { mode: 'webhook'; url: string; path: string; secret: string; server: HttpServer };

/**
 * The Telegram channel: a telegraf bot whose only middleware reads each update with `toInput`
 * and hands it to the `UpdateHandler`, one chat at a time. Updates come by long polling or by
 * webhook on the shared HTTP server.
 */
export class TelegramChannel {
  readonly bot: Telegraf;
  readonly outbox: TelegramOutbox;
  private readonly queue = new ChatQueue();
  private readonly prompts: PromptMessageStore;
  /** Set while polling is being stopped on purpose: its errors then are not failures. */
  private pollingStopping = false;
  /** This channel's side of the outbound port: paced texts and live prompts. */
  readonly sender: TelegramSender;
  /** The interviewers' forum, when one is configured. */
  readonly staffSpace: TelegramStaffSpace | null;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<void>>();
  /** The HTTP response of each webhook update being handled, by update. */
  private readonly replies = new WeakMap<object, WebhookReply>();
  private handler: UpdateHandler | null = null;
  private polling: Promise<void> | null = null;
  private unmount: (() => void) | null = null;
  private readonly agent: HttpAgent;
  private readonly api: BotApi;
  /** Set when shutdown begins: webhook deliveries are refused (Telegram retries them later). */
  private draining = false;
  private failed = false;

  constructor(private readonly options: TelegramChannelOptions) {
    this.log = options.log.child({ channel: CHANNEL });
    this.prompts = options.prompts ?? new PromptMessages();
    const { service } = options;
    this.agent = pollingAgent(options.apiRoot);
    this.bot = new Telegraf(options.token, {
      // Replies inside the webhook response cannot report errors; every call goes to the API.
      telegram: {
        ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
        webhookReply: false,
        agent: this.agent,
      },
      handlerTimeout: 120_000,
    });
    // telegraf drops the agent for an http:// root (a local Bot API server); set it again, so
    // that connection is kept alive too.
    this.bot.telegram.options.agent = this.agent;
    this.api = options.api ?? new BotApi(options.token, options.apiRoot);
    this.outbox = new TelegramOutbox(this.api, {
      log: this.log,
      describe: (chat) => service.respondentOf(CHANNEL, String(chat)),
      onUnreachable: async (chat, reason) => {
        await this.prompts.forget(chat);
        await service.noteUnreachable(CHANNEL, String(chat), reason);
      },
      ...(options.maxRetryAfter !== undefined ? { maxRetryAfter: options.maxRetryAfter } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    // The outbound port's calls are paced, and a refusal is recorded by the port on the address
    // rather than on the session, as the update path's hook does: once, in one place.
    const paced = new TelegramOutbox(this.api, {
      log: this.log,
      describe: (chat) => service.respondentOf(CHANNEL, String(chat)),
      pacer: new SendPacer({
        ...(options.bulkIntervalMs !== undefined ? { perChatMs: options.bulkIntervalMs } : {}),
        ...(options.bulkPerSecond !== undefined ? { perSecond: options.bulkPerSecond } : {}),
      }),
      ...(options.maxRetryAfter !== undefined ? { maxRetryAfter: options.maxRetryAfter } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    this.sender = new TelegramSender({
      service,
      translator: options.translator,
      outbox: paced,
      prompts: this.prompts,
    });
    this.staffSpace =
      options.staffGroup !== undefined ? new TelegramStaffSpace(paced, options.staffGroup) : null;
    this.bot.use((ctx) => this.receive(ctx.update, this.replies.get(ctx.update)));
    // Never rethrow: telegraf would stop polling for everyone.
    this.bot.catch((error, ctx) =>
      this.log.error({ err: error, update: ctx.update.update_id }, 'update failed'),
    );
  }

  /** Reads the bot's identity and registers the command menu in every language. */
  async prepare(): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.bot.botInfo = me;
    const { service, translator, clock } = this.options;
    this.handler = new UpdateHandler({
      service,
      translator,
      outbox: this.outbox,
      prompts: this.prompts,
      botUsername: me.username,
      log: this.log,
      ...(clock ? { clock } : {}),
      ...(this.options.router
        ? { router: this.options.router, onStaffChanged: (member) => this.setStaffMenu(member) }
        : {}),
    });
    const languages = service.flow.languages;
    const menu = (lng: string) => commandsFor(translator.translatorFor(lng));
    await this.outbox.call('setMyCommands', { commands: menu(languages[0]!) });
    for (const lng of languages)
      await this.outbox.call('setMyCommands', { commands: menu(lng), language_code: lng });
    for (const member of (await this.options.router?.directory.list()) ?? []) await this.setStaffMenu(member);
  }

  /**
   * Staff see their commands in their own private chat's menu (a chat-scoped menu, in their
   * language); a revoked member's chat goes back to the survey's menu. Nobody else sees them.
   */
  private async setStaffMenu(member: StaffMember): Promise<void> {
    const t = this.options.translator.translatorFor(member.locale);
    for (const principal of member.principals.filter((p) => p.channel === CHANNEL)) {
      const scope = { type: 'chat', chat_id: Number(principal.user) };
      if (member.status === 'active') {
        await this.outbox.call('setMyCommands', { commands: staffMenuFor(member, t), scope });
      } else await this.outbox.call('deleteMyCommands', { scope });
    }
  }

  /** Starts receiving updates; resolves once they flow (not when the bot stops). */
  async start(mode: TelegramMode): Promise<void> {
    if (!this.handler) await this.prepare();
    if (mode.mode === 'polling') return this.startPolling();
    this.unmount = mode.server.route('POST', mode.path, this.webhook(mode.path, mode.secret));
    await this.bot.telegram.setWebhook(mode.url, {
      secret_token: mode.secret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    this.log.info({ bot: this.bot.botInfo?.username, path: mode.path }, 'telegram webhook set');
  }

  /**
   * Starts long polling; resolves once updates flow (not when polling stops). Polling can be
   * stopped and started again: a replica polls while it holds the polling leader lock.
   */
  async startPolling(): Promise<void> {
    if (!this.handler) await this.prepare();
    if (this.polling) return;
    this.pollingStopping = false;
    // launch() resolves only when polling stops, so it is kept, not awaited.
    const launched = this.bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((error: unknown) => {
      // Stopping aborts the poll in flight; a replica that lost the lock may also hear 409 Conflict.
      if (this.pollingStopping) return this.log.warn({ err: error }, 'telegram polling ended while stopping');
      this.failed = true;
      this.log.fatal({ err: error }, 'telegram polling stopped');
      this.options.onFatal?.(error);
    });
    this.polling = launched;
    // launch() polls only after its deleteWebhook call returns; until then stop() would throw.
    let settled = false;
    void launched.finally(() => (settled = true));
    while (!settled && !this.isPolling()) await sleep(5);
    this.log.info({ bot: this.bot.botInfo?.username }, 'telegram bot polling');
  }

  /** Stops long polling: the batch in hand is finished and confirmed to Telegram first. */
  async stopPolling(): Promise<void> {
    const polling = this.polling;
    if (!polling) return;
    this.pollingStopping = true;
    if (this.isPolling()) this.bot.stop('shutdown');
    await polling;
    this.polling = null;
    // telegraf keeps its stopped poller, which would make a later start think it polls already.
    (this.bot as unknown as { polling?: object }).polling = undefined;
  }

  private isPolling(): boolean {
    return (this.bot as unknown as { polling?: object }).polling !== undefined;
  }

  /** Taking updates: polling, or the webhook mounted; false once shutdown began or polling failed. */
  ready(): boolean {
    if (this.draining || this.failed) return false;
    return this.polling ? this.isPolling() : this.unmount !== null;
  }

  /**
   * Stops receiving and waits for the updates being handled: polling stops fetching (the batch
   * in hand is finished and confirmed), the webhook answers 503 from now on, so Telegram delivers
   * those updates again later (to another replica or after the restart). The webhook stays set.
   */
  async stop(): Promise<void> {
    this.draining = true;
    await this.stopPolling();
    await Promise.allSettled(this.inFlight);
    this.unmount?.();
    this.unmount = null;
    this.agent.destroy();
    await this.api.close();
  }

  private receive(raw: unknown, reply?: WebhookReply): Promise<void> {
    const handler = this.handler;
    if (!handler) throw new Error('telegram channel used before prepare()');
    const metrics = this.options.metrics;
    // Refused at the door: no parser, no session, no answer (only a broken or hostile client sends it).
    const checked = checkUpdate(raw);
    if (!checked.ok) {
      metrics?.updatesReceived.inc({ channel: CHANNEL, kind: 'malformed' });
      metrics?.updatesHandled.inc({ channel: CHANNEL, kind: 'malformed', outcome: 'refused' });
      const at = checked.id === null ? {} : { update: checked.id };
      this.log.warn({ ...at, field: checked.field }, 'telegram update refused: malformed');
      return Promise.resolve();
    }
    const update = checked.update;
    const event = withUpdateId(
      toInput(update, this.bot.botInfo!.username, this.options.staffGroup),
      update.update_id,
    );
    const { kind } = event;
    metrics?.updatesReceived.inc({ channel: CHANNEL, kind });
    if (kind === 'ignore') return Promise.resolve();
    // Every line logged while this update is handled names it, whoever writes the line.
    const log = this.log.child({ update: update.update_id });
    log.debug({ kind }, 'update received');
    const started = performance.now();
    // The sender's allowance is checked first: an update past it waits in no queue and reads no
    // store, so one user's flood costs others' turns next to nothing.
    const limited = event as Exclude<typeof event, { kind: 'ignore' }>;
    const admitted = LIMITED_KINDS.has(kind)
      ? this.options.service.admit(CHANNEL, String(limited.origin.user))
      : 'ok';
    if (admitted !== 'ok') {
      metrics?.updatesHandled.inc({ channel: CHANNEL, kind, outcome: 'refused' });
      const work = handler
        .withLog(log)
        .limited(limited, admitted)
        .catch((error: unknown) => log.warn({ err: error }, 'could not tell a user they sent too much'));
      this.inFlight.add(work);
      return work.finally(() => this.inFlight.delete(work));
    }
    const work = this.queue
      .run(event.origin.chat, async () => {
        const outcome = await handler.withLog(log, reply).handle(event);
        metrics?.updatesHandled.inc({ channel: CHANNEL, kind, outcome });
        log.debug({ kind, outcome, ms: Math.round(performance.now() - started) }, 'update handled');
      })
      .catch((error: unknown) => {
        metrics?.updatesHandled.inc({ channel: CHANNEL, kind, outcome: 'error' });
        throw error;
      });
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /**
   * The webhook route: the secret header is checked first, then the body is read up to
   * MAX_WEBHOOK_BODY and must be an update (an object with an update id) before telegraf sees
   * it. Telegram redelivers an update until it gets a 2xx, so an update refused for its shape is
   * answered 200 (dropped), and a body that is no update at all 400.
   */
  private webhook(path: string, secret: string): RouteHandler {
    const expected = Buffer.from(secret);
    return async (req, res) => {
      const given = req.headers[SECRET_HEADER];
      const bytes = Buffer.from(typeof given === 'string' ? given : '');
      if (bytes.length !== expected.length || !timingSafeEqual(bytes, expected)) {
        this.log.warn({ path }, 'telegram webhook request without the right secret token');
        res.writeHead(403).end();
        return;
      }
      if (this.draining) {
        // Not taken: Telegram keeps the update and delivers it again (another replica, or after restart).
        res.writeHead(503, { 'retry-after': '5', connection: 'close' }).end();
        return;
      }
      // Counted from the first byte, so a shutdown also waits for a body still being read.
      const work = this.takeDelivery(req, res);
      this.inFlight.add(work);
      await work.finally(() => this.inFlight.delete(work));
    };
  }

  private async takeDelivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readLimitedBody(req, MAX_WEBHOOK_BODY);
    if (body === 'aborted') return;
    if (body === 'too_large') {
      this.log.warn({ limit: MAX_WEBHOOK_BODY }, 'telegram webhook body over the limit refused');
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(body.text);
    } catch {
      raw = undefined;
    }
    if (updateIdOf(raw) === null) {
      this.log.warn('telegram webhook body is not an update');
      res.writeHead(400).end();
      return;
    }
    // A message in a flood past its sender's allowance is dropped here, before telegraf and the
    // shape check read it: the flood costs others' turns as little as can be (presses go on, to
    // be answered).
    const sender = privateSender(raw);
    if (sender !== null && this.options.service.flooding(CHANNEL, String(sender))) {
      this.options.metrics?.updatesHandled.inc({ channel: CHANNEL, kind: 'input', outcome: 'refused' });
      res.writeHead(200).end();
      return;
    }
    // Answered 200 once the update is handled (the shape is checked in `receive`), with the
    // press's answer in the response when there is one.
    const reply = new WebhookReply(res);
    this.replies.set(raw as object, reply);
    try {
      await this.bot.handleUpdate(raw as Update);
    } finally {
      reply.finish();
    }
  }
}

/** The sender of a message in a private chat, read without trusting the update's shape; else null. */
function privateSender(raw: unknown): number | null {
  const message = (raw as { message?: { chat?: { type?: unknown }; from?: { id?: unknown } } }).message;
  const id = message?.from?.id;
  return message?.chat?.type === 'private' && Number.isSafeInteger(id) ? (id as number) : null;
}
