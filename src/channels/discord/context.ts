import {
  MessageFlags,
  type Client,
  type DMChannel,
  type Interaction,
  type MessageMentionOptions,
  type RepliableInteraction,
} from 'discord.js';
import type { ConversationService } from '../../conversation/service.ts';
import type { Text } from '../../engine/prompt.ts';
import type { Translate, Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics.ts';
import type { Router } from '../../router/router.ts';
import type { InvitationStore } from '../../store/invitation-store.ts';
import { classifyError, describeError, isPlatformError } from './errors.ts';
import { memoizeTranslate } from './memo-translate.ts';
import type { PromptMessages } from './prompt-messages.ts';
import type { DiscordMessage } from './render.ts';
import type { ReplyPlan } from './reply.ts';

/**
 * The channel name stored with sessions and responses. Turns name no chat of their own: a
 * Discord respondent is reached through the user id (the DM channel is opened from it), so that
 * is what the address book and contact details keep.
 */
export const CHANNEL = 'discord';

/** Nothing a respondent typed (echoed in summaries) may ever ping anyone. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [] };

/** What the handlers share. */
export interface DiscordContext {
  client: Client;
  service: ConversationService;
  translator: Translator;
  invitations: InvitationStore;
  log: Logger;
  prompts: PromptMessages;
  /** Interactions whose work is not done by then are deferred first (Discord's window is 3 s). */
  ackAfterMs: number;
  clock: () => number;
  /** One remembering translator per language (see memoizeTranslate). */
  translations: Map<string, Translate>;
  /** Failed requests to Discord by problem (a closed set), rate-limit waits. */
  metrics?: Metrics;
  /** Staff commands and their rights; without it, every command is unknown. */
  router?: Router;
}

/** The survey language for a Discord locale such as "es-ES" or "pt-BR": its base language, else the first. */
export function languageFor(ctx: DiscordContext, locale: string | null | undefined): string {
  // discord.js passes the event's field through unchecked: anything but a string is no locale.
  const base = typeof locale === 'string' ? locale.toLowerCase().split(/[-_]/)[0] : undefined;
  const languages = ctx.translator.languages;
  return base && languages.includes(base) ? base : languages[0]!;
}

/** The (remembering) translator for one language. */
export function translatorFor(ctx: DiscordContext, language: string): Translate {
  let t = ctx.translations.get(language);
  if (!t) ctx.translations.set(language, (t = memoizeTranslate(ctx.translator.translatorFor(language))));
  return t;
}

/**
 * The respondent's survey language: their session's, else the one they completed the survey in,
 * else the one of their Discord client.
 */
export async function respondentLanguage(
  ctx: DiscordContext,
  user: string,
  locale: string | null,
): Promise<string> {
  // A slow or unreachable store must not hold up a notice: then the client's language will do.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ctx.ackAfterMs);
  });
  const lookup = async () =>
    (await ctx.service.current(CHANNEL, user))?.locale ??
    (await ctx.service.finished(CHANNEL, user))?.locale ??
    null;
  const known = await Promise.race([lookup().catch(() => null), late]);
  clearTimeout(timer);
  return known ?? languageFor(ctx, locale);
}

/** The DM channel with the user of an interaction: the interaction's own when it happened there. */
export async function dmOf(interaction: Interaction): Promise<DMChannel> {
  const channel = interaction.channel;
  if (channel?.isDMBased() && channel.isSendable()) return channel as DMChannel;
  return interaction.user.createDM();
}

export function messageOptions(message: DiscordMessage) {
  return { content: message.content, components: message.components, allowedMentions: NO_MENTIONS };
}

/** Sends a plan's new messages to the DM and remembers the one that asks the next question. */
export async function sendPlanned(
  ctx: DiscordContext,
  user: string,
  dm: DMChannel,
  plan: ReplyPlan,
): Promise<void> {
  let last: { id: string } | null = null;
  for (const message of plan.messages) last = await dm.send(messageOptions(message));
  if (last && plan.showing?.in === 'last') {
    ctx.prompts.remember(user, {
      channelId: dm.id,
      messageId: last.id,
      question: plan.showing.question,
      version: plan.showing.version,
    });
  }
}

/**
 * Tells the user, where Discord lets us, that something went wrong, and never throws: DMs
 * closed, missing permissions and rate limits get their own translated text; an interaction
 * that can no longer be answered is only logged.
 */
export async function reportFailure(
  ctx: DiscordContext,
  error: unknown,
  where: { interaction?: RepliableInteraction; user: string; language: string },
): Promise<void> {
  const problem = classifyError(error);
  if (isPlatformError(error)) ctx.metrics?.platformErrors.inc({ channel: CHANNEL, code: problem });
  const respondent = ctx.service.respondentOf(CHANNEL, where.user);
  ctx.log.warn({ err: describeError(error), problem, respondent }, 'discord request failed');
  const i = where.interaction;
  if (!i || problem === 'expired') return;
  const content = translatorFor(ctx, where.language)({ key: `discord:errors.${problem}` } satisfies Text);
  try {
    if (!i.deferred && !i.replied) await i.reply({ content, flags: MessageFlags.Ephemeral });
    // deferReply marks the interaction ephemeral (true or false); deferUpdate leaves it unset.
    else if (i.deferred && !i.replied && i.ephemeral !== null) await i.editReply({ content, components: [] });
    else await i.followUp({ content, flags: MessageFlags.Ephemeral });
  } catch (again) {
    ctx.log.warn({ err: describeError(again), respondent }, 'could not report a failure to the user');
  }
}
