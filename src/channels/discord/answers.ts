import {
  MessageFlags,
  type ButtonInteraction,
  type DMChannel,
  type Message,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { TurnResult } from '../../conversation/service.ts';
import type { Input } from '../../engine/input.ts';
import { deferIfSlow } from './acknowledge.ts';
import {
  CHANNEL,
  dmOf,
  languageFor,
  messageOptions,
  NO_MENTIONS,
  sendPlanned,
  translatorFor,
  type DiscordContext,
} from './context.ts';
import { messageInput } from './parse.ts';
import { planReply, type ReplyPlan } from './reply.ts';

/** How a turn ended, for the metrics: taken, refused (bad or stale input), or failed on our side. */
export type Outcome = 'ok' | 'refused' | 'error';

export function outcomeOf(result: TurnResult): Outcome {
  if (result.refusal) return 'refused';
  return result.prompt === null ? 'error' : 'ok';
}

function plan(ctx: DiscordContext, result: TurnResult, input: Input, locale: string | null): ReplyPlan {
  const language = result.session?.locale ?? result.prompt?.locale ?? languageFor(ctx, locale);
  return planReply(result.flow, translatorFor(ctx, language), result, input);
}

/**
 * A button press or select submission on a question message. The turn runs at once; if the
 * store is slow the press is acknowledged first (deferred) and the message edited afterwards.
 * A refusal (stale, forged, invalid) is an ephemeral notice and changes nothing.
 */
export async function answerComponent(
  ctx: DiscordContext,
  i: ButtonInteraction | StringSelectMenuInteraction,
  input: Input,
): Promise<Outcome> {
  const user = i.user.id;
  const work = ctx.service.turn({
    channel: CHANNEL,
    user,
    locale: i.locale,
    input,
    log: ctx.log,
  });
  const deferred = await deferIfSlow(work, ctx.ackAfterMs, () => i.deferUpdate());
  const result = await work;
  const planned = plan(ctx, result, input, i.locale);
  if (planned.notice) {
    const body = { content: planned.notice, flags: MessageFlags.Ephemeral } as const;
    await (deferred ? i.followUp(body) : i.reply(body));
  } else if (planned.update) {
    const body = messageOptions(planned.update);
    await (deferred ? i.editReply(body) : i.update(body));
    if (planned.showing?.in === 'update') {
      ctx.prompts.remember(user, {
        channelId: i.channelId,
        messageId: i.message.id,
        question: planned.showing.question,
        version: planned.showing.version,
      });
    }
  } else if (!deferred) await i.deferUpdate();
  if (planned.messages.length > 0) await sendPlanned(ctx, user, await dmOf(i), planned);
  return outcomeOf(result);
}

/**
 * A message typed in the DM: a typed answer (text, amount, country, or choice numbers). The
 * previous question message, when we know it, gets its components disabled and the answer shown.
 *
 * Typed answers are DM messages, not modals: a modal opens only as the answer to a press (one more
 * click for every typed question) and only within the 3-second window, so it could not wait for
 * slow store work; a DM can be typed at any time, days later too, carries up to 4,000 characters
 * (one question takes 3,000), and the engine already reads typed choice numbers such as "1,3".
 */
export async function answerMessage(ctx: DiscordContext, message: Message): Promise<Outcome> {
  const user = message.author.id;
  const dm = message.channel as DMChannel;
  const input = messageInput(message.content);
  const result = await ctx.service.turn({ channel: CHANNEL, user, input, log: ctx.log });
  const planned = plan(ctx, result, input, null);
  if (planned.notice) {
    await dm.send({
      content: planned.notice,
      reply: { messageReference: message.id, failIfNotExists: false },
      allowedMentions: NO_MENTIONS,
    });
  }
  const before = result.before?.kind === 'question' ? result.before : null;
  const known = before ? ctx.prompts.showing(user, before.question, before.version) : null;
  if (planned.update && known) await dm.messages.edit(known.messageId, messageOptions(planned.update));
  if (planned.update && planned.showing?.in === 'update') {
    if (known) ctx.prompts.remember(user, { ...known, version: planned.showing.version });
    else {
      // The message to update in place is unknown (a restart): show the question anew instead.
      planned.messages.push(planned.update);
      planned.showing.in = 'last';
    }
  }
  await sendPlanned(ctx, user, dm, planned);
  return outcomeOf(result);
}
