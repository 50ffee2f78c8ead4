import { DiscordAPIError, RateLimitError, RESTEvents, RESTJSONErrorCodes } from 'discord.js';
import type { ChannelSender, OutboundMessage, SendOutcome } from '../../outbound/outbound.ts';
import { currentQuestion } from '../current-question.ts';
import { CHANNEL, NO_MENTIONS, sendPlanned, translatorFor, type DiscordContext } from './context.ts';
import { classifyError, describeError, isPlatformError } from './errors.ts';
import { buttonRow, disable, fit, renderQuestion } from './render.ts';
import { askQuestion } from './reply.ts';

/**
 * Discord bans a bot's IP for a while after 10,000 refused requests (401, 403, 429) in ten
 * minutes, and a DM to someone who does not accept them is a 403. Unasked messages stop at this
 * share of it, so answering respondents always has the rest.
 */
export const DEFAULT_INVALID_REQUEST_BUDGET = 5000;

const SNOWFLAKE = /^\d{17,20}$/;
/** Discord's ways of saying there is nobody to write to. */
const GONE = new Set<number>([
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.InvalidRecipients,
]);

/**
 * Discord's side of the outbound port: a DM to the user, opened from the user id (the chat the
 * address book keeps). Pacing is discord.js's own: its REST queues hold each request to the
 * route's bucket and the bot's 50 requests a second, and a wait longer than the client takes
 * (maxRateLimitWaitMs) comes back as "rate limited" with the wait. Refusals are counted as
 * discord.js counts them for Discord's invalid-request limit, and once this sender's budget of
 * them is spent in the current ten minutes, it sends nothing until the count starts again.
 *
 * A live prompt is the question asked as after a turn (askQuestion); the question message shown
 * before, when this process knows it, has its components disabled.
 */
export class DiscordSender implements ChannelSender {
  private invalid = { count: 0, resetAt: 0 };

  constructor(
    private readonly ctx: DiscordContext,
    private readonly budget = DEFAULT_INVALID_REQUEST_BUDGET,
  ) {
    // Needs the client's invalidRequestWarningInterval at 1 (client.ts): every refusal is told.
    ctx.client.rest.on(RESTEvents.InvalidRequestWarning, ({ count, remainingTime }) => {
      this.invalid = { count, resetAt: ctx.clock() + remainingTime };
    });
  }

  async send(user: string, message: OutboundMessage): Promise<SendOutcome> {
    if (!SNOWFLAKE.test(user)) return { status: 'chat_not_found' };
    const wait = this.invalid.resetAt - this.ctx.clock();
    if (this.invalid.count >= this.budget && wait > 0) return { status: 'rate_limited', retryAfterMs: wait };
    const current = message.kind === 'prompt' ? await currentQuestion(this.ctx.service, CHANNEL, user) : null;
    if (message.kind === 'prompt' && !current) return { status: 'no_prompt' };
    try {
      const dm = await this.ctx.client.users.createDM(user);
      if (message.kind === 'text') {
        const t = translatorFor(this.ctx, message.locale);
        const lines = message.texts.map((text) => t(text));
        if (message.body !== undefined) lines.push(message.body);
        const buttons = message.buttons ?? [];
        await dm.send({
          content: fit(lines.join('\n')),
          allowedMentions: NO_MENTIONS,
          ...(buttons.length
            ? { components: [buttonRow(buttons.map((b) => ({ label: t(b.text), id: b.data })))] }
            : {}),
        });
        return { status: 'delivered' };
      }
      const { flow, prompt, session } = current!;
      const t = translatorFor(this.ctx, session.locale);
      const render = { flow, t, answers: session.answers };
      const shown = this.ctx.prompts.showing(user, prompt.question, prompt.version);
      await sendPlanned(this.ctx, user, dm, askQuestion(render, prompt, (message.intro ?? []).map(t)));
      // The same question's older message: its components go, so one message takes the answer.
      if (shown) {
        await dm.messages
          .edit(shown.messageId, { components: disable(renderQuestion(render, prompt).components) })
          .catch((error: unknown) =>
            this.ctx.log.debug({ err: describeError(error) }, 'older question message not disabled'),
          );
      }
      return { status: 'delivered' };
    } catch (error) {
      return this.outcomeOf(error);
    }
  }

  private outcomeOf(error: unknown): SendOutcome {
    if (isPlatformError(error))
      this.ctx.metrics?.platformErrors.inc({ channel: CHANNEL, code: classifyError(error) });
    if (error instanceof RateLimitError) return { status: 'rate_limited', retryAfterMs: error.retryAfter };
    if (error instanceof DiscordAPIError) {
      const code = Number(error.code);
      if (code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return { status: 'dms_closed' };
      if (GONE.has(code)) return { status: 'chat_not_found' };
    }
    this.ctx.log.warn({ err: describeError(error) }, 'discord outbound message failed');
    return { status: 'failed', reason: classifyError(error) };
  }
}
