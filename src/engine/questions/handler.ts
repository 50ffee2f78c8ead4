import { evaluate } from '../condition.ts';
import type { Flow, Question, QuestionOf, QuestionType } from '../flow.ts';
import type { Input, InputType, RefusalCode } from '../input.ts';
import type { Choice, Text, TextParam } from '../prompt.ts';
import type { Draft, Session } from '../session.ts';
import { parseNumbers } from '../text.ts';

export interface Context<Q extends Question = Question> {
  flow: Flow;
  session: Session;
  question: Q;
  step: string;
  draft: Draft | null;
}

/** What applying an input to the current question gives; a refusal may carry values for its message. */
export type Outcome =
  | { refuse: RefusalCode; params?: Record<string, TextParam> }
  | { draft: Draft | null; step: string }
  | { value: unknown };

/** What a question shows at a step: its text, choices and the inputs it takes. */
export interface View {
  text: Text;
  hint?: Text;
  choices: Choice[];
  accepts: InputType[];
  multiple?: boolean;
}

/** How one question type asks, reads input and checks a kept answer. */
export interface QuestionHandler<Q extends Question = Question> {
  /** The prompt for a step: its text, choices and the inputs it takes. */
  view(ctx: Context<Q>): View;
  apply(ctx: Context<Q>, input: Input): Outcome;
  /** The step and draft a question starts with. */
  start?(ctx: Omit<Context<Q>, 'step' | 'draft'>): { step: string; draft: Draft | null };
  /**
   * Where "back" from a later step of this question goes, keeping what was picked (the choices
   * before an "other, please specify" step). Without it, the question starts again.
   */
  leave?(ctx: Context<Q>): { step: string; draft: Draft | null };
  /** Whether an answer kept from an earlier visit still fits (ranking items can change). */
  stillValid?(ctx: Omit<Context<Q>, 'step' | 'draft'>, value: unknown): boolean;
  /** An answer the engine can give itself, or 'skip' when the question has nothing to ask. */
  autoAnswer?(ctx: Omit<Context<Q>, 'step' | 'draft'>): { value: unknown } | 'skip' | null;
}

export type HandlerMap = { [T in QuestionType]: QuestionHandler<QuestionOf<T>> };

/** The text key of a question's own texts, in the flow's namespace. */
export function questionKey(flow: Flow, question: Question, suffix: string): string {
  return `${flow.ns}:${question.id}.${suffix}`;
}

/** The question as worded for this respondent: the first wording whose condition holds, else its text. */
export function questionText({ flow, question, session }: Omit<Context, 'step' | 'draft'>): Text {
  const wording = question.wording.find((w) => evaluate(w.when, session.answers));
  return { key: questionKey(flow, question, wording?.text ?? 'text') };
}

export function optionChoices(flow: Flow, question: Question, options: readonly string[]): Choice[] {
  return options.map((id) => ({ id, label: { key: questionKey(flow, question, `options.${id}`) } }));
}

type Filtered = QuestionOf<'single' | 'multi' | 'ranking'>;

/** The options a choice filter leaves, read with each option's columns and the answers so far. */
export function filterOptions(question: Filtered, options: readonly string[], session: Session): string[] {
  const filter = question.choiceFilter;
  if (!filter) return [...options];
  return options.filter((name) =>
    evaluate(filter, session.answers, { ...question.optionData?.[name], name }),
  );
}

/** A typed choice number ("2") or the chosen option of a button, as an option id. */
export function chosenOption(input: Input, choices: readonly Choice[]): string | RefusalCode {
  if (input.type === 'choose') {
    return choices.some((c) => c.id === input.option) ? input.option : 'unknown_choice';
  }
  if (input.type === 'text') {
    const numbers = parseNumbers(input.text);
    if (numbers?.length !== 1) return 'unknown_choice';
    return choices[numbers[0]! - 1]?.id ?? 'unknown_choice';
  }
  return 'not_accepted';
}

/** Several typed choice numbers ("1,3,5") or a list of option ids, as distinct option ids. */
export function chosenOptions(input: Input, choices: readonly Choice[]): string[] | RefusalCode {
  let ids: string[];
  if (input.type === 'choices') ids = input.options;
  else if (input.type === 'order') ids = input.order;
  else if (input.type === 'text') {
    const numbers = parseNumbers(input.text);
    if (!numbers) return 'unknown_choice';
    const mapped = numbers.map((n) => choices[n - 1]?.id);
    if (mapped.some((id) => id === undefined)) return 'unknown_choice';
    ids = mapped as string[];
  } else return 'not_accepted';
  if (ids.some((id) => !choices.some((c) => c.id === id))) return 'unknown_choice';
  if (new Set(ids).size !== ids.length) return 'duplicate_choice';
  return ids;
}

export const refusal = (code: RefusalCode, params?: Record<string, TextParam>): Outcome =>
  params ? { refuse: code, params } : { refuse: code };
export const answered = (value: unknown): Outcome => ({ value });
