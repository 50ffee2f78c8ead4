import { MessageFlags, type ButtonInteraction, type Message } from 'discord.js';
import type { Outcome } from './answers.ts';
import { CHANNEL, NO_MENTIONS, respondentLanguage, translatorFor, type DiscordContext } from './context.ts';
import { fit } from './render.ts';

/** The custom_id of a follow-up invitation's buttons. */
export const FOLLOWUP_PREFIX = '!fu:';

/**
 * A respondent's DM message taken by their open follow-up conversation (the router's rule: when
 * no survey question waits for them). What is not text (files, stickers) is refused there, clearly.
 * False: the message is the survey's.
 */
export async function relayToInterviewer(ctx: DiscordContext, message: Message): Promise<boolean> {
  const router = ctx.router;
  if (!router) return false;
  const user = message.author.id;
  const channel = message.channel;
  // The respondent's language is looked up only when they are told something.
  const say = async (key: string) => {
    const t = translatorFor(ctx, await respondentLanguage(ctx, user, null));
    if (channel.isSendable()) await channel.send({ content: t({ key }), allowedMentions: NO_MENTIONS });
  };
  if (message.attachments.size > 0 || message.stickers.size > 0 || !message.content.trim()) {
    if (!(await router.inConversation(CHANNEL, user))) return false;
    await say('interviews:relay.unsupported');
    return true;
  }
  const route = await router.respondentText(CHANNEL, user, message.content);
  if (route.to !== 'conversation') return false;
  if (route.undelivered) await say('interviews:relay.not_delivered');
  return true;
}

/** A press on Accept / Not now / No of an invitation: its buttons go, and the answer follows. */
export async function answerInvitation(ctx: DiscordContext, i: ButtonInteraction): Promise<Outcome> {
  const said = await ctx.router?.invitationButton(CHANNEL, i.user.id, i.customId);
  const t = translatorFor(ctx, said?.locale ?? (await respondentLanguage(ctx, i.user.id, i.locale)));
  const texts = said?.texts ?? [{ key: 'interviews:invitation.stale' }];
  await i.update({ components: [] });
  for (const text of texts)
    await i.followUp({
      content: fit(t(text)),
      allowedMentions: NO_MENTIONS,
      ...(said ? {} : { flags: MessageFlags.Ephemeral }),
    });
  return said ? 'ok' : 'refused';
}
