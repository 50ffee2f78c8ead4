import type { TurnResult } from '../../conversation/service.ts';
import type { Flow } from '../../engine/flow.ts';
import type { Input } from '../../engine/input.ts';
import type { Text } from '../../engine/prompt.ts';
import type { Answer, MultiValue, SingleValue } from '../../engine/session.ts';
import type { Translate } from '../../i18n/translator.ts';
import { shorten, summarize } from '../summary.ts';
import { completedOffer } from './offer.ts';
import {
  fit,
  LIMITS,
  renderAnswered,
  renderQuestion,
  type DiscordMessage,
  type QuestionPrompt,
  type RenderContext,
} from './render.ts';

/** What to do on Discord after a turn; carried out by the transport, decided here without I/O. */
export interface ReplyPlan {
  /** Shown to the respondent alone: ephemeral beside a component, a plain DM after a typed message. */
  notice: string | null;
  /** The new look of the message that showed the question the input answered, or null to leave it. */
  update: DiscordMessage | null;
  /** New messages in the DM, in order. */
  messages: DiscordMessage[];
  /** The question (and version) the respondent now sees: in the updated message or the last one sent. */
  showing: { question: string; version: number; in: 'update' | 'last' } | null;
}

/**
 * Turns a turn's result into Discord operations. A finished respondent gets what they may do
 * about their complete response. A refused input changes nothing and says why;
 * an accepted one marks the answered message (components disabled, answer shown) and sends the
 * next question, except for steps taken in place (ranking picks) which update the same message.
 */
export function planReply(flow: Flow, t: Translate, result: TurnResult, input: Input): ReplyPlan {
  const notices = result.notices.map((n) => t(n));
  const prompt = result.prompt;
  if (result.completed) {
    const offer = completedOffer(notices.join('\n'), result.completed, t);
    return { notice: null, update: null, messages: [offer], showing: null };
  }
  if (!prompt || result.refusal) {
    const said = [...(result.refusal ? [t(result.refusal.text)] : []), ...notices];
    return { notice: fit(said.join('\n')), update: null, messages: [], showing: null };
  }
  const ctx = { flow, t, answers: result.session?.answers ?? {} };
  if (result.events.some((e) => e.type === 'language')) notices.push(t({ key: 'common:language.changed' }));
  if (prompt.kind === 'withdrawn') notices.push(t({ key: 'common:end.withdrawn' }));

  const before = result.before?.kind === 'question' ? result.before : null;
  const next = prompt.kind === 'question' ? prompt : null;
  if (before && next && inPlace(before, next)) {
    return {
      notice: null,
      update: renderQuestion(ctx, next),
      messages: pack(notices, null),
      showing: { question: next.question, version: next.version, in: 'update' },
    };
  }
  // A start or resume shows where the respondent is; nothing was answered.
  const answered = before && input.type !== 'start' ? answeredView(flow, t, result, input, before) : null;
  if (!next) return { notice: null, update: answered, messages: pack(notices, null), showing: null };
  return { ...askQuestion(ctx, next, notices), update: answered };
}

/**
 * A question sent as new messages in the DM, `notices` above it: the one way a question is
 * asked anew, after a turn (planReply) and unasked (the outbound port's live prompt).
 */
export function askQuestion(ctx: RenderContext, prompt: QuestionPrompt, notices: string[]): ReplyPlan {
  return {
    notice: null,
    update: null,
    messages: pack(notices, renderQuestion(ctx, prompt)),
    showing: { question: prompt.question, version: prompt.version, in: 'last' },
  };
}

/** Ranking picks (and toggles, were they used) stay on one message until the answer is complete. */
function inPlace(before: QuestionPrompt, next: QuestionPrompt): boolean {
  return (
    before.question === next.question &&
    before.step === '' &&
    next.step === '' &&
    (next.type === 'ranking' || next.multiple)
  );
}

function answeredView(
  flow: Flow,
  t: Translate,
  result: TurnResult,
  input: Input,
  before: QuestionPrompt,
): DiscordMessage {
  const ctx = { flow, t, answers: result.session?.answers ?? {} };
  const event = result.events.find(
    (e) => (e.type === 'answered' || e.type === 'declined') && e.question === before.question,
  );
  if (event) {
    const answer: Answer = event.type === 'answered' ? event.answer : { status: 'declined' };
    const text = summarize(flow, before.question, answer, t, result.session?.answers ?? {});
    return renderAnswered(ctx, before, text, before.step === '' ? chosenIds(answer) : []);
  }
  const label = (id: string) => {
    const choice = before.choices.find((c) => c.id === id);
    return choice ? t(choice.label) : id;
  };
  const show = (text: string, chosen: string[] = []) => renderAnswered(ctx, before, text, chosen);
  switch (input.type) {
    case 'back':
      return show(t({ key: 'discord:went_back' }));
    case 'choose':
      return show(label(input.option), [input.option]);
    case 'choices':
      return show(input.options.map(label).join('; '), input.options);
    case 'text':
      return show(shorten(input.text.trim(), 300));
    default:
      return show('');
  }
}

/** The option ids an answer picked, to highlight them on the disabled components. */
function chosenIds(answer: Answer): string[] {
  if (answer.status !== 'answered') return [];
  const value = answer.value;
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') {
    if ('options' in value) return [...(value as MultiValue).options];
    if ('option' in value) return [(value as SingleValue).option];
  }
  return [];
}

/** Notices go above the next question in one message when they fit, saving a request per turn. */
function pack(notices: string[], message: DiscordMessage | null): DiscordMessage[] {
  if (notices.length === 0) return message ? [message] : [];
  const head = notices.join('\n\n');
  if (message && head.length + 2 + message.content.length <= LIMITS.content) {
    return [{ ...message, content: `${head}\n\n${message.content}` }];
  }
  return [{ content: fit(head), components: [] }, ...(message ? [message] : [])];
}

/** A translated text as a plain message, for notices that stand alone. */
export function textMessage(t: Translate, text: Text): DiscordMessage {
  return { content: fit(t(text)), components: [] };
}
