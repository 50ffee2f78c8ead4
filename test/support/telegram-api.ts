import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, InlineKeyboardMarkup, Update } from 'telegraf/types';

/**
 * A local stand-in for the Telegram Bot API on 127.0.0.1, owned by the tests. It records every
 * method call with its body, serves `getUpdates` as real long polling (offset confirms, timeout
 * holds the request), posts updates to a webhook with the secret token header, keeps the
 * messages of each chat (with edits and keyboards) and checks what Telegram checks (text length,
 * keyboard limits, callback data size, "message is not modified"). Faults can be injected: a 429
 * with retry_after, a user who blocked the bot, a chat that does not exist.
 */

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  ok: boolean;
  error?: ApiFault;
  /** Made in the response to a webhook delivery, not as a request of its own. */
  webhookReply?: true;
}

export interface ApiFault {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export interface StoredMessage {
  message_id: number;
  chat: number;
  /** The text, or a document's caption. */
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  /** The forum topic it was posted in. */
  thread?: number;
  /** A file sent with sendDocument (uploaded as multipart form data). */
  document?: { file_name: string; content: string };
  deleted: boolean;
}

/** An update as a test writes it; the stand-in numbers it. */
export type NewUpdate =
  | Omit<Update.MessageUpdate, 'update_id'>
  | Omit<Update.CallbackQueryUpdate, 'update_id'>
  | Omit<Update.MyChatMemberUpdate, 'update_id'>;

type Json = Record<string, unknown>;

interface Poll {
  limit: number;
  respond: (updates: Update[]) => void;
}

class Fault extends Error {
  constructor(readonly fault: ApiFault) {
    super(fault.description);
  }
}
const bad = (description: string) =>
  new Fault({ error_code: 400, description: `Bad Request: ${description}` });

export class TelegramApiStandIn {
  readonly token = '123456789:AAStandInTokenForTests_only-1';
  readonly me = {
    id: 123456789,
    is_bot: true as const,
    first_name: 'Survey',
    username: 'survey_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
  readonly calls: ApiCall[] = [];
  /** Commands by language code ('' for the default menu). */
  readonly commands = new Map<string, BotCommand[]>();
  /** Menus set for one private chat (`scope: { type: 'chat', chat_id }`), by chat id. */
  readonly chatCommands = new Map<number, BotCommand[]>();
  apiRoot = '';
  webhook: { url: string; secret?: string; allowedUpdates?: string[] } | null = null;

  private readonly server: Server;
  private readonly pending: Update[] = [];
  private nextUpdateId = 1;
  private confirmedBelow = 1;
  private readonly polls = new Set<Poll>();
  private processedWaiters: { id: number; resolve: () => void }[] = [];
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byChat = new Map<number, StoredMessage[]>();
  private nextMessageId = 1000;
  private nextQueryId = 1;
  private readonly openQueries = new Set<string>();
  private readonly faults: { method: string; fault: ApiFault; remaining: number }[] = [];
  private readonly delays = new Map<string, number>();
  /** Calls that reached the stand-in, by method, counted on arrival (before any delay). */
  readonly arrivals = new Map<string, number>();
  private readonly unreachable = new Map<number, ApiFault>();
  /** Forum topics by `<chat>:<thread>`, with their names; deleted ones are gone. */
  readonly topics = new Map<string, string>();
  private nextThreadId = 500;
  private callWaiters: { test: (c: ApiCall) => boolean; resolve: (c: ApiCall) => void }[] = [];

  /** Calls counted by method when `keepCalls` is off (a benchmark keeps no bodies). */
  readonly counts = new Map<string, number>();

  constructor(
    private readonly options: {
      /** Keep every call with its body (tests); off, only counts are kept. */
      keepCalls?: boolean;
      /** Accept callback query ids issued elsewhere (a benchmark builds updates in another thread). */
      anyQueryId?: boolean;
    } = {},
  ) {
    this.server = createServer((req, res) => void this.serve(req, res));
    // At least 2 s: Node clients do not reuse a socket whose Keep-Alive hint is 1 s or less.
    this.server.keepAliveTimeout = 5000;
  }

  async start(): Promise<string> {
    // A deep backlog: hundreds of bot connections may open at once, and dropped SYNs cost seconds.
    await new Promise<void>((resolve) =>
      this.server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
    );
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.apiRoot;
  }

  async close(): Promise<void> {
    for (const poll of this.polls) poll.respond([]);
    this.polls.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- faults ---

  /** Every later call of `method` is answered only after `ms` (0 removes the delay): turns in flight. */
  delay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** The next `times` calls of `method` fail with `fault` (e.g. a 429 with retry_after). */
  failNext(method: string, fault: ApiFault, times = 1): void {
    this.faults.push({ method, fault, remaining: times });
  }

  /** Every later call to this chat fails as when the user blocked the bot. */
  block(chat: number): void {
    this.unreachable.set(chat, { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  }

  /** Every later call to this chat fails as for a chat that does not exist. */
  forget(chat: number): void {
    this.unreachable.set(chat, { error_code: 400, description: 'Bad Request: chat not found' });
  }

  // --- updates ---

  /**
   * Hands an update to the bot and resolves when the bot has handled it: in webhook mode when the
   * webhook answered, in polling mode when a later getUpdates confirmed it (offset past it).
   */
  async deliver(update: NewUpdate): Promise<{ status: number }> {
    return this.deliverRaw(update);
  }

  /**
   * Hands the bot any JSON as an update (one Telegram would never send), numbered by the
   * stand-in; resolves as `deliver` does.
   */
  async deliverRaw(update: NewUpdate | Json): Promise<{ status: number }> {
    const full = this.numbered(update);
    if (this.webhook) return this.post(this.webhook.url, full, this.webhook.secret);
    await this.deliverBatch([full]);
    return { status: 200 };
  }

  /** The update with the stand-in's next id, as Telegram numbers them. */
  numbered(update: NewUpdate | Json): Update {
    return { ...update, update_id: this.nextUpdateId++ } as Update;
  }

  /**
   * Numbered updates as one `getUpdates` batch, the same one several times if given so (what a
   * poll answered again after a lost confirmation holds); resolves once the bot confirmed them.
   * Polling mode only.
   */
  async deliverBatch(updates: Update[]): Promise<void> {
    const last = Math.max(...updates.map((u) => u.update_id));
    const processed = new Promise<void>((resolve) => this.processedWaiters.push({ id: last, resolve }));
    this.pending.push(...updates);
    this.flushPolls();
    await processed;
  }

  /** Posts an update to the webhook URL with a given secret header (or none), as an attacker could. */
  post(url: string, update: Update | Json, secret?: string): Promise<{ status: number }> {
    const body = JSON.stringify(update);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) this.webhookReply(Buffer.concat(chunks).toString('utf8'));
            resolve({ status });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Updates numbered so far that the bot has not confirmed. */
  get unconfirmed(): number {
    return this.pending.length;
  }

  // --- what the bot did ---

  /** The messages of a chat in order, as they stand now (after edits; deleted ones flagged). */
  chat(chat: number): StoredMessage[] {
    return [...(this.byChat.get(chat) ?? [])];
  }

  /** The newest message of a chat that is not deleted. */
  lastMessage(chat: number): StoredMessage | undefined {
    return this.byChat.get(chat)?.findLast((m) => !m.deleted);
  }

  message(chat: number, id: number): StoredMessage | undefined {
    return this.messages.get(`${chat}:${id}`);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call (already made or coming) that passes `test`. */
  waitForCall(test: (c: ApiCall) => boolean, timeoutMs = 5000): Promise<ApiCall> {
    const found = this.calls.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('stand-in: expected call did not come')), timeoutMs);
      this.callWaiters.push({
        test,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  // --- the API ---

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    let body: Json;
    try {
      body = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
    } catch {
      return send(res, { error_code: 400, description: 'Bad Request: cannot parse body' });
    }
    if (!match || match[1] !== this.token) return send(res, { error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    this.arrivals.set(method, (this.arrivals.get(method) ?? 0) + 1);
    const delay = this.delays.get(method);
    // Unreferenced: a call still held when the test ends does not keep the test process alive.
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    const injected = this.faults.find((f) => f.method === method && f.remaining > 0);
    let outcome: { result: unknown } | { fault: ApiFault } | 'held';
    if (injected) {
      injected.remaining--;
      outcome = { fault: injected.fault };
    } else {
      try {
        outcome = this.apply(method, body, req, res);
      } catch (error) {
        if (!(error instanceof Fault)) throw error;
        outcome = { fault: error.fault };
      }
    }
    const call: ApiCall = { method, body, at: Date.now(), ok: outcome === 'held' || 'result' in outcome };
    if (outcome !== 'held' && 'fault' in outcome) call.error = outcome.fault;
    this.record(call);
    if (outcome === 'held') return;
    if ('fault' in outcome) return send(res, outcome.fault);
    send(res, null, outcome.result);
  }

  /**
   * A call the bot made in its answer to a webhook delivery, as Telegram takes it: run like a
   * request of its own, its result and any failure told to nobody.
   */
  private webhookReply(text: string): void {
    let parsed: unknown;
    try {
      parsed = text.trim().startsWith('{') ? JSON.parse(text) : null;
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object') return;
    const { method, ...body } = parsed as Json;
    if (typeof method !== 'string') return;
    this.arrivals.set(method, (this.arrivals.get(method) ?? 0) + 1);
    const call: ApiCall = { method, body, at: Date.now(), ok: true, webhookReply: true };
    try {
      this.apply(method, body, null, null);
    } catch (error) {
      if (!(error instanceof Fault)) throw error;
      call.ok = false;
      call.error = error.fault;
    }
    this.record(call);
  }

  private record(call: ApiCall): void {
    this.counts.set(call.method, (this.counts.get(call.method) ?? 0) + 1);
    if (this.options.keepCalls === false) return;
    this.calls.push(call);
    const waiters = this.callWaiters;
    this.callWaiters = [];
    for (const w of waiters) {
      if (w.test(call)) w.resolve(call);
      else this.callWaiters.push(w);
    }
  }

  private apply(
    method: string,
    body: Json,
    req: IncomingMessage | null,
    res: ServerResponse | null,
  ): { result: unknown } | 'held' {
    const chat = typeof body.chat_id === 'number' ? body.chat_id : Number(body.chat_id);
    const fault = this.unreachable.get(chat);
    if (fault && 'chat_id' in body) throw new Fault(fault);
    switch (method) {
      case 'getMe':
        return { result: this.me };
      case 'getUpdates':
        if (!req || !res) throw bad('getUpdates cannot be a webhook reply');
        return this.getUpdates(body, req, res);
      case 'setWebhook':
        if (typeof body.url !== 'string' || !body.url)
          throw bad('bad webhook: an HTTPS URL must be provided');
        this.webhook = {
          url: body.url,
          ...(typeof body.secret_token === 'string' ? { secret: body.secret_token } : {}),
          ...(Array.isArray(body.allowed_updates)
            ? { allowedUpdates: body.allowed_updates as string[] }
            : {}),
        };
        return { result: true };
      case 'deleteWebhook':
        this.webhook = null;
        if (body.drop_pending_updates) this.pending.length = 0;
        return { result: true };
      case 'getWebhookInfo':
        return { result: { url: this.webhook?.url ?? '', pending_update_count: this.pending.length } };
      case 'setMyCommands':
        return { result: this.setMyCommands(body) };
      case 'deleteMyCommands': {
        const scope = body.scope as { type?: string; chat_id?: number } | undefined;
        if (scope?.type === 'chat') this.chatCommands.delete(Number(scope.chat_id));
        else this.commands.delete(String(body.language_code ?? ''));
        return { result: true };
      }
      case 'getMyCommands':
        return { result: this.commands.get(String(body.language_code ?? '')) ?? [] };
      case 'sendMessage':
        return { result: this.sendMessage(chat, body) };
      case 'createForumTopic': {
        if (!String(chat).startsWith('-100')) throw bad('the chat is not a forum');
        const name = typeof body.name === 'string' ? body.name : '';
        if (name.length < 1 || name.length > 128) throw bad('TOPIC_NAME_INVALID');
        const thread = this.nextThreadId++;
        this.topics.set(`${chat}:${thread}`, name);
        return { result: { message_thread_id: thread, name, icon_color: 7322096 } };
      }
      case 'sendDocument':
        return { result: this.sendDocument(chat, body) };
      case 'editMessageText':
        return { result: this.edit(chat, body, true) };
      case 'editMessageReplyMarkup':
        return { result: this.edit(chat, body, false) };
      case 'deleteMessage': {
        const message = this.messages.get(`${chat}:${body.message_id}`);
        if (!message || message.deleted) throw bad('message to delete not found');
        message.deleted = true;
        return { result: true };
      }
      case 'answerCallbackQuery': {
        const id = String(body.callback_query_id);
        if (!this.openQueries.delete(id) && !this.options.anyQueryId)
          throw bad('query is too old and response timeout expired or query ID is invalid');
        if (typeof body.text === 'string' && body.text.length > 200) throw bad('MESSAGE_TOO_LONG');
        return { result: true };
      }
      case 'sendChatAction':
        return { result: true };
      default:
        throw new Fault({ error_code: 404, description: 'Not Found: method not found' });
    }
  }

  private getUpdates(body: Json, req: IncomingMessage, res: ServerResponse): { result: unknown } | 'held' {
    if (this.webhook) {
      throw new Fault({
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active",
      });
    }
    const offset = Number(body.offset ?? 0);
    if (offset > this.confirmedBelow) this.confirm(offset);
    const limit = Math.min(100, Math.max(1, Number(body.limit ?? 100)));
    const timeout = Math.min(50, Math.max(0, Number(body.timeout ?? 0)));
    if (this.pending.length > 0 || timeout === 0) return { result: this.pending.slice(0, limit) };
    const poll: Poll = {
      limit,
      respond: (updates) => {
        clearTimeout(timer);
        this.polls.delete(poll);
        if (!res.writableEnded) send(res, null, updates);
      },
    };
    const timer = setTimeout(() => poll.respond([]), timeout * 1000);
    this.polls.add(poll);
    // A client that gives up (the bot stopping) leaves the updates for the next poll.
    req.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(timer);
        this.polls.delete(poll);
      }
    });
    return 'held';
  }

  private confirm(offset: number): void {
    this.confirmedBelow = offset;
    while (this.pending.length > 0 && this.pending[0]!.update_id < offset) this.pending.shift();
    const waiters = this.processedWaiters;
    this.processedWaiters = waiters.filter((w) => w.id >= offset);
    for (const w of waiters) if (w.id < offset) w.resolve();
  }

  private flushPolls(): void {
    for (const poll of [...this.polls]) {
      if (this.pending.length === 0) return;
      poll.respond(this.pending.slice(0, poll.limit));
    }
  }

  private setMyCommands(body: Json): true {
    const commands = body.commands as BotCommand[] | undefined;
    if (!Array.isArray(commands) || commands.length > 100)
      throw bad('commands must be a list of at most 100');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
      if (!c.description || c.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    const scope = body.scope as { type?: string; chat_id?: number } | undefined;
    if (scope?.type === 'chat') {
      if (!Number.isInteger(scope.chat_id)) throw bad('chat_id is required in a chat scope');
      this.chatCommands.set(Number(scope.chat_id), commands);
    } else if (scope === undefined || scope.type === 'default') {
      this.commands.set(String(body.language_code ?? ''), commands);
    } else throw bad('unsupported scope in this stand-in');
    return true;
  }

  private sendMessage(chat: number, body: Json): unknown {
    if (!Number.isFinite(chat)) throw bad('chat not found');
    const text = checkText(body.text);
    const markup = checkMarkup(body.reply_markup);
    const thread = body.message_thread_id === undefined ? undefined : Number(body.message_thread_id);
    if (thread !== undefined && !this.topics.has(`${chat}:${thread}`)) throw bad('message thread not found');
    const message: StoredMessage = {
      message_id: this.nextMessageId++,
      chat,
      text,
      ...(markup ? { reply_markup: markup } : {}),
      ...(thread !== undefined ? { thread } : {}),
      deleted: false,
    };
    this.messages.set(`${chat}:${message.message_id}`, message);
    const list = this.byChat.get(chat) ?? [];
    list.push(message);
    this.byChat.set(chat, list);
    return this.wire(message);
  }

  /** A document as uploaded: Telegram takes files only as multipart parts. */
  private sendDocument(chat: number, body: Json): unknown {
    if (!Number.isFinite(chat)) throw bad('chat not found');
    const document = body.document;
    if (!(document instanceof File)) throw bad('there is no document in the request');
    const message: StoredMessage = {
      message_id: this.nextMessageId++,
      chat,
      text: typeof body.caption === 'string' ? body.caption : '',
      document: { file_name: document.name, content: String(body.document_content ?? '') },
      deleted: false,
    };
    this.messages.set(`${chat}:${message.message_id}`, message);
    const list = this.byChat.get(chat) ?? [];
    list.push(message);
    this.byChat.set(chat, list);
    return {
      message_id: message.message_id,
      chat: { id: chat, type: 'private' },
      date: 0,
      document: { file_name: document.name },
    };
  }

  private edit(chat: number, body: Json, withText: boolean): unknown {
    const message = this.messages.get(`${chat}:${body.message_id}`);
    if (!message || message.deleted) throw bad('message to edit not found');
    const text = withText ? checkText(body.text) : message.text;
    const markup = checkMarkup(body.reply_markup);
    if (text === message.text && JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    message.text = text;
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return this.wire(message);
  }

  private wire(message: StoredMessage) {
    return {
      message_id: message.message_id,
      from: this.me,
      chat: { id: message.chat, type: 'private', first_name: 'Respondent' },
      date: Math.floor(Date.now() / 1000),
      text: message.text,
      ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    };
  }

  /** The messages posted in one forum topic, in order. */
  topic(chat: number, thread: number): StoredMessage[] {
    return this.chat(chat).filter((m) => m.thread === thread && !m.deleted);
  }

  /** Someone deletes a forum topic by hand: later posts to it fail as Telegram's do. */
  deleteTopic(chat: number, thread: number): void {
    this.topics.delete(`${chat}:${thread}`);
  }

  /** A callback query id the bot must answer, as Telegram issues one per press. */
  issueQueryId(): string {
    const id = `q${this.nextQueryId++}`;
    this.openQueries.add(id);
    return id;
  }
}

function checkText(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad('message text is empty');
  if (value.length > 4096) throw bad('message is too long');
  return value;
}

function checkMarkup(value: unknown): InlineKeyboardMarkup | undefined {
  if (value === undefined || value === null) return undefined;
  const markup = (typeof value === 'string' ? JSON.parse(value) : value) as InlineKeyboardMarkup;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows)) throw bad("can't parse reply keyboard markup JSON object");
  if (rows.flat().length > 100) throw bad('reply markup is too long');
  for (const row of rows) {
    if (row.length > 8) throw bad('too many buttons in a row');
    for (const button of row) {
      if (!button.text) throw bad('BUTTON_TEXT_INVALID');
      if ('callback_data' in button) {
        const size = Buffer.byteLength(button.callback_data);
        if (size < 1 || size > 64) throw bad('BUTTON_DATA_INVALID');
      } else if (!('url' in button)) throw bad('BUTTON_TYPE_INVALID');
    }
  }
  return markup;
}

async function readBody(req: IncomingMessage): Promise<Json> {
  // Not `for await`: ending the iteration destroys the request and with it a keep-alive socket.
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
  const raw = bytes.toString('utf8');
  if (!raw) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    // Parsed as a fetch Response parses it; a file part's text is kept beside it for tests to read.
    const form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    const body: Json = {};
    for (const [name, value] of form.entries()) {
      body[name] = value;
      if (value instanceof File) body[`${name}_content`] = await value.text();
    }
    return body;
  }
  if (type.startsWith('application/json')) return JSON.parse(raw) as Json;
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  throw new Error(`unsupported body type ${type}`);
}

function send(res: ServerResponse, fault: ApiFault | null, result?: unknown): void {
  const status = fault ? fault.error_code : 200;
  const payload = fault ? { ok: false, ...fault } : { ok: true, result };
  const body = JSON.stringify(payload);
  // A length, not chunked encoding: node-fetch (telegraf's client) closes chunked keep-alive sockets.
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

/** Builds the updates a Telegram user causes, numbered by the stand-in when delivered. */
export class TelegramUser {
  private messageIds = 1;

  constructor(
    readonly api: TelegramApiStandIn,
    readonly id: number,
    readonly languageCode?: string,
    readonly chatType: 'private' | 'group' = 'private',
    readonly chatId: number = id,
  ) {}

  get from() {
    return {
      id: this.id,
      is_bot: false,
      first_name: `User${this.id}`,
      ...(this.languageCode ? { language_code: this.languageCode } : {}),
    };
  }

  private get chat() {
    return this.chatType === 'private'
      ? { id: this.chatId, type: 'private' as const, first_name: `User${this.id}` }
      : { id: this.chatId, type: 'group' as const, title: 'Librarians' };
  }

  private base() {
    return {
      message_id: this.messageIds++,
      date: Math.floor(Date.now() / 1000),
      chat: this.chat,
      from: this.from,
    };
  }

  /** A text message; a leading /command gets the `bot_command` entity Telegram adds. */
  text(text: string): NewUpdate {
    const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
    const entities = command
      ? [{ type: 'bot_command' as const, offset: 0, length: command[0].length }]
      : undefined;
    return { message: { ...this.base(), text, ...(entities ? { entities } : {}) } } as NewUpdate;
  }

  /**
   * A press on a button of a bot message, with the given callback data. As Telegram does, the
   * update carries the message as it stands, keyboard included, whatever data the client sent.
   */
  press(messageId: number, data: string): NewUpdate {
    const stored = this.api.message(this.chatId, messageId);
    return {
      callback_query: {
        id: this.api.issueQueryId(),
        from: this.from,
        chat_instance: `ci${this.chatId}`,
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: this.chat,
          from: this.api.me,
          text: stored?.text ?? '',
          ...(stored?.reply_markup ? { reply_markup: stored.reply_markup } : {}),
        },
      },
    } as NewUpdate;
  }

  /** A text message in a topic of a forum supergroup (the user is a member of `forum`). */
  topicText(forum: number, thread: number, text: string): NewUpdate {
    const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
    return {
      message: {
        message_id: this.messageIds++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: forum, type: 'supergroup' as const, title: 'Interviewers', is_forum: true },
        from: this.from,
        message_thread_id: thread,
        is_topic_message: true,
        text,
        ...(command
          ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] }
          : {}),
      },
    } as NewUpdate;
  }

  sticker(): NewUpdate {
    const sticker = {
      file_id: 'CAAD',
      file_unique_id: 'AgAD',
      type: 'regular',
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
    };
    return { message: { ...this.base(), sticker } } as NewUpdate;
  }

  photo(caption?: string): NewUpdate {
    const photo = [{ file_id: 'AgAC', file_unique_id: 'AQAD', width: 90, height: 90 }];
    return { message: { ...this.base(), photo, ...(caption ? { caption } : {}) } } as NewUpdate;
  }

  /** The user blocks the bot (Telegram sends a my_chat_member update). */
  blocks(): NewUpdate {
    const date = Math.floor(Date.now() / 1000);
    return {
      my_chat_member: {
        chat: this.chat,
        from: this.from,
        date,
        old_chat_member: { user: this.api.me, status: 'member' },
        new_chat_member: { user: this.api.me, status: 'kicked', until_date: 0 },
      },
    } as NewUpdate;
  }
}
