import { ButtonStyle, ComponentType, escapeMarkdown, MessageFlags, type ButtonInteraction } from 'discord.js';
import type { Input } from '../../engine/input.ts';
import { answerEntries, packEntries } from '../answers-view.ts';
import {
  CHANNEL,
  dmOf,
  languageFor,
  NO_MENTIONS,
  respondentLanguage,
  translatorFor,
  type DiscordContext,
} from './context.ts';
import { encodeComponentId } from './custom-id.ts';
import { LIMITS } from './render.ts';
import { showInDm } from './slash.ts';

/**
 * The buttons a finished respondent is offered (see `completedOffer`). Each reply is ephemeral:
 * only the respondent sees their answers.
 */

/** "See my answers": the complete response, question by question, in as few messages as fit. */
export async function showAnswers(ctx: DiscordContext, i: ButtonInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const done = await ctx.service.finished(CHANNEL, i.user.id);
  const t = translatorFor(ctx, done?.locale ?? languageFor(ctx, i.locale));
  if (!done) {
    await i.editReply({ content: t({ key: 'common:completed.none' }) });
    return;
  }
  // Typed answers are shown as text: no markdown of theirs, no mentions.
  const flow = await ctx.service.flowAt(done.flowId, done.flowVersion);
  const entries = answerEntries(flow, done.answers, t).map((e) => escapeMarkdown(e));
  const [first, ...more] = packEntries(t({ key: 'common:completed.answers' }), entries, LIMITS.content);
  await i.editReply({ content: first!, allowedMentions: NO_MENTIONS });
  for (const content of more)
    await i.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** "Change my answers": the complete response reopened in the DM, when the flow allows it. */
export async function changeAnswers(ctx: DiscordContext, i: ButtonInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const dm = await dmOf(i);
  const result = await ctx.service.reopen({
    channel: CHANNEL,
    user: i.user.id,
    locale: i.locale,
    log: ctx.log,
  });
  await showInDm(ctx, i, dm, result, { type: 'start' });
}

/** "Start a new response" (flows that take several): asks first. */
export async function askAgain(ctx: DiscordContext, i: ButtonInteraction): Promise<void> {
  const t = translatorFor(ctx, await respondentLanguage(ctx, i.user.id, i.locale));
  await i.reply({
    content: t({ key: 'common:completed.again_confirm' }),
    flags: MessageFlags.Ephemeral,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Primary,
            label: t({ key: 'common:completed.again_yes' }),
            custom_id: encodeComponentId({ kind: 'again', confirm: true })!,
          },
        ],
      },
    ],
  });
}

/**
 * The confirmation: a new response starts in the DM when the flow takes one. A session in
 * progress is resumed, never discarded (the button may be an old one).
 */
export async function startAgain(ctx: DiscordContext, i: ButtonInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const dm = await dmOf(i);
  const input: Input = { type: 'start' };
  const result = await ctx.service.turn({
    channel: CHANNEL,
    user: i.user.id,
    locale: i.locale,
    again: true,
    input,
    log: ctx.log,
  });
  await showInDm(ctx, i, dm, result, input);
}
