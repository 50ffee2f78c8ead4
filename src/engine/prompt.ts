import type { QuestionType } from './flow.ts';
import type { InputType, RefusalCode } from './input.ts';
import type { Answer, Draft } from './session.ts';

/**
 * A translatable text: an i18next key (namespace:key) and its interpolation values. A value may
 * itself be a text (an option's label inside a sentence) or a list of texts (joined as the
 * language joins a list), translated in the same language first.
 */
export interface Text {
  key: string;
  params?: Record<string, TextParam>;
}
export type TextParam = string | number | Text | Text[];

export interface Choice {
  id: string;
  label: Text;
  /** Pre-selected (language from the platform) or toggled on (multiple choice). */
  selected?: boolean;
}

/** What the respondent should see next; channels render it, the engine never formats text. */
export type Prompt =
  | {
      kind: 'question';
      question: string;
      type: QuestionType;
      step: string;
      text: Text;
      /** An extra line under the question, such as the format a typed answer needs. */
      hint?: Text;
      /** The heading of the group the question is in, shown above it. */
      heading?: Text;
      /** The question's own help text (an XLSForm hint), shown under it. */
      help?: Text;
      choices: Choice[];
      accepts: InputType[];
      /** Several choices can be picked (toggles with a Done button). */
      multiple: boolean;
      declinable: boolean;
      canGoBack: boolean;
      /** Position among the questions that apply to this respondent; null for the set-up steps. */
      progress: { position: number; total: number } | null;
      /** The session version this prompt was made for; buttons carry it. */
      version: number;
      /** The answer given before, when the respondent came back to this question. */
      previous?: Answer;
      draft: Draft | null;
      locale: string;
    }
  | { kind: 'completed'; version: number; locale: string }
  | { kind: 'withdrawn'; version: number; locale: string };

export type EngineEvent =
  | { type: 'answered'; question: string; answer: Answer }
  | { type: 'declined'; question: string }
  | { type: 'skipped'; question: string }
  | { type: 'back'; question: string }
  | { type: 'language'; locale: string }
  | { type: 'completed' }
  | { type: 'withdrawn' };

export interface Refusal {
  code: RefusalCode;
  text: Text;
}
