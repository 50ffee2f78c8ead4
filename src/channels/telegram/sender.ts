import type { ConversationService } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { ChannelSender, OutboundMessage, SendOutcome } from '../../outbound/outbound.ts';
import { currentQuestion } from '../current-question.ts';
import { CHANNEL } from './handle-update.ts';
import { showQuestion } from './live-question.ts';
import type { Attempted, TelegramOutbox } from './outbox.ts';
import type { PromptMessageStore } from './prompt-messages.ts';
import { fitText, keyboard } from './render.ts';

export interface TelegramSenderDeps {
  service: ConversationService;
  translator: Translator;
  /**
   * Paced (see SendPacer), and without the unreachable hook of the update path: the outbound
   * port records a lasting refusal on the respondent's address itself.
   */
  outbox: TelegramOutbox;
  prompts: PromptMessageStore;
}

/** A chat id as Telegram writes it: an integer (negative for groups). */
const CHAT_ID = /^-?\d{1,16}$/;

/**
 * Telegram's side of the outbound port. A live prompt is the respondent's current question sent
 * as a new message with working buttons, shown as every question is (showQuestion): the chat is
 * pointed at it with the version-checked swap and the question message shown before loses its
 * keyboard, so the chat keeps one live question. A private chat's id is its user's id.
 */
export class TelegramSender implements ChannelSender {
  constructor(private readonly deps: TelegramSenderDeps) {}

  async send(chat: string, message: OutboundMessage): Promise<SendOutcome> {
    const id = Number(chat);
    if (!CHAT_ID.test(chat) || !Number.isSafeInteger(id)) return { status: 'chat_not_found' };
    const { outbox, prompts, service, translator } = this.deps;
    if (message.kind === 'text') {
      const t = translator.translatorFor(message.locale);
      const lines = message.texts.map(t);
      if (message.body !== undefined) lines.push(message.body);
      const buttons = message.buttons ?? [];
      return outcomeOf(
        await outbox.deliver(id, {
          text: fitText(lines.join('\n')),
          ...(buttons.length
            ? { reply_markup: keyboard(buttons.map((b) => [{ text: t(b.text), data: b.data }])) }
            : {}),
        }),
      );
    }
    const current = await currentQuestion(service, CHANNEL, chat);
    if (!current) return { status: 'no_prompt' };
    const { flow, prompt, session } = current;
    const t = translator.translatorFor(session.locale);
    const notices = (message.intro ?? []).map((text) => t(text));
    return outcomeOf(
      await showQuestion({ flow, outbox, prompts }, id, prompt, session, t, { notices, resent: true }),
    );
  }
}

/** A Bot API call's end as the port's outcome. */
export function outcomeOf(sent: Attempted<unknown>): SendOutcome {
  if (sent.ok) return { status: 'delivered' };
  const failure = sent.failure;
  switch (failure.kind) {
    case 'rate_limited':
      return { status: 'rate_limited', retryAfterMs: failure.retryAfter * 1000 };
    case 'unreachable':
      // A deactivated account is gone, as a chat that does not exist.
      return { status: failure.reason === 'blocked' ? 'blocked' : 'chat_not_found' };
    default:
      return { status: 'failed', reason: failure.kind };
  }
}
