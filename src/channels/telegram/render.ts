import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Flow } from '../../engine/flow.ts';
import type { Prompt } from '../../engine/prompt.ts';
import type { Translate } from '../../i18n/translator.ts';
import { questionLines, shorten } from '../summary.ts';
import { questionData, type QuestionAction } from './callback-data.ts';

/** Telegram's limits on one message. */
export const LIMITS = { text: 4096, buttons: 100, perRow: 8, buttonText: 60, callbackAnswer: 200 } as const;

export type QuestionPrompt = Extract<Prompt, { kind: 'question' }>;

/** A message as sent: plain text (no parse mode, so typed answers can never inject markup). */
export interface OutgoingMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  /** The forum topic to post in (the interviewers' forum). */
  message_thread_id?: number;
}

/** Labels longer than this are cut on phone screens, so the message lists the choices in full. */
const LIST_IN_TEXT_FROM = 30;

/**
 * A question as one message: the question's lines, and an inline keyboard with a button per
 * choice (numbered, since typing the number works too), toggles with ✓ and Done for multiple
 * choice, item and N/A buttons with Undo for rankings, then Back and "Prefer not to answer".
 */
export function render(flow: Flow, prompt: QuestionPrompt, t: Translate): OutgoingMessage {
  const bind = (action: QuestionAction) => questionData(prompt.question, prompt.version, action);
  // The amount question reads a typed number as the amount, not as a choice.
  const numbered = !(prompt.type === 'amount' && prompt.step === '');
  const labels = prompt.choices.map((c, i) => `${numbered ? `${i + 1}. ` : ''}${t(c.label)}`);

  const lines = questionLines(flow, prompt, t);
  // The consent statement names the commands that exist here.
  if (prompt.type === 'consent') lines.push('', t({ key: 'telegram:consent.commands' }));
  if (labels.some((l) => [...l].length > LIST_IN_TEXT_FROM)) lines.push('', ...labels);

  const footer: InlineKeyboardButton[] = [];
  if (prompt.canGoBack) footer.push(button(t({ key: 'common:action.back' }), bind({ action: 'back' })));
  if (prompt.declinable)
    footer.push(button(t({ key: 'common:action.decline' }), bind({ action: 'decline' })));
  const closing: InlineKeyboardButton[] = [];
  if (prompt.multiple) closing.push(button(t({ key: 'common:action.done' }), bind({ action: 'done' })));
  if (prompt.accepts.includes('undo'))
    closing.push(button(t({ key: 'common:action.undo' }), bind({ action: 'undo' })));

  const withNa = prompt.type === 'ranking' && prompt.accepts.includes('na');
  const perChoice = withNa ? 2 : 1;
  const room = Math.floor((LIMITS.buttons - footer.length - closing.length) / perChoice);
  const choiceRows: InlineKeyboardButton[][] = [];
  const shown = prompt.choices.slice(0, room).map((choice, i) => {
    const mark = choice.selected ? '✓ ' : '';
    return button(mark + labels[i]!, bind({ action: 'choose', option: choice.id }));
  });
  if (withNa) {
    const na = t({ key: 'common:action.not_applicable' });
    shown.forEach((b, i) =>
      choiceRows.push([b, button(na, bind({ action: 'na', option: prompt.choices[i]!.id }))]),
    );
  } else {
    choiceRows.push(...inRows(shown, perRow(labels)));
  }
  const rows = [...choiceRows, closing, footer].filter((row) => row.length > 0);
  const text = fitText(lines.join('\n'));
  return rows.length > 0 ? { text, reply_markup: { inline_keyboard: rows } } : { text };
}

/** The question's message once answered: the question and the answer, without buttons. */
export function renderAnswered(
  flow: Flow,
  before: QuestionPrompt,
  summary: string,
  t: Translate,
): OutgoingMessage {
  const lines: string[] = [];
  if (before.progress) lines.push(t({ key: 'common:progress', params: { ...before.progress } }));
  lines.push(t(before.text), '', `✅ ${summary}`);
  return { text: fitText(lines.join('\n')) };
}

/** Short labels share a row; long ones get a row each, so they stay readable on a phone. */
function perRow(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => [...l].length));
  if (longest <= 10) return 4;
  if (longest <= 20) return 2;
  return 1;
}

function inRows<T>(items: readonly T[], size: number): T[][] {
  const width = Math.min(size, LIMITS.perRow);
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += width) rows.push(items.slice(i, i + width));
  return rows;
}

export function button(text: string, data: string): InlineKeyboardButton.CallbackButton {
  return { text: shorten(text, LIMITS.buttonText), callback_data: data };
}

/**
 * Cuts a text to Telegram's limit, counted in UTF-16 units as Telegram counts, never splitting
 * a character made of two units.
 */
export function fitText(text: string, max: number = LIMITS.text): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut) + '…';
}

/** A keyboard of command buttons in rows, for confirmations and pickers. */
export function keyboard(rows: { text: string; data: string }[][]): InlineKeyboardMarkup {
  return { inline_keyboard: rows.map((row) => row.map((b) => button(b.text, b.data))) };
}
