import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GUILD_MESSAGES_INTENT,
  MESSAGE_CONTENT_INTENT,
  DIRECT_MESSAGES_INTENT,
  GatewayStandIn,
} from './discord-gateway.ts';
import { checkMessageBody } from './discord-limits.ts';

/**
 * A local stand-in for Discord that the tests own, on 127.0.0.1: the REST API a bot uses
 * (gateway discovery, DM channels, messages, interaction callbacks and webhooks, command
 * registration) and the gateway (see GatewayStandIn). It keeps the world a bot acts on (users,
 * DM and server channels, messages) and answers as Discord does, including its refusals: closed
 * DMs (50007), missing permissions (50013), rate limits (429), late or repeated interaction
 * callbacks (10062, 40060) and bodies beyond Discord's limits (50035).
 */

let counter = 0n;
/** Snowflakes as Discord makes them: time since 2015 in the high bits, so 19 digits today. */
export function snowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - 1420070400000n) << 22n) | (1n << 17n) | counter).toString();
}

export interface ApiUser {
  id: string;
  username: string;
  global_name: string;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface StandInUser extends ApiUser {
  locale: string;
  dmsClosed: boolean;
}

export interface ApiMessage {
  id: string;
  channel_id: string;
  type: number;
  content: string;
  author: ApiUser;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: unknown[];
  attachments: unknown[];
  embeds: unknown[];
  pinned: boolean;
  flags: number;
  components: Component[];
  message_reference?: unknown;
}

export interface Component {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  disabled?: boolean;
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  options?: { label: string; value: string; default?: boolean }[];
  components?: Component[];
}

export interface StandInChannel {
  id: string;
  /** 0 a server text channel, 1 a DM, 12 a private thread. */
  type: 0 | 1 | 12;
  /** A thread's channel. */
  parentId?: string;
  name?: string;
  /** Who is in a private thread (only they see it). */
  members?: Set<string>;
  /** The user at the other end of a DM. */
  recipient?: string;
  guildId?: string;
  /** The bot may not post here (50013). */
  denied?: boolean;
  messages: ApiMessage[];
}

export interface InteractionRecord {
  id: string;
  token: string;
  userId: string;
  channelId: string;
  /** The message whose component was used. */
  messageId?: string;
  dispatchedAt: number;
  callbacks: { type: number; data?: Record<string, unknown>; at: number }[];
  /** The response message (type 4 or 5), kept here when ephemeral. */
  original?: ApiMessage;
  ephemeral: ApiMessage[];
  /** Every message shown to the user in answer, ephemeral or not, in order. */
  shown: ApiMessage[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  status: number;
  at: number;
}

interface Limit {
  method: string;
  path: RegExp;
  retryAfter: number;
  times: number;
}

/** How long Discord waits for the first response to an interaction. */
export const INTERACTION_WINDOW_MS = 3000;
const EPHEMERAL = 1 << 6;

export class DiscordStandIn {
  readonly token = `stand-in.${randomBytes(24).toString('base64url')}`;
  readonly applicationId = snowflake();
  readonly bot: ApiUser;
  readonly users = new Map<string, StandInUser>();
  readonly channels = new Map<string, StandInChannel>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly requests: RecordedRequest[] = [];
  readonly commands = new Map<string, unknown[]>();
  readonly gateway: GatewayStandIn;
  /** Keep request records (off in the benchmark). */
  record = true;
  private readonly limits: Limit[] = [];
  private port = 0;

  private constructor(
    private readonly server: Server,
    heartbeatInterval: number,
  ) {
    this.bot = {
      id: this.applicationId,
      username: 'survey-bot',
      global_name: 'Survey',
      discriminator: '0',
      avatar: null,
      bot: true,
    };
    this.gateway = new GatewayStandIn(server, {
      token: this.token,
      heartbeatInterval,
      botUser: { ...this.bot, verified: true, mfa_enabled: false, flags: 0 },
      applicationId: this.applicationId,
      url: () => `ws://127.0.0.1:${this.port}`,
    });
  }

  static async start(opts: { heartbeatInterval?: number } = {}): Promise<DiscordStandIn> {
    const server = createServer();
    const api = new DiscordStandIn(server, opts.heartbeatInterval ?? 41_250);
    server.on('request', (req, res) => void api.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.port = (server.address() as AddressInfo).port;
    return api;
  }

  /** What a bot sets as `rest.api`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- the world -------------------------------------------------------------------------

  addUser(opts: { username?: string; locale?: string } = {}): StandInUser {
    const id = snowflake();
    const name = opts.username ?? `user${id.slice(-6)}`;
    const user: StandInUser = {
      id,
      username: name,
      global_name: name,
      discriminator: '0',
      avatar: null,
      locale: opts.locale ?? 'en-US',
      dmsClosed: false,
    };
    this.users.set(id, user);
    return user;
  }

  /** Server members and their role ids, by server (Discord's member list, for role invitations). */
  readonly members = new Map<string, Map<string, string[]>>();

  /** A new server id (with no channel). */
  addGuild(): string {
    const id = snowflake();
    this.members.set(id, new Map());
    return id;
  }

  /** Puts a user in a server with these roles. */
  addMember(guild: string, user: ApiUser, roles: string[]): void {
    const members = this.members.get(guild) ?? new Map<string, string[]>();
    this.members.set(guild, members);
    members.set(user.id, roles);
  }

  addGuildChannel(): StandInChannel {
    const channel: StandInChannel = { id: snowflake(), type: 0, guildId: snowflake(), messages: [] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * A staff member writes in a private thread (they must be in it). Dispatched as Discord does:
   * only with the server-messages intent, and with its content only with the message-content intent.
   */
  threadMessage(userId: string, threadId: string, content: string): ApiMessage {
    const thread = this.channels.get(threadId);
    if (!thread || thread.type !== 12) throw new Error('no such thread');
    if (!thread.members?.has(userId)) throw new Error('not a member of the private thread');
    const user = this.users.get(userId)!;
    const message = this.newMessage(thread.id, this.publicUser(user), { content });
    thread.messages.push(message);
    if (this.gateway.intents & GUILD_MESSAGES_INTENT) {
      const readable = this.gateway.intents & MESSAGE_CONTENT_INTENT;
      this.gateway.dispatch('MESSAGE_CREATE', {
        ...message,
        content: readable ? content : '',
        guild_id: thread.guildId,
        channel_type: 12,
      });
    }
    return message;
  }

  /** The private threads made in a channel, oldest first. */
  threadsOf(channelId: string): StandInChannel[] {
    return [...this.channels.values()].filter((c) => c.type === 12 && c.parentId === channelId);
  }

  /** Someone deletes a thread by hand. */
  deleteChannel(id: string): void {
    this.channels.delete(id);
  }

  /** The DM channel between the bot and a user (one per user, as on Discord). */
  dmWith(userId: string): StandInChannel {
    for (const c of this.channels.values()) if (c.type === 1 && c.recipient === userId) return c;
    const channel: StandInChannel = { id: snowflake(), type: 1, recipient: userId, messages: [] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** The next `times` requests matching answer 429 with `Retry-After: retryAfter` seconds. */
  rateLimit(method: string, path: RegExp, retryAfter: number, times = 1): void {
    this.limits.push({ method, path, retryAfter, times });
  }

  publicUser(user: ApiUser): ApiUser {
    const { id, username, global_name, discriminator, avatar } = user;
    return { id, username, global_name, discriminator, avatar };
  }

  /** A user's message in their DM with the bot, dispatched as MESSAGE_CREATE. */
  userMessage(userId: string, content: string): ApiMessage {
    const user = this.users.get(userId)!;
    const dm = this.dmWith(userId);
    const message = this.newMessage(dm.id, this.publicUser(user), { content });
    dm.messages.push(message);
    // Without the DIRECT_MESSAGES intent Discord sends no DM events at all.
    if (this.gateway.intents & DIRECT_MESSAGES_INTENT) {
      this.gateway.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
    }
    return message;
  }

  /** Registers an interaction the tests then dispatch as INTERACTION_CREATE. */
  openInteraction(userId: string, channelId: string, messageId?: string): InteractionRecord {
    const record: InteractionRecord = {
      id: snowflake(),
      token: `aW50ZXJhY3Rpb24.${randomBytes(32).toString('base64url')}`,
      userId,
      channelId,
      ...(messageId ? { messageId } : {}),
      dispatchedAt: Date.now(),
      callbacks: [],
      ephemeral: [],
      shown: [],
    };
    this.interactions.set(record.id, record);
    return record;
  }

  newMessage(channelId: string, author: ApiUser, body: Record<string, unknown>): ApiMessage {
    return {
      id: snowflake(),
      channel_id: channelId,
      type: body.message_reference ? 19 : 0,
      content: (body.content as string | undefined) ?? '',
      author,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: (body.attachments as unknown[] | undefined) ?? [],
      embeds: [],
      pinned: false,
      flags: Number(body.flags ?? 0),
      components: (body.components as Component[] | undefined) ?? [],
      ...(body.message_reference ? { message_reference: body.message_reference } : {}),
    };
  }

  // --- REST ------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Path segments arrive URL-encoded ("%40original").
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
    const method = req.method ?? 'GET';
    let body: unknown = null;
    try {
      const type = req.headers['content-type'] ?? '';
      body = type.startsWith('multipart/form-data')
        ? await multipartBody(Buffer.concat(chunks), type)
        : raw
          ? JSON.parse(raw)
          : null;
    } catch {
      return this.reply(res, method, path, body, 400, {
        code: 50109,
        message: 'The request body contains invalid JSON.',
      });
    }
    const limited = this.limits.find((l) => l.method === method && l.path.test(path) && l.times > 0);
    if (limited) {
      limited.times--;
      res.setHeader('retry-after', String(limited.retryAfter));
      res.setHeader('x-ratelimit-limit', '5');
      res.setHeader('x-ratelimit-remaining', '0');
      res.setHeader('x-ratelimit-reset-after', String(limited.retryAfter));
      res.setHeader('x-ratelimit-bucket', 'stand-in-bucket');
      res.setHeader('x-ratelimit-scope', 'user');
      const payload = {
        message: 'You are being rate limited.',
        retry_after: limited.retryAfter,
        global: false,
      };
      return this.reply(res, method, path, body, 429, payload);
    }
    const [status, payload] = this.route(
      method,
      path,
      url.searchParams,
      body as Record<string, unknown> | null,
      req,
    );
    this.reply(res, method, path, body, status, payload);
  }

  private reply(
    res: ServerResponse,
    method: string,
    path: string,
    body: unknown,
    status: number,
    payload: unknown,
  ) {
    if (this.record) this.requests.push({ method, path, body, status, at: Date.now() });
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bot ${this.token}`;
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown> | null,
    req: IncomingMessage,
  ): [number, unknown] {
    const unauthorized: [number, unknown] = [401, { code: 0, message: '401: Unauthorized' }];
    const notFound: [number, unknown] = [404, { code: 0, message: '404: Not Found' }];
    let m: RegExpExecArray | null;

    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      return this.callback(m[1]!, m[2]!, body ?? {}, query.get('with_response') === 'true');
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      if (m[1] !== this.applicationId) return [404, { code: 10015, message: 'Unknown Webhook' }];
      return this.webhook(method, m[2]!, m[3] ?? null, body ?? {});
    }
    if (!this.authorized(req)) return unauthorized;

    if (path === '/gateway/bot' && method === 'GET') {
      const limit = { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 };
      return [200, { url: this.gateway.url, shards: 1, session_start_limit: limit }];
    }
    if ((m = /^\/guilds\/(\d+)\/members$/.exec(path)) && method === 'GET') {
      // As Discord lists them: by user id, after `after`, at most `limit` (1-1000, default 1).
      const members = this.members.get(m[1]!);
      if (!members) return [404, { code: 10004, message: 'Unknown Guild' }];
      const limit = Number(query.get('limit') ?? 1);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return [400, { code: 50035, message: 'Invalid Form Body' }];
      const after = BigInt(query.get('after') ?? '0');
      const page = [...members]
        .filter(([id]) => BigInt(id) > after)
        .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
        .slice(0, limit)
        .map(([id, roles]) => ({
          user: id === this.bot.id ? this.bot : this.publicUser(this.users.get(id)!),
          roles,
          joined_at: new Date(0).toISOString(),
          deaf: false,
          mute: false,
          flags: 0,
        }));
      return [200, page];
    }
    if (path === '/users/@me/channels' && method === 'POST') {
      const user = this.users.get(String(body?.recipient_id));
      if (!user) return [400, { code: 50033, message: 'Invalid Recipients' }];
      const dm = this.dmWith(user.id);
      return [
        200,
        {
          id: dm.id,
          type: 1,
          last_message_id: dm.messages.at(-1)?.id ?? null,
          flags: 0,
          recipients: [this.publicUser(user)],
        },
      ];
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') {
      const channel = this.channels.get(m[1]!);
      if (!channel) return [404, { code: 10003, message: 'Unknown Channel' }];
      if (channel.type === 1 && this.users.get(channel.recipient!)?.dmsClosed) {
        return [403, { code: 50007, message: 'Cannot send messages to this user' }];
      }
      if (channel.denied) return [403, { code: 50013, message: 'Missing Permissions' }];
      const problem = checkMessageBody(body ?? {});
      if (problem) return [400, problem];
      const message = this.newMessage(channel.id, this.bot, body ?? {});
      channel.messages.push(message);
      this.echo('MESSAGE_CREATE', channel, message);
      return [200, message];
    }
    if ((m = /^\/channels\/(\d+)\/threads$/.exec(path)) && method === 'POST') {
      const parent = this.channels.get(m[1]!);
      if (!parent) return [404, { code: 10003, message: 'Unknown Channel' }];
      if (parent.type !== 0 || Number(body?.type) !== 12)
        return [400, { code: 50024, message: 'Cannot execute action on this channel type' }];
      const name = String(body?.name ?? '');
      if (name.length < 1 || name.length > 100) return [400, { code: 50035, message: 'Invalid Form Body' }];
      const thread: StandInChannel = {
        id: snowflake(),
        type: 12,
        guildId: parent.guildId!,
        parentId: parent.id,
        name,
        members: new Set([this.bot.id]),
        messages: [],
      };
      this.channels.set(thread.id, thread);
      return [201, { id: thread.id, type: 12, guild_id: thread.guildId, parent_id: parent.id, name }];
    }
    if ((m = /^\/channels\/(\d+)\/thread-members\/(\d+)$/.exec(path)) && method === 'PUT') {
      const thread = this.channels.get(m[1]!);
      if (!thread || thread.type !== 12) return [404, { code: 10003, message: 'Unknown Channel' }];
      if (!this.users.has(m[2]!)) return [404, { code: 10013, message: 'Unknown User' }];
      thread.members!.add(m[2]!);
      return [204, null];
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const channel = this.channels.get(m[1]!);
      const message = channel?.messages.find((x) => x.id === m![2]);
      if (!channel || !message) return [404, { code: 10008, message: 'Unknown Message' }];
      if (message.author.id !== this.bot.id)
        return [403, { code: 50005, message: 'Cannot edit a message authored by another user' }];
      return this.edit(channel, message, body ?? {});
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (m[1] !== this.applicationId) return [403, { code: 50001, message: 'Missing Access' }];
      const scope = m[2] ?? 'global';
      if (method === 'PUT') {
        const list = (Array.isArray(body) ? body : []).map((c) => ({
          ...(c as object),
          id: snowflake(),
          application_id: this.applicationId,
          version: snowflake(),
        }));
        this.commands.set(scope, list);
        return [200, list];
      }
      if (method === 'GET') return [200, this.commands.get(scope) ?? []];
    }
    return notFound;
  }

  private callback(
    id: string,
    token: string,
    body: Record<string, unknown>,
    withResponse: boolean,
  ): [number, unknown] {
    const record = this.interactions.get(id);
    if (!record || record.token !== token || Date.now() - record.dispatchedAt > INTERACTION_WINDOW_MS) {
      return [404, { code: 10062, message: 'Unknown interaction' }];
    }
    if (record.callbacks.length > 0) {
      return [400, { code: 40060, message: 'Interaction has already been acknowledged.' }];
    }
    const type = Number(body.type);
    const data = (body.data ?? {}) as Record<string, unknown>;
    if (![4, 5, 6, 7].includes(type)) return [400, { code: 50035, message: 'Invalid Form Body' }];
    if (type === 4 || type === 7) {
      const problem = checkMessageBody(data);
      if (problem) return [400, problem];
    }
    const channel = this.channels.get(record.channelId);
    let message: ApiMessage | undefined;
    if (type === 7) {
      message = this.findMessage(record.channelId, record.messageId);
      if (!message) return [404, { code: 10008, message: 'Unknown Message' }];
      this.edit(channel, message, data);
    }
    record.callbacks.push({ type, data, at: Date.now() });
    if (type === 4 || type === 5) {
      message = this.newMessage(record.channelId, this.bot, type === 5 ? { flags: data.flags } : data);
      record.original = message;
      if (type === 4) record.shown.push(message);
      if (Number(data.flags ?? 0) & EPHEMERAL) record.ephemeral.push(message);
      else if (channel) {
        channel.messages.push(message);
        this.echo('MESSAGE_CREATE', channel, message);
      }
    }
    if (!withResponse) return [204, null];
    return [200, { interaction: { id, type: 3 }, resource: { type, ...(message ? { message } : {}) } }];
  }

  private webhook(
    method: string,
    token: string,
    messageId: string | null,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const record = [...this.interactions.values()].find((r) => r.token === token);
    if (!record) return [401, { code: 50027, message: 'Invalid Webhook Token' }];
    if (record.callbacks.length === 0) return [404, { code: 10015, message: 'Unknown Webhook' }];
    const channel = this.channels.get(record.channelId);
    if (method === 'POST' && messageId === null) {
      const problem = checkMessageBody(body);
      if (problem) return [400, problem];
      const message = this.newMessage(record.channelId, this.bot, body);
      record.shown.push(message);
      if (Number(body.flags ?? 0) & EPHEMERAL) record.ephemeral.push(message);
      else if (channel) {
        channel.messages.push(message);
        this.echo('MESSAGE_CREATE', channel, message);
      }
      return [200, message];
    }
    if (method === 'PATCH' && messageId === '@original') {
      const first = record.callbacks[0]!.type;
      if (first === 6 || first === 7) {
        const target = this.findMessage(record.channelId, record.messageId);
        if (!target) return [404, { code: 10008, message: 'Unknown Message' }];
        return this.edit(channel, target, body);
      }
      const original = record.original!;
      const problem = checkMessageBody({ ...original, ...body });
      if (problem) return [400, problem];
      Object.assign(original, pickEditable(body), { edited_timestamp: new Date().toISOString() });
      if (!record.shown.includes(original)) record.shown.push(original);
      return [200, original];
    }
    return [404, { code: 0, message: '404: Not Found' }];
  }

  /** A message in a channel, or an ephemeral one (which only its interaction knows). */
  findMessage(channelId: string, id: string | undefined): ApiMessage | undefined {
    if (!id) return undefined;
    const inChannel = this.channels.get(channelId)?.messages.find((x) => x.id === id);
    if (inChannel) return inChannel;
    for (const r of this.interactions.values()) {
      const found = r.ephemeral.find((x) => x.id === id);
      if (found) return found;
    }
    return undefined;
  }

  private edit(
    channel: StandInChannel | undefined,
    message: ApiMessage,
    body: Record<string, unknown>,
  ): [number, unknown] {
    const problem = checkMessageBody({ content: message.content, components: message.components, ...body });
    if (problem) return [400, problem];
    Object.assign(message, pickEditable(body), { edited_timestamp: new Date().toISOString() });
    if (channel?.messages.includes(message)) this.echo('MESSAGE_UPDATE', channel, message);
    return [200, message];
  }

  /** Discord tells the bot about messages in its DMs, its own included. */
  private echo(event: string, channel: StandInChannel, message: ApiMessage): void {
    if (channel.type === 1 && this.gateway.intents & DIRECT_MESSAGES_INTENT) {
      this.gateway.dispatch(event, { ...message, channel_type: 1 });
    }
  }
}

/**
 * A message body sent with files, as discord.js sends it: the JSON in `payload_json`, each file in
 * a `files[n]` part. The files become the message's attachments, their text kept for tests.
 */
async function multipartBody(bytes: Buffer, type: string): Promise<Record<string, unknown>> {
  const form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  const body = JSON.parse(String(form.get('payload_json') ?? '{}')) as Record<string, unknown>;
  const attachments: { id: string; filename: string; content: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (!/^files\[\d+\]$/.test(name) || !(value instanceof File)) continue;
    attachments.push({ id: String(attachments.length), filename: value.name, content: await value.text() });
  }
  return { ...body, attachments };
}

function pickEditable(body: Record<string, unknown>): Partial<ApiMessage> {
  const out: Partial<ApiMessage> = {};
  if ('attachments' in body) out.attachments = (body.attachments as unknown[] | undefined) ?? [];
  if ('content' in body) out.content = String(body.content ?? '');
  if ('components' in body) out.components = (body.components as Component[] | undefined) ?? [];
  if ('flags' in body && body.flags !== undefined) out.flags = Number(body.flags);
  return out;
}
