import type { QuestionOf } from '../flow.ts';
import type { Choice } from '../prompt.ts';
import type { SingleValue } from '../session.ts';
import {
  answered,
  chosenOption,
  filterOptions,
  optionChoices,
  questionText,
  refusal,
  type Context,
  type QuestionHandler,
} from './handler.ts';
import { readSpecified, SPECIFY_STEP, specifyView } from './specify.ts';

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

/**
 * The consent statement, naming what the flow sets: who runs the survey (in the respondent's
 * language where the flow gives one per language), whom to ask, and how long data are kept.
 * "No" ends the conversation and nothing is stored.
 */
export const consent: QuestionHandler<QuestionOf<'consent'>> = {
  view: ({ flow, session }) => {
    const settings = flow.consent!;
    const operator =
      typeof settings.operator === 'string'
        ? settings.operator
        : (settings.operator[session.locale] ?? settings.operator[flow.languages[0]!] ?? '');
    return {
      text: {
        key: 'common:consent.text',
        params: {
          operator,
          contact: settings.contact,
          retention: { key: 'common:consent.months', params: { count: settings.retentionMonths } },
        },
      },
      choices: [
        { id: 'yes', label: { key: 'common:consent.yes' } },
        { id: 'no', label: { key: 'common:consent.no' } },
      ],
      accepts: ['choose', 'text'],
    };
  },
  apply(ctx, input) {
    const option = chosenOption(input, this.view(ctx).choices);
    return option === 'yes' || option === 'no' ? answered(option) : refusal(option as 'unknown_choice');
  },
};

export const yesno: QuestionHandler<QuestionOf<'yesno'>> = {
  view: (ctx) => ({
    text: questionText(ctx),
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

type SingleBase = Pick<Context<QuestionOf<'single'>>, 'flow' | 'question' | 'session'>;

function singleChoices({ flow, question, session }: SingleBase, selected: readonly string[] = []): Choice[] {
  const choices = optionChoices(flow, question, filterOptions(question, question.options, session));
  if (question.other) choices.push({ id: 'other', label: { key: 'common:option.other' } });
  return choices.map((c) => (selected.includes(c.id) ? { ...c, selected: true } : c));
}

/**
 * Single choice, with an optional "other (specify)" that asks for text next. Back from that
 * step shows the choices again with "other" still marked.
 */
export const single: QuestionHandler<QuestionOf<'single'>> = {
  view(ctx) {
    if (ctx.step === SPECIFY_STEP) return specifyView(ctx, { key: 'common:option.other_short' });
    return {
      text: questionText(ctx),
      choices: singleChoices(ctx, ctx.draft?.selected),
      accepts: ['choose', 'text'],
    };
  },
  apply(ctx, input) {
    if (ctx.step === SPECIFY_STEP) {
      const specified = readSpecified(input);
      if ('refuse' in specified) return refusal(specified.refuse);
      return answered({ option: 'other', ...specified } satisfies SingleValue);
    }
    const option = chosenOption(input, singleChoices(ctx));
    if (option === 'not_accepted' || option === 'unknown_choice') return refusal(option);
    if (option === 'other') return { step: SPECIFY_STEP, draft: { selected: ['other'] } };
    return answered({ option } satisfies SingleValue);
  },
  stillValid(ctx, value) {
    return singleChoices(ctx).some((c) => c.id === (value as { option?: string }).option);
  },
  autoAnswer: (ctx) => (singleChoices(ctx).length === 0 ? 'skip' : null),
  leave: ({ draft }) => ({ step: '', draft }),
};
