import type { EventEmitter } from 'node:events';
import type {
  ApiMessage,
  Component,
  DiscordStandIn,
  InteractionRecord,
  StandInChannel,
  StandInUser,
} from './discord-api.ts';

/** Permissions as Discord sends them, as decimal strings of bit sets. */
const VIEW = 1n << 10n;
const SEND = 1n << 11n;
export const PERMISSIONS = {
  /** What a bot has in its own DM. */
  dm: String(VIEW | SEND | (1n << 14n) | (1n << 15n) | (1n << 16n)),
  /** A server channel the bot may read and write. */
  postable: String(VIEW | SEND | (1n << 14n) | (1n << 16n)),
  /** A server channel the bot may see but not write in. */
  readOnly: String(VIEW | (1n << 16n)),
  /** A coordinator: Manage Server. */
  manager: String(VIEW | SEND | (1n << 5n)),
  member: String(VIEW | SEND),
};

export interface Outcome {
  interaction: InteractionRecord;
  /** Text of the messages shown only to the user in answer (ephemeral). */
  notices: string[];
}

/**
 * One respondent using a Discord client: types in the DM, presses buttons, submits selects and
 * runs slash commands. Each action dispatches what Discord would send the bot and resolves once
 * the bot has fully handled it (the channel's `settled` event).
 */
export class DiscordRespondent {
  constructor(
    readonly api: DiscordStandIn,
    private readonly events: EventEmitter,
    readonly user: StandInUser,
  ) {}

  get dm(): StandInChannel {
    return this.api.dmWith(this.user.id);
  }

  /** The bot's messages in the DM, oldest first. */
  botMessages(): ApiMessage[] {
    return this.dm.messages.filter((m) => m.author.id === this.api.bot.id);
  }

  /** The bot's latest message in the DM that has components. */
  latestQuestion(): ApiMessage {
    const found = this.botMessages()
      .filter((m) => m.components.length > 0)
      .at(-1);
    if (!found) throw new Error('no question message in the DM');
    return found;
  }

  lastText(): string {
    return this.botMessages().at(-1)?.content ?? '';
  }

  settled(id: string, timeoutMs = 10_000): Promise<void> {
    return waitSettled(this.events, id, timeoutMs);
  }

  /** Types a message in the DM. */
  async type(text: string): Promise<void> {
    const message = this.api.userMessage(this.user.id, text);
    await this.settled(message.id);
  }

  /** Presses the button labelled `label` (or whose custom_id matches) on a message, latest question by default. */
  async press(
    label: string | RegExp,
    message?: ApiMessage,
    opts: { force?: boolean } = {},
  ): Promise<Outcome> {
    const target = message ?? this.latestQuestion();
    const button = components(target).find(
      (c) => c.type === 2 && (typeof label === 'string' ? c.label === label : label.test(c.custom_id ?? '')),
    );
    if (!button) throw new Error(`no button ${label} on message: ${describe(target)}`);
    if (button.disabled && !opts.force) throw new Error(`button ${label} is disabled`);
    return this.use(target, { custom_id: button.custom_id!, component_type: 2 });
  }

  /** Submits a select (the first, or the one whose custom_id matches) with option values or labels. */
  async select(
    picks: string[],
    opts: { message?: ApiMessage; which?: RegExp; force?: boolean } = {},
  ): Promise<Outcome> {
    const target = opts.message ?? this.latestQuestion();
    const select = components(target).find(
      (c) => c.type === 3 && (!opts.which || opts.which.test(c.custom_id ?? '')),
    );
    if (!select) throw new Error(`no select on message: ${describe(target)}`);
    if (select.disabled && !opts.force) throw new Error('select is disabled');
    const values = picks.map((p) => select.options?.find((o) => o.value === p || o.label === p)?.value ?? p);
    return this.use(target, { custom_id: select.custom_id!, component_type: 3, values });
  }

  /** Sends a component interaction with any data, as a modified client could (forged ids). */
  async use(message: ApiMessage, data: Record<string, unknown>): Promise<Outcome> {
    const { record, done } = this.dispatchComponent(message, data);
    await done;
    return this.outcome(record);
  }

  /** Dispatches a component interaction without waiting: for concurrent presses. */
  dispatchComponent(
    message: ApiMessage,
    data: Record<string, unknown>,
  ): { record: InteractionRecord; done: Promise<void> } {
    const channel = this.api.channels.get(message.channel_id)!;
    const record = this.api.openInteraction(this.user.id, channel.id, message.id);
    const done = this.settled(record.id);
    this.api.gateway.dispatch('INTERACTION_CREATE', {
      ...this.base(record, channel),
      type: 3,
      data,
      message,
    });
    return { record, done };
  }

  /** Runs `/survey <sub>` in the DM or in a server channel. */
  async survey(sub: string, options: Record<string, string> = {}, where?: StandInChannel): Promise<Outcome> {
    const opts = Object.entries(options).map(([name, value]) => ({ type: 3, name, value }));
    return this.command({ name: 'survey', options: [{ type: 1, name: sub, options: opts }] }, where);
  }

  /**
   * Runs `/survey-button` in a server channel, where the bot has `appPermissions` and the user
   * `memberPermissions` (Manage Server by default; a server can let anyone run the command).
   */
  async postButton(
    where: StandInChannel,
    options: Record<string, string> = {},
    appPermissions = PERMISSIONS.postable,
    memberPermissions = PERMISSIONS.manager,
  ): Promise<Outcome> {
    const opts = Object.entries(options).map(([name, value]) => ({ type: 3, name, value }));
    return this.command({ name: 'survey-button', options: opts }, where, appPermissions, memberPermissions);
  }

  async command(
    data: { name: string; options: unknown[] },
    where?: StandInChannel,
    appPermissions?: string,
    memberPermissions?: string,
  ): Promise<Outcome> {
    const channel = where ?? this.dm;
    const record = this.api.openInteraction(this.user.id, channel.id);
    const done = this.settled(record.id);
    this.api.gateway.dispatch('INTERACTION_CREATE', {
      ...this.base(record, channel, appPermissions, memberPermissions),
      type: 2,
      data: { id: '1'.repeat(19), type: 1, ...data },
    });
    await done;
    return this.outcome(record);
  }

  private outcome(record: InteractionRecord): Outcome {
    return { interaction: record, notices: record.ephemeral.map((m) => m.content) };
  }

  /** The fields every interaction carries, in a DM or in a server channel (the fuzz test mutates them). */
  base(
    record: InteractionRecord,
    channel: StandInChannel,
    appPermissions?: string,
    memberPermissions = PERMISSIONS.manager,
  ): Record<string, unknown> {
    const user = this.api.publicUser(this.user);
    const common = {
      id: record.id,
      application_id: this.api.applicationId,
      token: record.token,
      version: 1,
      locale: this.user.locale,
      entitlements: [],
      attachment_size_limit: 10_485_760,
      channel_id: channel.id,
    };
    if (channel.type === 1) {
      return {
        ...common,
        user,
        channel: {
          id: channel.id,
          type: 1,
          last_message_id: channel.messages.at(-1)?.id ?? null,
          flags: 0,
          recipients: [user],
        },
        app_permissions: PERMISSIONS.dm,
        authorizing_integration_owners: { '0': '0' },
        context: 1,
      };
    }
    return {
      ...common,
      guild_id: channel.guildId,
      guild_locale: 'en-US',
      guild: { id: channel.guildId, locale: 'en-US', features: [] },
      channel: {
        id: channel.id,
        type: 0,
        guild_id: channel.guildId,
        name: 'general',
        position: 0,
        flags: 0,
        permissions: PERMISSIONS.member,
      },
      member: {
        user,
        roles: [],
        permissions: memberPermissions,
        joined_at: new Date(0).toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        nick: null,
        avatar: null,
        premium_since: null,
        communication_disabled_until: null,
      },
      app_permissions: appPermissions ?? PERMISSIONS.postable,
      authorizing_integration_owners: { '0': channel.guildId },
      context: 0,
    };
  }
}

/** One listener per channel, resolving waiters by event id (a benchmark waits on hundreds at once). */
const waiters = new WeakMap<EventEmitter, Map<string, () => void>>();

function waitSettled(events: EventEmitter, id: string, timeoutMs: number): Promise<void> {
  let byId = waiters.get(events);
  if (!byId) {
    const map = new Map<string, () => void>();
    events.on('settled', (s: { id: string }) => map.get(s.id)?.());
    waiters.set(events, (byId = map));
  }
  const pending = byId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`event ${id} was not handled within ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, () => {
      clearTimeout(timer);
      pending.delete(id);
      resolve();
    });
  });
}

export function components(message: ApiMessage): Component[] {
  return message.components.flatMap((row) => row.components ?? []);
}

function describe(message: ApiMessage): string {
  return JSON.stringify({
    content: message.content.slice(0, 80),
    components: components(message).map((c) => c.label ?? c.custom_id),
  });
}
