import type { Flow } from '../../engine/flow.ts';
import type { Session } from '../../engine/session.ts';
import type { Translate } from '../../i18n/translator.ts';
import type { Attempted, TelegramOutbox } from './outbox.ts';
import type { PromptMessage, PromptMessageStore } from './prompt-messages.ts';
import { fitText, render, type QuestionPrompt } from './render.ts';

export interface LiveQuestionDeps {
  flow: Flow;
  outbox: TelegramOutbox;
  prompts: PromptMessageStore;
}

export interface ShowQuestionOptions {
  /** Texts above the question, in the same message (one message, and the question stays last). */
  notices?: string[];
  /** A message this turn takes care of itself: it keeps its keyboard here. */
  keep?: number;
  /** Sent again on purpose (after /start, or by the outbound port): it replaces a copy of the same version. */
  resent?: boolean;
  /** The update whose turn shows it. */
  update?: number;
}

/**
 * Sends a question as a new message with live buttons and points the chat at it; the message
 * pointed at before loses its keyboard, so the chat keeps one live question. The one way a
 * question goes out as a new message: after an update (showTurn) and unasked (the outbound port).
 */
export async function showQuestion(
  deps: LiveQuestionDeps,
  chat: number,
  prompt: QuestionPrompt,
  session: Session,
  t: Translate,
  options: ShowQuestionOptions = {},
): Promise<Attempted<number>> {
  const message = render(deps.flow, prompt, t);
  const notices = options.notices ?? [];
  const text = notices.length > 0 ? fitText([...notices, '', message.text].join('\n')) : message.text;
  const sent = await deps.outbox.deliver(chat, { ...message, text });
  if (sent.ok) {
    const shown = pointerTo(sent.result, prompt, session, options.update);
    await pointAt(deps, chat, shown, options.keep, options.resent === true);
  }
  return sent;
}

/** The pointer to a message showing `prompt` of `session`. */
export function pointerTo(
  message: number,
  prompt: QuestionPrompt,
  session: Session,
  update?: number,
): PromptMessage {
  return {
    message,
    question: prompt.question,
    version: prompt.version,
    session: session.id,
    started: session.startedAt,
    ...(update !== undefined ? { update } : {}),
  };
}

/**
 * Points the chat at a message already live (sent or edited with its keyboard). The message
 * pointed at before loses its keyboard, unless it is `keep` (this turn's own edit takes care of
 * it); when the pointer held keeps its place, this message is the outdated one instead.
 */
export async function pointAt(
  deps: Pick<LiveQuestionDeps, 'outbox' | 'prompts'>,
  chat: number,
  shown: PromptMessage,
  keep?: number,
  resent = false,
): Promise<void> {
  const { accepted, previous } = await deps.prompts.show(chat, shown, resent);
  if (accepted) {
    const old = previous?.message;
    if (old && old !== shown.message && old !== keep) await deps.outbox.setKeyboard(chat, old);
    return;
  }
  // Another message holds the place (a later question, or an earlier copy of this one), so this
  // one is outdated as it arrives; the same message pointed at with a later version stays live.
  if (shown.message && shown.message !== previous?.message)
    await deps.outbox.setKeyboard(chat, shown.message);
}
