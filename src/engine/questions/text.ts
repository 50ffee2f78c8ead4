import type { QuestionOf } from '../flow.ts';
import { findLinks } from '../links.ts';
import type { TextValue } from '../session.ts';
import { cleanText, parseNumbers } from '../text.ts';
import { answered, optionChoices, questionText, refusal, type QuestionHandler } from './handler.ts';

/**
 * Free text within the question's length limits; links and line breaks are kept as given. A
 * question may offer fixed answers beside typing (q9 "we met no challenges"), stored as
 * `{ option }`, and may keep the URLs found in the text as a list: `{ text, links }`.
 */
export const text: QuestionHandler<QuestionOf<'text'>> = {
  view: (ctx) => ({
    text: questionText(ctx),
    hint: { key: 'common:text.hint', params: { count: ctx.question.maxLength } },
    choices: optionChoices(ctx.flow, ctx.question, ctx.question.answers),
    accepts: ctx.question.answers.length > 0 ? ['text', 'choose'] : ['text'],
  }),
  apply({ question }, input) {
    const fixed = question.answers;
    if (input.type === 'choose') {
      return fixed.includes(input.option)
        ? answered({ option: input.option } satisfies TextValue)
        : refusal('unknown_choice');
    }
    if (input.type !== 'text') return refusal('not_accepted');
    // The number of a fixed answer, typed as every button question takes it.
    const numbers = fixed.length > 0 ? parseNumbers(input.text) : null;
    if (numbers?.length === 1 && fixed[numbers[0]! - 1])
      return answered({ option: fixed[numbers[0]! - 1]! } satisfies TextValue);
    const cleaned = cleanText(input.text, { min: question.minLength, max: question.maxLength });
    if (!cleaned.ok) return refusal(cleaned.code);
    if (!question.links) return answered(cleaned.text satisfies TextValue);
    return answered({ text: cleaned.text, links: findLinks(cleaned.text) } satisfies TextValue);
  },
};
