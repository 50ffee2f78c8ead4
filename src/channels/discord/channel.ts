import { EventEmitter, once } from 'node:events';
import { Events, MessageFlags, Status, type Client, type Interaction, type Message } from 'discord.js';
import type { ConversationService } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import type { ChannelSender } from '../../outbound/outbound.ts';
import type { Router } from '../../router/router.ts';
import type { InvitationStore } from '../../store/invitation-store.ts';
import { DEFAULT_ACK_AFTER_MS } from './acknowledge.ts';
import { answerComponent, answerMessage, type Outcome } from './answers.ts';
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
import { commandRequest, componentRequest, STAFF_COMMAND, staffRequest, typedCommand } from './parse.ts';
import { PromptMessages } from './prompt-messages.ts';
import { askAgain, changeAnswers, showAnswers, startAgain } from './finished.ts';
import { DiscordSender } from './sender.ts';
import { askErase, confirmErase, keepData, runCommand, startSurvey } from './slash.ts';
import { answerInvitation, FOLLOWUP_PREFIX, relayToInterviewer } from './followup.ts';
import { DiscordStaffSpace } from './staff-space.ts';
import { dropUnreadableEvents } from './unreadable-events.ts';
import { answerStaffCommand, answerTypedCommand } from './staff.ts';

export interface DiscordChannelOptions extends DiscordClientOptions {
  token: string;
  service: ConversationService;
  translator: Translator;
  invitations: InvitationStore;
  log: Logger;
  ackAfterMs?: number;
  clock?: () => number;
  /** Updates received and handled by kind and outcome, failed requests, rate-limit waits. */
  metrics?: Metrics;
  /** Staff commands and their rights, checked against the staff directory. */
  router?: Router;
  /** Refused requests in ten minutes after which unasked messages wait (see DiscordSender). */
  invalidRequestBudget?: number;
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
  /** This channel's side of the outbound port: DMs nobody asked for, and live prompts. */
  sender: ChannelSender;
  /** The interviewers' staff channel and its private threads, when one is configured. */
  staffSpace: DiscordStaffSpace | null;
  /** Connected to the gateway (every shard ready) and taking events; false once stopping. */
  ready(): boolean;
  /**
   * Stops taking events (those arriving meanwhile are told the survey is briefly unavailable:
   * Discord does not deliver them again), finishes the ones in flight, then disconnects.
   */
  stop(): Promise<void>;
}

/** An event as a metric label. */
type EventKind = 'command' | 'component' | 'message' | 'other';

function kindOf(i: Interaction): EventKind {
  if (i.isChatInputCommand()) return 'command';
  return i.isButton() || i.isStringSelectMenu() ? 'component' : 'other';
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
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.router ? { router: opts.router } : {}),
  };
  dropUnreadableEvents(client, ctx.log);
  const sender = new DiscordSender(ctx, opts.invalidRequestBudget);
  const staffSpace = opts.staffChannel
    ? new DiscordStaffSpace(client, opts.staffChannel, opts.translator, ctx.log, (id, started) =>
        settle('message', id, started),
      )
    : null;
  const stopListening = staffSpace && opts.router ? staffSpace.listen(opts.router) : () => {};
  const events = new EventEmitter();
  const settle = (kind: Settled['kind'], id: string, started: number) =>
    events.emit('settled', { kind, id, ms: performance.now() - started } satisfies Settled);
  const metrics = opts.metrics;
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  type Work<T> = (ctx: DiscordContext) => Promise<T>;
  /**
   * Handles one event with its id on every log line (the context it runs with logs to the
   * event's logger), counted in and out. Once stopping, an event is answered "temporarily
   * unavailable" instead: Discord does not deliver it again.
   */
  const handle = (kind: EventKind, id: string, run: Work<Outcome>, refuse: Work<void>) => {
    metrics?.updatesReceived.inc({ channel: CHANNEL, kind });
    const started = performance.now();
    const log = ctx.log.child({ update: id });
    const scoped: DiscordContext = { ...ctx, log };
    const work = (async () => {
      log.debug({ kind }, 'update received');
      let outcome: Outcome = 'refused';
      try {
        if (stopping) await refuse(scoped);
        else outcome = await run(scoped);
      } catch (error) {
        // Each handler reports its own failures; one that escapes is logged here, never left
        // as an unhandled rejection that would end the process for everyone.
        outcome = 'error';
        log.error({ kind, error: describeError(error) }, 'discord event failed');
      }
      metrics?.updatesHandled.inc({ channel: CHANNEL, kind, outcome });
      log.debug({ kind, outcome, ms: Math.round(performance.now() - started) }, 'update handled');
    })();
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };

  client.on(Events.InteractionCreate, (interaction) => {
    const started = performance.now();
    void handle(
      kindOf(interaction),
      interaction.id,
      (scoped) => onInteraction(scoped, interaction),
      (scoped) => refuseUnavailable(scoped, interaction),
    ).finally(() => settle('interaction', interaction.id, started));
  });
  client.on(Events.MessageCreate, (message) => {
    const started = performance.now();
    // The bot's own messages (and any server's) are no updates: not counted, not logged.
    const ignored = message.author.bot || message.author.system || message.inGuild();
    const work = ignored
      ? Promise.resolve()
      : handle(
          'message',
          message.id,
          (scoped) => onMessage(scoped, message),
          (scoped) => refuseUnavailable(scoped, message),
        );
    void work.finally(() => settle('message', message.id, started));
  });
  client.rest.on('rateLimited', () => metrics?.rateLimitWaits.inc({ channel: CHANNEL }));
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
    sender,
    staffSpace,
    ready: () =>
      !stopping && client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready),
    async stop() {
      stopping = true;
      stopListening();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await staffSpace?.settled();
      await client.destroy();
    },
  };
}

/** An event that came while stopping: the user is asked to try again shortly; never throws. */
async function refuseUnavailable(ctx: DiscordContext, event: Interaction | Message): Promise<void> {
  try {
    if ('author' in event) {
      if (event.author.bot || event.author.system || event.inGuild() || !event.channel.isSendable()) return;
      const t = translatorFor(ctx, await respondentLanguage(ctx, event.author.id, null));
      await event.channel.send({ content: t({ key: 'common:unavailable' }), allowedMentions: { parse: [] } });
      return;
    }
    if (!event.isRepliable()) return;
    const t = translatorFor(ctx, languageFor(ctx, event.locale));
    await event.reply({ content: t({ key: 'common:unavailable' }), flags: MessageFlags.Ephemeral });
  } catch (error) {
    ctx.log.warn({ err: describeError(error) }, 'could not tell a user the bot is restarting');
  }
}

async function onInteraction(ctx: DiscordContext, i: Interaction): Promise<Outcome> {
  if (!i.isRepliable()) return 'ok';
  try {
    if (i.isChatInputCommand()) {
      const data = {
        name: i.commandName,
        subcommand: i.options.getSubcommand(false),
        options: {
          code: i.options.getString('code') ?? undefined,
          language: i.options.getString('language') ?? undefined,
          role: i.options.getString('role') ?? undefined,
          name: i.options.getString('name') ?? undefined,
        },
      };
      if (data.name === STAFF_COMMAND) return await answerStaffCommand(ctx, i, staffRequest(data));
      const command = commandRequest(data);
      if (command) await runCommand(ctx, i, command);
      return 'ok';
    }
    if (!i.isButton() && !i.isStringSelectMenu()) return 'ok';
    if (i.isButton() && i.customId.startsWith(FOLLOWUP_PREFIX)) return await answerInvitation(ctx, i);
    const request = componentRequest(i.customId, i.isStringSelectMenu() ? i.values : []);
    switch (request.kind) {
      case 'input':
        return await answerComponent(ctx, i, request.input);
      case 'take':
        if (i.isButton()) await startSurvey(ctx, i, request.invitation);
        return 'ok';
      case 'erase':
        if (i.isButton()) await confirmErase(ctx, i, request.issuedAt);
        return 'ok';
      case 'keep':
        if (i.isButton()) await keepData(ctx, i);
        return 'ok';
      case 'answers':
        if (i.isButton()) await showAnswers(ctx, i);
        return 'ok';
      case 'change':
        if (i.isButton()) await changeAnswers(ctx, i);
        return 'ok';
      case 'forget':
        if (i.isButton()) await askErase(ctx, i);
        return 'ok';
      case 'again':
        if (i.isButton()) await (request.confirm ? startAgain(ctx, i) : askAgain(ctx, i));
        return 'ok';
      case 'invalid': {
        const t = translatorFor(ctx, await respondentLanguage(ctx, i.user.id, i.locale));
        await i.reply({ content: t({ key: 'discord:component.invalid' }), flags: MessageFlags.Ephemeral });
        return 'refused';
      }
    }
  } catch (error) {
    await reportFailure(ctx, error, {
      interaction: i,
      user: i.user.id,
      language: languageFor(ctx, i.locale),
    });
    return 'error';
  }
}

async function onMessage(ctx: DiscordContext, message: Message): Promise<Outcome> {
  // Only what people type to the bot in its DM: not our own messages, nor any server's.
  // A channel discord.js cannot resolve (none named in the event) is no DM either.
  if (message.author.bot || message.author.system || message.inGuild() || !message.channel?.isDMBased())
    return 'ok';
  try {
    // A command typed in the DM goes to the router, never to the survey as an answer.
    const command = typedCommand(message.content);
    if (command) return await answerTypedCommand(ctx, message, command);
    if (await relayToInterviewer(ctx, message)) return 'ok';
    return await answerMessage(ctx, message);
  } catch (error) {
    await reportFailure(ctx, error, { user: message.author.id, language: languageFor(ctx, null) });
    return 'error';
  }
}
