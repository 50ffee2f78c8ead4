import { MessageFlags, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { Text } from '../../engine/prompt.ts';
import type { Sender } from '../../staff/commands.ts';
import type { Outcome } from './answers.ts';
import {
  CHANNEL,
  languageFor,
  NO_MENTIONS,
  respondentLanguage,
  translatorFor,
  type DiscordContext,
} from './context.ts';
import { fit } from './render.ts';
import type { TypedCommand } from './parse.ts';

/** What the bot answers a command: its texts, and how the update ended for the metrics. */
interface Answer {
  texts: string[];
  outcome: Outcome;
}

/**
 * A command through the router, answered in Discord's words: a staff command the sender may use
 * is run; anything else, a staff command from someone without the right included, gets the
 * unknown-command answer, so staff commands stay unseen. Texts that name commands have a Discord
 * wording (i18next context `discord`) where the chat's commands differ from Telegram's.
 */
async function routed(ctx: DiscordContext, sender: Sender, command: TypedCommand): Promise<Answer> {
  const route = ctx.router
    ? await ctx.router.command(sender, command.name, command.args)
    : ({ to: 'unknown_command' } as const);
  if (route.to === 'conversation') {
    const said = translatorFor(ctx, route.reply?.locale ?? sender.locale);
    return { texts: (route.reply?.texts ?? []).map((text) => fit(said(text))), outcome: 'ok' };
  }
  if (route.to !== 'staff') {
    const t = translatorFor(ctx, sender.locale);
    return { texts: [t({ key: 'discord:unknown_command' })], outcome: 'refused' };
  }
  const t = translatorFor(ctx, route.reply.locale);
  const inDiscordWords = (text: Text): Text => ({ ...text, params: { ...text.params, context: CHANNEL } });
  return { texts: route.reply.texts.map((text) => fit(t(inDiscordWords(text)))), outcome: 'ok' };
}

/** A command typed in the DM with the bot ("/whoami", "/staff <code>", "/dashboard"...). */
export async function answerTypedCommand(
  ctx: DiscordContext,
  message: Message,
  command: TypedCommand,
): Promise<Outcome> {
  const user = message.author.id;
  // A DM carries no client language: the survey's, else the first language, until staff set theirs.
  const locale = await respondentLanguage(ctx, user, null);
  const displayName = message.author.globalName ?? message.author.username;
  const answer = await routed(ctx, { principal: { channel: CHANNEL, user }, locale, displayName }, command);
  if (!message.channel.isSendable()) return answer.outcome;
  for (const content of answer.texts) await message.channel.send({ content, allowedMentions: NO_MENTIONS });
  return answer.outcome;
}

/** `/staff ...` in a server: answered to the sender alone (a sign-in link must stay private). */
export async function answerStaffCommand(
  ctx: DiscordContext,
  i: ChatInputCommandInteraction,
  command: TypedCommand | null,
): Promise<Outcome> {
  // Reading the directory may take a moment: acknowledge first.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const user = i.user.id;
  const sender: Sender = {
    principal: { channel: CHANNEL, user },
    locale: languageFor(ctx, i.locale),
    displayName: i.user.globalName ?? i.user.username,
  };
  const answer = command
    ? await routed(ctx, sender, command)
    : {
        texts: [translatorFor(ctx, sender.locale)({ key: 'discord:unknown_command' })],
        outcome: 'refused' as const,
      };
  const [first, ...more] = answer.texts;
  await i.editReply({ content: first ?? '', allowedMentions: NO_MENTIONS });
  for (const content of more)
    await i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  return answer.outcome;
}
