import type { Input, RefusalCode } from '../input.ts';
import type { Choice, Text } from '../prompt.ts';
import type { Specified } from '../session.ts';
import { cleanText, parseNumbers } from '../text.ts';
import { questionText, type Context, type View } from './handler.ts';

/** The step of a question that asks to specify an "other" choice. */
export const SPECIFY_STEP = 'other';

/** Free text that specifies an "other" choice. */
export const OTHER_MAX_LENGTH = 300;

/** The button that keeps "other" chosen without saying what it is. */
export const DECLINE_TEXT = 'other_declined';

const declineChoice: Choice = { id: DECLINE_TEXT, label: { key: 'common:other.decline' } };

/**
 * "You chose “Other” for “What type of library…”: please specify." The prompt names the option
 * and the question, since the respondent may come to it much later; back (or /skip) returns to
 * the choice with the picks kept, and a button keeps the choice without the text.
 */
export function specifyView(ctx: Omit<Context, 'step' | 'draft'>, option: Text): View {
  return {
    text: { key: 'common:other.text', params: { option, question: questionText(ctx) } },
    hint: { key: 'common:text.hint', params: { count: OTHER_MAX_LENGTH } },
    choices: [declineChoice],
    accepts: ['text', 'choose'],
  };
}

/** The text given, or the choice to give none ("1" typed picks that button, as on every question). */
export function readSpecified(input: Input): Specified | { refuse: RefusalCode } {
  if (input.type === 'choose')
    return input.option === DECLINE_TEXT ? { otherDeclined: true } : { refuse: 'unknown_choice' };
  if (input.type !== 'text') return { refuse: 'not_accepted' };
  const numbers = parseNumbers(input.text);
  if (numbers?.length === 1 && numbers[0] === 1) return { otherDeclined: true };
  const cleaned = cleanText(input.text, { max: OTHER_MAX_LENGTH });
  return cleaned.ok ? { other: cleaned.text } : { refuse: cleaned.code };
}
