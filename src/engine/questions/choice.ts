import type { QuestionOf } from '../flow.ts';
import type { Input, RefusalCode } from '../input.ts';
import { cleanText } from '../text.ts';
import {
  answered,
  chosenOption,
  filterOptions,
  optionChoices,
  questionKey,
  refusal,
  type Context,
  type QuestionHandler,
} from './handler.ts';

/** The language picker: the platform's language comes pre-selected. */
export const language: QuestionHandler<QuestionOf<'language'>> = {
  view: ({ flow, session }) => ({
    text: { key: 'common:language.text' },
    choices: flow.languages.map((code) => ({
      id: code,
      label: { key: 'common:language.option', params: { code } },
      selected: code === session.locale,
    })),
    accepts: ['choose', 'text'],
  }),
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    if (option === 'not_accepted' || option === 'unknown_choice') {
      // A typed language code such as "ru" is understood too.
      const typed = input.type === 'text' ? input.text.trim().toLowerCase() : '';
      return ctx.flow.languages.includes(typed) ? answered(typed) : refusal(option);
    }
    return answered(option);
  },
};

/** The consent statement: "no" ends the conversation and nothing is stored. */
export const consent: QuestionHandler<QuestionOf<'consent'>> = {
  view: () => ({
    text: { key: 'common:consent.text' },
    choices: [
      { id: 'yes', label: { key: 'common:consent.yes' } },
      { id: 'no', label: { key: 'common:consent.no' } },
    ],
    accepts: ['choose', 'text'],
  }),
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    return option === 'yes' || option === 'no' ? answered(option) : refusal(option as 'unknown_choice');
  },
};

export const yesno: QuestionHandler<QuestionOf<'yesno'>> = {
  view: ({ flow, question }) => ({
    text: { key: questionKey(flow, question, 'text') },
    choices: [
      { id: 'yes', label: { key: 'common:answer.yes' } },
      { id: 'no', label: { key: 'common:answer.no' } },
    ],
    accepts: ['choose', 'text'],
  }),
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    return option === 'yes' || option === 'no' ? answered(option) : refusal(option as 'unknown_choice');
  },
};

/** Free text that specifies an "other" choice. */
export const OTHER_MAX_LENGTH = 300;

export function otherStepView() {
  return {
    text: { key: 'common:other.text' },
    hint: { key: 'common:text.hint', params: { count: OTHER_MAX_LENGTH } },
    choices: [],
    accepts: ['text' as const],
  };
}

export function readOther(input: Input): { text: string } | { refuse: RefusalCode } {
  if (input.type !== 'text') return { refuse: 'not_accepted' };
  const cleaned = cleanText(input.text, { max: OTHER_MAX_LENGTH });
  return cleaned.ok ? { text: cleaned.text } : { refuse: cleaned.code };
}

type SingleBase = Pick<Context<QuestionOf<'single'>>, 'flow' | 'question' | 'session'>;

function singleChoices({ flow, question, session }: SingleBase) {
  const choices = optionChoices(flow, question, filterOptions(question, question.options, session));
  if (question.other) choices.push({ id: 'other', label: { key: 'common:option.other' } });
  return choices;
}

/** Single choice, with an optional "other (specify)" that asks for text next. */
export const single: QuestionHandler<QuestionOf<'single'>> = {
  view(ctx) {
    if (ctx.step === 'other') return otherStepView();
    return {
      text: { key: questionKey(ctx.flow, ctx.question, 'text') },
      choices: singleChoices(ctx),
      accepts: ['choose', 'text'],
    };
  },
  apply(ctx, input) {
    if (ctx.step === 'other') {
      const other = readOther(input);
      return 'refuse' in other ? refusal(other.refuse) : answered({ option: 'other', other: other.text });
    }
    const option = chosenOption(input, singleChoices(ctx));
    if (option === 'not_accepted' || option === 'unknown_choice') return refusal(option);
    if (option === 'other') return { step: 'other', draft: null };
    return answered({ option });
  },
  stillValid(ctx, value) {
    return singleChoices(ctx).some((c) => c.id === (value as { option?: string }).option);
  },
  autoAnswer: (ctx) => (singleChoices(ctx).length === 0 ? 'skip' : null),
};
