import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APISelectMenuOption,
  type APIStringSelectComponent,
} from 'discord.js';
import type { Flow } from '../../engine/flow.ts';
import type { Prompt, Text } from '../../engine/prompt.ts';
import type { Answer } from '../../engine/session.ts';
import type { Translate } from '../../i18n/translator.ts';
import { questionLines, shorten, summarize } from '../summary.ts';
import { encodeComponentId, type AnswerAction } from './custom-id.ts';

export type QuestionPrompt = Extract<Prompt, { kind: 'question' }>;
export type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** A message as Discord's API takes it: text and action rows of buttons and selects. */
export interface DiscordMessage {
  content: string;
  components: Row[];
}

/** Discord's limits on a message and its components. */
export const LIMITS = {
  content: 2000,
  rows: 5,
  buttonsPerRow: 5,
  selectOptions: 25,
  buttonLabel: 80,
  optionLabel: 100,
  placeholder: 150,
} as const;

/** The most of an answer an answered message quotes. */
const ANSWER_SHOWN_MAX = 500;

/** Buttons read well for a few short answers (yes/no, a language); longer lists get a select. */
const MAX_BUTTON_CHOICES = 5;
const SHORT_LABEL = 40;

export interface RenderContext {
  flow: Flow;
  t: Translate;
  /** The respondent's answers so far: ranked items named "Other: ..." need the typed text. */
  answers?: Readonly<Record<string, Answer>>;
}

/** A question as a DM message: its text, and buttons or selects within Discord's limits. */
export function renderQuestion(ctx: RenderContext, prompt: QuestionPrompt): DiscordMessage {
  const t = ctx.t;
  const lines = questionLines(ctx.flow, prompt, t);
  // The consent statement names the commands that exist here: /survey subcommands, as Discord
  // shows them in the respondent's language.
  if (prompt.type === 'consent') {
    const commands = {
      progress: { key: 'discord:commands.progress_hint' },
      erase: { key: 'discord:commands.delete_hint' },
    };
    lines.push('', t({ key: 'discord:consent.commands', params: commands }));
  }
  const placed = prompt.draft?.order ?? [];
  if (prompt.type === 'ranking' && prompt.step === '' && placed.length > 0) {
    const order = summarize(ctx.flow, prompt.question, rankedSoFar(prompt), t, ctx.answers);
    lines.push(t({ key: 'discord:ranking_so_far', params: { order: escapeMarkdown(order) } }));
  }
  // Each label is translated once: rendering runs on every turn.
  const labels = prompt.choices.map((c) => ctx.t(c.label));
  const { rows, listed } = choiceRows(ctx, prompt, labels);
  if (listed) {
    lines.push('', t({ key: 'discord:choices_heading' }));
    labels.forEach((label, i) => lines.push(`${i + 1}. ${label}`));
  }
  if (prompt.accepts.includes('text') && (rows.length === 0 || listed) && !prompt.hint) {
    lines.push(t({ key: 'discord:type_hint' }));
  }
  const nav = navigationRow(ctx, prompt);
  return { content: fit(lines.join('\n')), components: nav ? [...rows, nav] : rows };
}

/**
 * The message of a question once answered: the question, the answer given, and its components
 * disabled (the chosen buttons highlighted), so older messages cannot be mistaken for live ones.
 */
export function renderAnswered(
  ctx: RenderContext,
  prompt: QuestionPrompt,
  answer: string,
  chosen: readonly string[] = [],
): DiscordMessage {
  const t = ctx.t;
  const lines: string[] = [];
  if (prompt.progress) lines.push(t({ key: 'common:progress', params: { ...prompt.progress } }));
  lines.push(t(prompt.text));
  // Summaries of typed answers are short already; this bounds any answer, escaped, well within a message.
  const bounded = escapeMarkdown(shorten(answer, ANSWER_SHOWN_MAX));
  const shown = answer
    ? fit(t({ key: 'discord:answered', params: { answer: `**${bounded}**` } }), LIMITS.content / 2)
    : '';
  const question = fit(lines.join('\n'), LIMITS.content - shown.length - 1);
  return {
    content: shown ? `${question}\n${shown}` : question,
    components: disable(renderQuestion(ctx, prompt).components, chosen),
  };
}

/** A copy of rows with every component disabled; chosen buttons and options stay visible as chosen. */
export function disable(rows: readonly Row[], chosen: readonly string[] = []): Row[] {
  return rows.map((row) => ({
    ...row,
    components: row.components.map((c) => {
      if (c.type === ComponentType.Button && 'custom_id' in c) {
        const option = c.custom_id.split(':')[4];
        const style = option && chosen.includes(option) ? ButtonStyle.Success : ButtonStyle.Secondary;
        return { ...c, style, disabled: true };
      }
      if (c.type === ComponentType.StringSelect) {
        const options = c.options.map((o) => ({ ...o, default: chosen.includes(o.value) }));
        return { ...c, options, disabled: true };
      }
      return { ...c, disabled: true };
    }),
  }));
}

/** Text within Discord's 2000 characters, counted in UTF-16 units to be safe with emoji. */
export function fit(text: string, max: number = LIMITS.content): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[cut - 1] ?? '')) cut--;
  return text.slice(0, cut) + '…';
}

function rankedSoFar(prompt: QuestionPrompt): Answer {
  return { status: 'answered', value: { order: prompt.draft?.order ?? [], na: prompt.draft?.na ?? [] } };
}

function answerId(prompt: QuestionPrompt, action: AnswerAction, option?: string): string | null {
  return encodeComponentId({
    kind: 'answer',
    question: prompt.question,
    version: prompt.version,
    action,
    ...(option === undefined ? {} : { option }),
  });
}

/** An id that must fit: question ids are checked against the limit when the channel starts. */
function fixedId(prompt: QuestionPrompt, action: AnswerAction): string {
  const id = answerId(prompt, action);
  if (!id) throw new Error(`question id ${prompt.question} is too long for a Discord custom_id`);
  return id;
}

function row(components: APIComponentInMessageActionRow[]): Row {
  return { type: ComponentType.ActionRow, components };
}

function select(
  ctx: RenderContext,
  prompt: QuestionPrompt,
  labels: readonly string[],
  action: AnswerAction,
  placeholder: Text,
  multiple = false,
): APIStringSelectComponent {
  const options: APISelectMenuOption[] = prompt.choices.map((c, i) => ({
    label: shorten(labels[i]!, LIMITS.optionLabel),
    value: c.id,
    ...(c.selected ? { default: true } : {}),
  }));
  return {
    type: ComponentType.StringSelect,
    custom_id: fixedId(prompt, action),
    placeholder: shorten(ctx.t(placeholder), LIMITS.placeholder),
    min_values: 1,
    max_values: multiple ? options.length : 1,
    options,
  };
}

function buttons(prompt: QuestionPrompt, labels: readonly string[]): Row[] | null {
  const made: APIButtonComponentWithCustomId[] = [];
  for (const [i, choice] of prompt.choices.entries()) {
    const id = answerId(prompt, 'choose', choice.id);
    if (!id) return null;
    made.push({
      type: ComponentType.Button,
      style: choice.selected ? ButtonStyle.Success : ButtonStyle.Primary,
      label: shorten(labels[i]!, LIMITS.buttonLabel),
      custom_id: id,
    });
  }
  const rows: Row[] = [];
  for (let i = 0; i < made.length; i += LIMITS.buttonsPerRow)
    rows.push(row(made.slice(i, i + LIMITS.buttonsPerRow)));
  return rows;
}

const isShort = (labels: readonly string[]) =>
  labels.length <= MAX_BUTTON_CHOICES && labels.every((label) => [...label].length <= SHORT_LABEL);

/**
 * The rows that answer a question. `listed` is set when the choices are also written out in the
 * text: more than a select can hold (the respondent types their numbers), or labels cut short.
 */
function choiceRows(
  ctx: RenderContext,
  prompt: QuestionPrompt,
  labels: readonly string[],
): { rows: Row[]; listed: boolean } {
  if (labels.length === 0) return { rows: [], listed: false };
  if (labels.length > LIMITS.selectOptions) return { rows: [], listed: true };
  const truncated = labels.some((label) => [...label].length > LIMITS.optionLabel);
  // Later steps of a ranking (the items left out, "please specify") are plain choices.
  if (prompt.type === 'ranking' && prompt.step === '') {
    const position = (prompt.draft?.order?.length ?? 0) + 1;
    const rows = [
      row([select(ctx, prompt, labels, 'rank', { key: 'discord:select.rank', params: { position } })]),
    ];
    if (prompt.accepts.includes('na'))
      rows.push(row([select(ctx, prompt, labels, 'na', { key: 'discord:select.na' })]));
    return { rows, listed: truncated };
  }
  if (prompt.multiple) {
    return {
      rows: [row([select(ctx, prompt, labels, 'multi', { key: 'discord:select.multi' }, true)])],
      listed: truncated,
    };
  }
  const asButtons = isShort(labels) ? buttons(prompt, labels) : null;
  if (asButtons) return { rows: asButtons, listed: false };
  return {
    rows: [row([select(ctx, prompt, labels, 'select', { key: 'discord:select.single' })])],
    listed: truncated,
  };
}

function navigationRow(ctx: RenderContext, prompt: QuestionPrompt): Row | null {
  const nav: APIButtonComponentWithCustomId[] = [];
  const add = (action: AnswerAction, key: string) =>
    nav.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: shorten(ctx.t({ key }), LIMITS.buttonLabel),
      custom_id: fixedId(prompt, action),
    });
  if (prompt.accepts.includes('undo')) add('undo', 'common:action.undo');
  if (prompt.canGoBack) add('back', 'common:action.back');
  if (prompt.declinable) add('decline', 'common:action.decline');
  return nav.length > 0 ? row(nav) : null;
}

/** One row of plain buttons (at most five), each handing back its id when pressed. */
export function buttonRow(items: readonly { label: string; id: string }[]): Row {
  return row(
    items.slice(0, LIMITS.buttonsPerRow).map((b) => ({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: shorten(b.label, LIMITS.buttonLabel),
      custom_id: b.id,
    })),
  );
}
