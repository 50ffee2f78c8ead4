import { EventEmitter, once } from 'node:events';
import { Events, MessageFlags, type Client, type Interaction, type Message } from 'discord.js';
import type { ConversationService } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { InvitationStore } from '../../store/invitation-store.ts';
import { DEFAULT_ACK_AFTER_MS } from './acknowledge.ts';
import { answerComponent, answerMessage } from './answers.ts';
import { createDiscordClient, type DiscordClientOptions } from './client.ts';
import {
  CHANNEL,
  languageFor,
  reportFailure,
  respondentLanguage,
  translatorFor,
  type DiscordContext,
} from './context.ts';
import { CUSTOM_ID_MAX } from './custom-id.ts';
import { describeError } from './errors.ts';
import { commandRequest, componentRequest } from './parse.ts';
import { PromptMessages } from './prompt-messages.ts';
import { confirmErase, keepData, runCommand, startSurvey } from './slash.ts';

export interface DiscordChannelOptions extends DiscordClientOptions {
  token: string;
  service: ConversationService;
  translator: Translator;
  invitations: InvitationStore;
  log: Logger;
  ackAfterMs?: number;
  clock?: () => number;
}

/** Emitted once an event has been fully handled (all replies sent): for tests and the benchmark. */
export interface Settled {
  kind: 'interaction' | 'message';
  /** The interaction or message id. */
  id: string;
  ms: number;
}

export interface DiscordChannel {
  name: 'discord';
  client: Client;
  /** 'settled' events ({@link Settled}). */
  events: EventEmitter;
  stop(): Promise<void>;
}

/** The longest answer custom_id without its option: `a:<question>:<version 12 digits>:x`. */
function checkQuestionIds(service: ConversationService): void {
  for (const q of service.flow.questions) {
    if (`a:${q.id}:${'9'.repeat(12)}:x`.length > CUSTOM_ID_MAX) {
      throw new Error(
        `question id "${q.id}" is too long for Discord components (custom_id is at most 100 characters)`,
      );
    }
  }
}

/**
 * Connects to Discord and runs the survey in DMs: slash commands and buttons start it, component
 * presses and typed DMs answer it. Every handler catches its own errors: one user's failure is
 * reported to them where possible and logged, never a crash for the others.
 */
export async function startDiscordChannel(opts: DiscordChannelOptions): Promise<DiscordChannel> {
  checkQuestionIds(opts.service);
  const client = createDiscordClient(opts);
  const ctx: DiscordContext = {
    client,
    service: opts.service,
    translator: opts.translator,
    invitations: opts.invitations,
    log: opts.log.child({ channel: CHANNEL }),
    prompts: new PromptMessages(),
    ackAfterMs: opts.ackAfterMs ?? DEFAULT_ACK_AFTER_MS,
    clock: opts.clock ?? Date.now,
    translations: new Map(),
  };
  const events = new EventEmitter();
  const settle = (kind: Settled['kind'], id: string, started: number) =>
    events.emit('settled', { kind, id, ms: performance.now() - started } satisfies Settled);

  client.on(Events.InteractionCreate, (interaction) => {
    const started = performance.now();
    void onInteraction(ctx, interaction).finally(() => settle('interaction', interaction.id, started));
  });
  client.on(Events.MessageCreate, (message) => {
    const started = performance.now();
    void onMessage(ctx, message).finally(() => settle('message', message.id, started));
  });
  client.on(Events.Error, (error) => ctx.log.error({ err: describeError(error) }, 'discord client error'));
  client.on(Events.ShardError, (error) =>
    ctx.log.warn({ err: describeError(error) }, 'discord gateway error'),
  );
  client.on(Events.ShardResume, (shard, replayed) =>
    ctx.log.info({ shard, replayed }, 'discord gateway resumed'),
  );
  client.on(Events.ShardReconnecting, (shard) => ctx.log.info({ shard }, 'discord gateway reconnecting'));

  const ready = once(client, Events.ClientReady);
  await client.login(opts.token);
  await ready;
  ctx.log.info({ user: client.user?.id }, 'discord channel ready');
  return {
    name: 'discord',
    client,
    events,
    async stop() {
      await client.destroy();
    },
  };
}

async function onInteraction(ctx: DiscordContext, i: Interaction): Promise<void> {
  if (!i.isRepliable()) return;
  try {
    if (i.isChatInputCommand()) {
      const command = commandRequest({
        name: i.commandName,
        subcommand: i.options.getSubcommand(false),
        options: {
          code: i.options.getString('code') ?? undefined,
          language: i.options.getString('language') ?? undefined,
        },
      });
      if (command) await runCommand(ctx, i, command);
      return;
    }
    if (!i.isButton() && !i.isStringSelectMenu()) return;
    const request = componentRequest(i.customId, i.isStringSelectMenu() ? i.values : []);
    switch (request.kind) {
      case 'input':
        return await answerComponent(ctx, i, request.input);
      case 'take':
        return i.isButton() ? await startSurvey(ctx, i, request.invitation) : undefined;
      case 'erase':
        return i.isButton() ? await confirmErase(ctx, i, request.issuedAt) : undefined;
      case 'keep':
        return i.isButton() ? await keepData(ctx, i) : undefined;
      case 'invalid': {
        const t = translatorFor(ctx, await respondentLanguage(ctx, i.user.id, i.locale));
        await i.reply({ content: t({ key: 'discord:component.invalid' }), flags: MessageFlags.Ephemeral });
      }
    }
  } catch (error) {
    await reportFailure(ctx, error, {
      interaction: i,
      user: i.user.id,
      language: languageFor(ctx, i.locale),
    });
  }
}

async function onMessage(ctx: DiscordContext, message: Message): Promise<void> {
  // Only what people type to the bot in its DM: not our own messages, nor any server's.
  if (message.author.bot || message.author.system || message.inGuild() || !message.channel.isDMBased())
    return;
  try {
    await answerMessage(ctx, message);
  } catch (error) {
    await reportFailure(ctx, error, { user: message.author.id, language: languageFor(ctx, null) });
  }
}
