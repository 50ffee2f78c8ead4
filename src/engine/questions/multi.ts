import type { QuestionOf } from '../flow.ts';
import type { MultiValue } from '../session.ts';
import {
  answered,
  chosenOptions,
  filterOptions,
  optionChoices,
  questionText,
  refusal,
  type Context,
  type Outcome,
  type QuestionHandler,
} from './handler.ts';
import { readSpecified, SPECIFY_STEP, specifyView } from './specify.ts';

type Multi = QuestionOf<'multi'>;

function allChoices({ flow, question, session }: Pick<Context<Multi>, 'flow' | 'question' | 'session'>) {
  const choices = optionChoices(flow, question, filterOptions(question, question.options, session));
  if (question.other) choices.push({ id: 'other', label: { key: 'common:option.other' } });
  choices.push(...optionChoices(flow, question, question.exclusive));
  return choices;
}

/** Toggling an exclusive option ("none") clears the rest, and toggling another clears it. */
function toggle(question: Multi, selected: readonly string[], option: string): string[] {
  if (selected.includes(option)) return selected.filter((o) => o !== option);
  if (question.exclusive.includes(option)) return [option];
  return [...selected.filter((o) => !question.exclusive.includes(o)), option];
}

/** A complete selection: answered, or on to the "other" text when "other" is in it. */
function submit(question: Multi, selected: string[]): Outcome {
  if (selected.length === 0) return refusal('nothing_selected');
  if (selected.length > 1 && selected.some((o) => question.exclusive.includes(o)))
    return refusal('exclusive');
  if (selected.includes('other')) return { step: SPECIFY_STEP, draft: { selected } };
  return answered({ options: selected } satisfies MultiValue);
}

/**
 * Multiple choice: toggles with Done, or every choice at once ("1,3,5"). Back from the "other,
 * please specify" step shows the choices again with every pick kept.
 */
export const multi: QuestionHandler<Multi> = {
  start: ({ session, question }) => {
    const previous = session.answers[question.id];
    const value = previous?.status === 'answered' ? (previous.value as MultiValue) : undefined;
    return { step: '', draft: { selected: value?.options ?? [] } };
  },
  view(ctx) {
    if (ctx.step === SPECIFY_STEP) return specifyView(ctx, { key: 'common:option.other_short' });
    const selected = ctx.draft?.selected ?? [];
    return {
      text: questionText(ctx),
      hint: { key: 'common:multi.hint' },
      choices: allChoices(ctx).map((c) => ({ ...c, selected: selected.includes(c.id) })),
      accepts: ['choose', 'choices', 'done', 'text'],
      multiple: true,
    };
  },
  apply(ctx, input) {
    const selected = ctx.draft?.selected ?? [];
    if (ctx.step === SPECIFY_STEP) {
      const specified = readSpecified(input);
      if ('refuse' in specified) return refusal(specified.refuse);
      return answered({ options: selected, ...specified } satisfies MultiValue);
    }
    if (input.type === 'done') return submit(ctx.question, selected);
    const choices = allChoices(ctx);
    if (input.type === 'choose') {
      if (!choices.some((c) => c.id === input.option)) return refusal('unknown_choice');
      return { step: '', draft: { selected: toggle(ctx.question, selected, input.option) } };
    }
    const options = chosenOptions(input, choices);
    return typeof options === 'string' ? refusal(options) : submit(ctx.question, options);
  },
  stillValid(ctx, value) {
    const ids = allChoices(ctx).map((c) => c.id);
    return (value as MultiValue).options.every((o) => ids.includes(o));
  },
  autoAnswer: (ctx) => (allChoices(ctx).length === 0 ? 'skip' : null),
  leave: ({ draft }) => ({ step: '', draft }),
};
