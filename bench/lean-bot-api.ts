import type { AddressInfo } from 'node:net';
import type { Server } from 'node:net';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { leanServer } from './lean-http.ts';

/** The message a respondent has in front of them: the newest the bot sent to the chat. */
export interface ShownMessage {
  message_id: number;
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

const ME = {
  id: 123456789,
  is_bot: true,
  first_name: 'Survey',
  username: 'survey_load_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

/**
 * The Bot API as a load test needs it, kept cheap: it answers the methods the bot calls, keeps
 * only each chat's newest message (with its later edits), and counts calls and refusals. The
 * full stand-in (test/support/telegram-api.ts) checks every limit Telegram checks and keeps
 * every call; that is for the tests.
 */
export class LeanBotApi {
  readonly token = `${ME.id}:AALoadTestToken_only-0123456789`;
  readonly shown = new Map<number, ShownMessage>();
  calls = 0;
  failures = 0;
  apiRoot = '';
  private nextMessageId = 1;
  private readonly server: Server;

  constructor() {
    this.server = leanServer((path, body) => this.handle(path, body));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) =>
      this.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
    );
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.apiRoot;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, raw: string): { status: number; body: string } {
    this.calls++;
    const match = /^\/bot([^/]+)\/(\w+)/.exec(path);
    if (!match || match[1] !== this.token) return this.fail(401, 'Unauthorized');
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return this.fail(400, 'Bad Request: cannot parse body');
    }
    const chat = Number(body.chat_id);
    const markup = (value: unknown) =>
      (typeof value === 'string' ? JSON.parse(value) : value) as InlineKeyboardMarkup | undefined;
    switch (match[2]) {
      case 'getMe':
        return ok(ME);
      case 'setMyCommands':
      case 'setWebhook':
      case 'deleteWebhook':
      case 'answerCallbackQuery':
      case 'deleteMessage':
      case 'sendChatAction':
        return ok(true);
      case 'sendMessage': {
        if (typeof body.text !== 'string' || body.text === '')
          return this.fail(400, 'Bad Request: message text is empty');
        const message: ShownMessage = { message_id: this.nextMessageId++, text: body.text };
        const keyboard = markup(body.reply_markup);
        if (keyboard) message.reply_markup = keyboard;
        this.shown.set(chat, message);
        return ok({
          message_id: message.message_id,
          date: 0,
          chat: { id: chat, type: 'private' },
          text: message.text,
        });
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const shown = this.shown.get(chat);
        if (shown && shown.message_id === Number(body.message_id)) {
          if (typeof body.text === 'string') shown.text = body.text;
          const keyboard = markup(body.reply_markup);
          if (keyboard) shown.reply_markup = keyboard;
          else delete shown.reply_markup;
        }
        return ok({ message_id: Number(body.message_id), date: 0, chat: { id: chat, type: 'private' } });
      }
      default:
        return this.fail(404, 'Not Found: method not found');
    }
  }

  private fail(code: number, description: string): { status: number; body: string } {
    this.failures++;
    return { status: code, body: JSON.stringify({ ok: false, error_code: code, description }) };
  }
}

function ok(result: unknown): { status: number; body: string } {
  return { status: 200, body: JSON.stringify({ ok: true, result }) };
}
