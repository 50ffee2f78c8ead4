import type { TurnResult } from '../../conversation/service.ts';
import type { Flow } from '../../engine/flow.ts';
import type { Input } from '../../engine/input.ts';
import type { Translate } from '../../i18n/translator.ts';
import { shorten, summarize } from '../summary.ts';
import type { TelegramOutbox } from './outbox.ts';
import type { EngineEvent, Prompt } from '../../engine/prompt.ts';
import type { PromptMessage, PromptMessageStore } from './prompt-messages.ts';
import type { Session } from '../../engine/session.ts';
import { pointAt, pointerTo, showQuestion } from './live-question.ts';
import { completedOffer } from './messages.ts';
import { render, renderAnswered, type QuestionPrompt } from './render.ts';
import type { Origin, Press } from './to-input.ts';

export interface ShowContext {
  origin: Origin;
  press?: Press;
  /** Send the question again as a new message (after /start), instead of editing it in place. */
  resend?: boolean;
  /** What the respondent did, to show on the message when a question goes on to its next step. */
  input?: Input;
  /** The press was answered when its input was taken (the call, still under way, or done). */
  answered?: Promise<void>;
}

/**
 * Shows the outcome of one turn in the chat:
 * - a press is answered first (with the refusal as a short notice, if refused);
 * - a refused typed answer gets the refusal as a message; nothing else changes;
 * - a step within the same question (a toggle, a ranked item) edits the question's message;
 * - an answered question's message is edited to show the answer and loses its keyboard, and the
 *   next question comes as a new message, with any notices (welcome back...) above it;
 * - a redelivered update that was applied before shows the current question again only when no
 *   message shows it yet (the replica that applied it may have died before showing it);
 * - a finished respondent is told so, with what they may do (see, change, delete their answers).
 * Every question message is pointed at once it is live, and the message pointed at before loses
 * its keyboard (see PromptMessageStore): a chat has one live question, however often and to
 * however many replicas an update is delivered.
 */
export async function showTurn(
  deps: { flow: Flow; outbox: TelegramOutbox; prompts: PromptMessageStore },
  view: ShowContext,
  result: TurnResult,
  t: Translate,
): Promise<void> {
  const { flow, outbox, prompts } = deps;
  const chat = view.origin.chat;
  // Calls that do not depend on each other go out together: the press is answered while the
  // old question is edited and the next one sent, so a turn costs one round trip, not three.
  const calls: Promise<unknown>[] = [];
  if (view.answered) calls.push(view.answered);
  else if (view.press)
    calls.push(outbox.answer(view.press.id, result.refusal ? t(result.refusal.text) : undefined));
  if (result.refusal) {
    // A press answered already (a concurrent turn wrote first) hears it as a message.
    if (!view.press || view.answered) calls.push(outbox.send(chat, { text: t(result.refusal.text) }));
    else if (result.refusal.code === 'stale') calls.push(tidyOldMessage(outbox, prompts, chat, view.press));
    await Promise.all(calls);
    return;
  }

  const { prompt, events, session } = result;
  const update = view.origin.update;
  if (result.completed) {
    // An update from before the survey ended, delivered again, is not a new visit.
    if (!(await endedAfter(prompts, chat, update))) {
      const text = result.notices.map((n) => t(n)).join('\n');
      calls.push(outbox.send(chat, completedOffer(text, result.completed, t)));
    }
    await Promise.all(calls);
    return;
  }
  if (result.replayed) {
    if (prompt?.kind === 'question' && session) calls.push(showAgain(deps, chat, prompt, session, t, update));
    await Promise.all(calls);
    return;
  }
  const before = result.before;
  const target = view.press?.message ?? (await messageShowing(prompts, chat, before));
  const settled =
    before?.kind === 'question'
      ? events.find(
          (e): e is Extract<EngineEvent, { type: 'answered' | 'declined' }> =>
            (e.type === 'answered' || e.type === 'declined') && e.question === before.question,
        )
      : undefined;
  const moved = events.some((e) => e.type === 'back' || e.type === 'language');
  const notices = result.notices.map((n) => t(n));
  // Several plain messages keep their order: each waits for the one before.
  const inOrder = (texts: string[]) =>
    texts.reduce<Promise<unknown>>((p, text) => p.then(() => outbox.send(chat, { text })), Promise.resolve());

  if (
    !view.resend &&
    !settled &&
    !moved &&
    target !== undefined &&
    session &&
    before?.kind === 'question' &&
    prompt?.kind === 'question' &&
    prompt.question === before.question &&
    prompt.step === before.step
  ) {
    const shown = pointerTo(target, prompt, session, update);
    calls.push(
      outbox
        .edit(chat, target, render(flow, prompt, t))
        .then(() => Promise.all([pointAt(deps, chat, shown, target), inOrder(notices)])),
    );
    await Promise.all(calls);
    return;
  }

  if (target !== undefined && before?.kind === 'question') {
    if (settled) {
      const answer = settled.type === 'declined' ? { status: 'declined' as const } : settled.answer;
      const summary = summarize(flow, before.question, answer, t, session?.answers ?? {});
      calls.push(outbox.edit(chat, target, renderAnswered(flow, before, summary, t)));
    } else {
      const partial = moved ? null : partialSummary(before, view.input, t);
      if (partial) calls.push(outbox.edit(chat, target, renderAnswered(flow, before, partial, t)));
      else calls.push(outbox.setKeyboard(chat, target));
    }
  }
  if (events.some((e) => e.type === 'language')) notices.push(t({ key: 'common:language.changed' }));

  if (prompt?.kind === 'question' && session) {
    calls.push(
      showQuestion(deps, chat, prompt, session, t, {
        notices,
        ...(target !== undefined ? { keep: target } : {}),
        resent: view.resend === true,
        ...(update !== undefined ? { update } : {}),
      }),
    );
  } else {
    // The session ended: no question is live any more, and a late copy of one of its questions
    // (a redelivery racing this turn) finds it ended. Without a prompt (the stores failed) the
    // question on screen stays as it is.
    if (prompt && session) calls.push(pointAt(deps, chat, ended(session, update), target));
    if (prompt?.kind === 'withdrawn') notices.push(t({ key: 'common:end.withdrawn' }));
    calls.push(inOrder(notices));
  }
  await Promise.all(calls);
}

/** The pointer of a chat whose session ended (completed or withdrawn) at its version. */
function ended(session: Session, update?: number): PromptMessage {
  return {
    message: 0,
    question: '',
    version: session.version,
    session: session.id,
    started: session.startedAt,
    ...(update !== undefined ? { update } : {}),
  };
}

/**
 * A redelivered update applied before: the current question is sent again only when no message
 * shows it (or anything later) yet.
 */
async function showAgain(
  deps: { flow: Flow; outbox: TelegramOutbox; prompts: PromptMessageStore },
  chat: number,
  prompt: QuestionPrompt,
  session: Session,
  t: Translate,
  update: number | undefined,
): Promise<void> {
  const shown = await deps.prompts.get(chat);
  const current =
    shown &&
    (shown.session === session.id ? shown.version >= prompt.version : shown.started >= session.startedAt);
  if (current) return;
  await showQuestion(deps, chat, prompt, session, t, update !== undefined ? { update } : {});
}

/** Whether the chat's survey ended with the turn of `update` or a later one (a redelivery). */
async function endedAfter(prompts: PromptMessageStore, chat: number, update: number | undefined) {
  if (update === undefined) return false;
  const held = await prompts.get(chat);
  return held?.message === 0 && held.update !== undefined && update <= held.update;
}

/**
 * The message showing `before` in this chat: only a pointer to that very question and session
 * version is taken, so a pointer left by an older turn (this replica's, while another replica
 * took the turns since) never has the wrong message edited.
 */
async function messageShowing(
  prompts: PromptMessageStore,
  chat: number,
  before: Prompt | null,
): Promise<number | undefined> {
  if (before?.kind !== 'question') return undefined;
  const shown = await prompts.showing(chat, before.question, before.version);
  return shown?.question === before.question && shown.version === before.version ? shown.message : undefined;
}

/**
 * A question answered in steps (other, then its text; an amount, then its currency): the first
 * step's message shows what was chosen there, so the chat still reads as a record.
 */
function partialSummary(before: QuestionPrompt, input: Input | undefined, t: Translate): string | null {
  switch (input?.type) {
    case 'choose': {
      const choice = before.choices.find((c) => c.id === input.option);
      return choice ? t(choice.label) : null;
    }
    case 'done':
      return (
        before.choices
          .filter((c) => c.selected)
          .map((c) => t(c.label))
          .join('; ') || null
      );
    case 'text':
      return shorten(input.text.trim(), 300) || null;
    default:
      return null;
  }
}

/** A press on an older question's message: its buttons go, so it cannot be pressed again. */
async function tidyOldMessage(
  outbox: TelegramOutbox,
  prompts: PromptMessageStore,
  chat: number,
  press: Press,
) {
  const current = (await prompts.get(chat))?.message;
  // Unknown after a restart: then the pressed message may be the current one, so it is left alone.
  if (current === undefined || press.message === undefined || press.message === current) return;
  await outbox.setKeyboard(chat, press.message);
}
