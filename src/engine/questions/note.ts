import type { QuestionOf } from '../flow.ts';
import { answered, chosenOption, questionKey, refusal, type QuestionHandler } from './handler.ts';

/** What a note stores: the respondent moved on from it (a note asks nothing). */
export const NOTE_SEEN = 'seen';

/** A text to read, with one button to go on. */
export const note: QuestionHandler<QuestionOf<'note'>> = {
  view: ({ flow, question }) => ({
    text: { key: questionKey(flow, question, 'text') },
    choices: [{ id: 'continue', label: { key: 'common:note.continue' } }],
    accepts: ['choose', 'text'],
  }),
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    return option === 'continue' ? answered(NOTE_SEEN) : refusal(option as 'unknown_choice');
  },
};

/** XLSForm's acknowledge: one "OK", stored as "OK" as ODK stores it. */
export const acknowledge: QuestionHandler<QuestionOf<'acknowledge'>> = {
  view: ({ flow, question }) => ({
    text: { key: questionKey(flow, question, 'text') },
    choices: [{ id: 'OK', label: { key: 'common:acknowledge.ok' } }],
    accepts: ['choose', 'text'],
  }),
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    return option === 'OK' ? answered('OK') : refusal(option as 'unknown_choice');
  },
};
