import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import type { BotApiCaller } from './bot-api.ts';
import type { ChatTurn, SendPacer } from './pacer.ts';
import { fitText, LIMITS, type OutgoingMessage } from './render.ts';
import type { WebhookReply } from './webhook-reply.ts';

/** Why a chat cannot be reached any more; recorded on the respondent. */
export type Unreachable = 'blocked' | 'chat_not_found' | 'deactivated';

export type CallFailure =
  | { kind: 'rate_limited'; retryAfter: number }
  | { kind: 'unreachable'; reason: Unreachable }
  | { kind: 'not_modified' }
  | { kind: 'gone' }
  | { kind: 'other' };

/** Sorts an error of a Bot API call into what the caller does about it. */
export function classifyFailure(error: unknown): CallFailure {
  if (!(error instanceof TelegramError)) return { kind: 'other' };
  const text = error.description.toLowerCase();
  if (error.code === 429)
    return { kind: 'rate_limited', retryAfter: Number(error.parameters?.retry_after ?? 1) };
  if (text.includes('message is not modified')) return { kind: 'not_modified' };
  if (text.includes('blocked by the user')) return { kind: 'unreachable', reason: 'blocked' };
  if (text.includes('user is deactivated')) return { kind: 'unreachable', reason: 'deactivated' };
  if (text.includes('chat not found') || text.includes("can't initiate conversation")) {
    return { kind: 'unreachable', reason: 'chat_not_found' };
  }
  // An old message that was deleted or can no longer be edited, or a button press answered too late.
  if (/message to (edit|delete) not found|message can't be (edited|deleted)|query is too old/.test(text)) {
    return { kind: 'gone' };
  }
  return { kind: 'other' };
}

export interface OutboxOptions {
  log: Logger;
  /** A chat refused delivery for good (blocked, not found): record it on the respondent. */
  onUnreachable?: (chat: number, reason: Unreachable) => Promise<void>;
  /** How a chat appears in logs: a pseudonym, never the id. */
  describe?: (chat: number) => string;
  /** A 429 asking to wait longer than this (seconds) is given up rather than held. */
  maxRetryAfter?: number;
  maxAttempts?: number;
  /** Counts failed calls (by a closed set of codes) and rate-limit waits. */
  metrics?: Metrics;
  /**
   * Paces every call to a chat (messages nobody asked for): within Telegram's limits, and a 429
   * holds every paced call, not only the refused one.
   */
  pacer?: SendPacer;
  /** The webhook response of the update being handled: a press is answered there. */
  reply?: WebhookReply;
}

/** A call's result, or its failure as the caller can act on it. */
export type Attempted<T> = { ok: true; result: T } | { ok: false; failure: CallFailure };

/** A failed call as a metric label: never a text, only one of a few codes. */
function failureCode(failure: CallFailure, error: unknown): string {
  if (failure.kind === 'rate_limited') return 'rate_limited';
  if (failure.kind === 'unreachable') return failure.reason;
  if (failure.kind === 'gone') return 'gone';
  if (error instanceof TelegramError)
    return /^[1-5]\d\d$/.test(String(error.code)) ? `http_${error.code}` : 'other';
  return 'network';
}

/**
 * Every call to the Bot API goes through here: a 429 is waited out (`retry_after`) and retried,
 * and no failure is thrown. A failure is logged with its context and reported as null or false,
 * so one respondent's blocked chat never stops the bot for the others.
 */
export class TelegramOutbox {
  private readonly log: Logger;

  constructor(
    private readonly api: BotApiCaller,
    private readonly options: OutboxOptions,
  ) {
    this.log = options.log;
  }

  /**
   * The same outbox, logging to `log` (one update's logger, naming the update on every line),
   * answering a press in `reply`, the update's webhook response, when there is one.
   */
  withLog(log: Logger, reply?: WebhookReply): TelegramOutbox {
    return new TelegramOutbox(this.api, { ...this.options, log, ...(reply ? { reply } : {}) });
  }

  async call<T>(method: string, payload: Record<string, unknown>, chat?: number): Promise<T | null> {
    const outcome = await this.attempt<T>(method, payload, chat);
    return outcome.ok ? outcome.result : null;
  }

  /**
   * A call, and how it ended: its result, or the failure as the caller can act on it (rate
   * limited beyond what is waited out, unreachable, gone...). Never throws.
   */
  async attempt<T>(method: string, payload: Record<string, unknown>, chat?: number): Promise<Attempted<T>> {
    const pacer = this.options.pacer;
    if (!pacer || chat === undefined) return this.tries(method, payload, chat, null);
    // The chat's turn is held across retries, so its messages keep their order.
    const turn = await pacer.chat(chat);
    try {
      return await this.tries(method, payload, chat, turn);
    } finally {
      turn.release();
    }
  }

  private async tries<T>(
    method: string,
    payload: Record<string, unknown>,
    chat: number | undefined,
    turn: ChatTurn | null,
  ): Promise<Attempted<T>> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const send = () => this.api.call<T>(method, payload);
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, result: await (turn ? turn.call(send) : send()) };
      } catch (error) {
        const failure = classifyFailure(error);
        const metrics = this.options.metrics;
        const waits =
          failure.kind === 'rate_limited' &&
          attempt < maxAttempts &&
          failure.retryAfter <= (this.options.maxRetryAfter ?? 60);
        // A rate limit waited out is counted as a wait; "not modified" is no failure at all.
        if (!waits && failure.kind !== 'not_modified') {
          metrics?.platformErrors.inc({ channel: 'telegram', code: failureCode(failure, error) });
        }
        const context = {
          method,
          attempt,
          ...(chat !== undefined ? { chat: this.options.describe?.(chat) ?? 'chat' } : {}),
        };
        if (failure.kind === 'rate_limited') {
          if (waits) {
            metrics?.rateLimitWaits.inc({ channel: 'telegram' });
            this.log.warn({ ...context, retryAfter: failure.retryAfter }, 'telegram rate limit: waiting');
            // Paced: every paced call waits, this one too (its turn waits out the pause).
            if (turn) this.options.pacer!.pause(failure.retryAfter * 1000);
            else await sleep(failure.retryAfter * 1000);
            continue;
          }
          this.log.error({ ...context, retryAfter: failure.retryAfter }, 'telegram rate limit: call dropped');
        } else if (failure.kind === 'gone') {
          this.log.debug(context, 'telegram message gone');
        } else if (failure.kind === 'unreachable') {
          this.log.warn({ ...context, reason: failure.reason }, 'telegram chat unreachable');
          if (chat !== undefined)
            await this.options.onUnreachable?.(chat, failure.reason).catch(() => undefined);
        } else if (failure.kind === 'other') {
          const description = error instanceof TelegramError ? error.description : (error as Error).message;
          this.log.error(
            { ...context, code: (error as TelegramError).code, description },
            'telegram call failed',
          );
        }
        return { ok: false, failure };
      }
    }
  }

  /** Sends a message; returns its id, or null when it could not be delivered. */
  async send(chat: number, message: OutgoingMessage): Promise<number | null> {
    const sent = await this.deliver(chat, message);
    return sent.ok ? sent.result : null;
  }

  /** Sends a message; its id, or why it was not delivered. */
  async deliver(chat: number, message: OutgoingMessage): Promise<Attempted<number>> {
    const sent = await this.attempt<{ message_id: number }>(
      'sendMessage',
      { chat_id: chat, ...message },
      chat,
    );
    return sent.ok ? { ok: true, result: sent.result.message_id } : sent;
  }

  /** Sends a file (a document) with a caption; its message id, or null when not delivered. */
  async sendFile(chat: number, file: File, caption?: string): Promise<number | null> {
    const sent = await this.attempt<{ message_id: number }>(
      'sendDocument',
      { chat_id: chat, document: file, ...(caption ? { caption: fitText(caption, 1024) } : {}) },
      chat,
    );
    return sent.ok ? sent.result.message_id : null;
  }

  async edit(chat: number, messageId: number, message: OutgoingMessage): Promise<void> {
    await this.call('editMessageText', { chat_id: chat, message_id: messageId, ...message }, chat);
  }

  async setKeyboard(chat: number, messageId: number, markup?: InlineKeyboardMarkup): Promise<void> {
    await this.call(
      'editMessageReplyMarkup',
      { chat_id: chat, message_id: messageId, ...(markup ? { reply_markup: markup } : {}) },
      chat,
    );
  }

  /**
   * Answers a press: in the webhook response of the update when there is one, unless `now` asks
   * for a call of its own at once (that response is written only when the update is handled).
   */
  async answer(pressId: string, text?: string, { now = false } = {}): Promise<void> {
    const payload = {
      callback_query_id: pressId,
      ...(text ? { text: fitText(text, LIMITS.callbackAnswer) } : {}),
    };
    if (!now && this.options.reply?.take('answerCallbackQuery', payload)) return;
    await this.call('answerCallbackQuery', payload);
  }

  async delete(chat: number, messageId: number): Promise<void> {
    await this.call('deleteMessage', { chat_id: chat, message_id: messageId }, chat);
  }
}
