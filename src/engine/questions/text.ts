import type { QuestionOf } from '../flow.ts';
import { cleanText } from '../text.ts';
import { answered, questionKey, refusal, type QuestionHandler } from './handler.ts';

/** Free text within the question's length limits; links and line breaks are kept as given. */
export const text: QuestionHandler<QuestionOf<'text'>> = {
  view: ({ flow, question }) => ({
    text: { key: questionKey(flow, question, 'text') },
    hint: { key: 'common:text.hint', params: { count: question.maxLength } },
    choices: [],
    accepts: ['text'],
  }),
  apply({ question }, input) {
    if (input.type !== 'text') return refusal('not_accepted');
    const cleaned = cleanText(input.text, { min: question.minLength, max: question.maxLength });
    return cleaned.ok ? answered(cleaned.text) : refusal(cleaned.code);
  },
};
