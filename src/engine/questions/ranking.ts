import { questionAt, type QuestionOf } from '../flow.ts';
import type { Choice, Text } from '../prompt.ts';
import type { Draft, MultiValue, RankingValue } from '../session.ts';
import {
  answered,
  chosenOption,
  chosenOptions,
  filterOptions,
  questionKey,
  questionText,
  refusal,
  type Context,
  type Outcome,
  type QuestionHandler,
  type View,
} from './handler.ts';
import { readSpecified, SPECIFY_STEP, specifyView } from './specify.ts';

type Ranking = QuestionOf<'ranking'>;
type Base = Pick<Context<Ranking>, 'flow' | 'question' | 'session'>;

/** The step that asks what the items left out of a typed order are: not applicable, or unranked. */
const REST_STEP = 'rest';

/** The items to rank: fixed in the flow, or the options chosen in an earlier question. */
export function rankingItems({ flow, question, session }: Base): Choice[] {
  if (question.items) {
    return filterOptions(question, question.items, session).map((id) => ({
      id,
      label: { key: questionKey(flow, question, `options.${id}`) },
    }));
  }
  const source = questionAt(flow, question.itemsFrom!);
  const answer = session.answers[source.id];
  if (answer?.status !== 'answered') return [];
  const value = answer.value as MultiValue;
  const exclusive = source.type === 'multi' ? source.exclusive : [];
  return value.options
    .filter((id) => !exclusive.includes(id))
    .map((id) => ({
      id,
      label:
        id === 'other'
          ? value.other
            ? {
                key: 'common:option.named',
                params: { label: { key: 'common:option.other_short' }, text: value.other },
              }
            : { key: 'common:option.other_short' }
          : { key: questionKey(flow, source, `options.${id}`) },
    }));
}

interface Placed {
  order: string[];
  na: string[];
  history: string[];
}

const placedOf = (draft: Draft | null): Placed => ({
  order: draft?.order ?? [],
  na: draft?.na ?? [],
  history: draft?.history ?? [],
});

const openItems = (items: Choice[], { order, na }: Placed) =>
  items.filter((i) => !order.includes(i.id) && !na.includes(i.id));

/** The ranking is complete: on to "please specify" when a ranked item asks for it, else answered. */
function finish(question: Ranking, placed: Placed): Outcome {
  if (placed.order.length === 0) return refusal('incomplete_ranking');
  if (question.specify.some((id) => placed.order.includes(id))) return { step: SPECIFY_STEP, draft: placed };
  return answered({ order: placed.order, na: placed.na } satisfies RankingValue);
}

/** After each pick: done when nothing is left (the last item places itself when N/A is off). */
function place(question: Ranking, items: Choice[], placed: Placed): Outcome {
  const left = openItems(items, placed);
  if (left.length === 1 && !question.notApplicable) {
    return finish(question, { ...placed, order: [...placed.order, left[0]!.id] });
  }
  if (left.length === 0) return finish(question, placed);
  return { step: '', draft: placed };
}

const restChoices: Choice[] = [
  { id: 'not_applicable', label: { key: 'common:ranking.rest_na' } },
  { id: 'rank', label: { key: 'common:ranking.rest_rank' } },
  { id: 'unranked', label: { key: 'common:ranking.rest_unranked' } },
];

/**
 * Ranking: tap items from best to worst (with undo and, where allowed, "not applicable" for each
 * item), or type the order ("3,1,2", by the numbers shown). Items left out of a typed order are
 * never assumed not applicable: the respondent is asked whether they are, or should stay
 * unranked, or will be ranked too, so "not applicable" and "not ranked" stay apart in the data.
 * A ranked item that asks for it ("others") is then specified.
 */
export const ranking: QuestionHandler<Ranking> = {
  start: () => ({ step: '', draft: { order: [], na: [], history: [] } }),
  view(ctx) {
    const items = rankingItems(ctx);
    const placed = placedOf(ctx.draft);
    if (ctx.step === SPECIFY_STEP) {
      const item = ctx.question.specify.find((id) => placed.order.includes(id));
      const label = items.find((i) => i.id === item)?.label ?? { key: 'common:option.other_short' };
      return specifyView(ctx, label);
    }
    if (ctx.step === REST_STEP) {
      const left: Text[] = openItems(items, placed).map((i) => i.label);
      return {
        text: { key: 'common:ranking.rest', params: { items: left } },
        choices: restChoices,
        accepts: ['choose', 'text'],
      };
    }
    const accepts: View['accepts'] = ['choose', 'order', 'text'];
    if (ctx.question.notApplicable) accepts.push('na');
    if (placed.history.length > 0) accepts.push('undo');
    return {
      text: questionText(ctx),
      hint: {
        key: ctx.question.notApplicable ? 'common:ranking.hint_na' : 'common:ranking.hint',
        params: { position: placed.order.length + 1 },
      },
      choices: openItems(items, placed),
      accepts,
    };
  },
  apply(ctx, input) {
    const items = rankingItems(ctx);
    const placed = placedOf(ctx.draft);
    const { order, na, history } = placed;
    if (ctx.step === SPECIFY_STEP) {
      const specified = readSpecified(input);
      if ('refuse' in specified) return refusal(specified.refuse);
      return answered({ order, na, ...specified } satisfies RankingValue);
    }
    if (ctx.step === REST_STEP) {
      const left = openItems(items, placed).map((i) => i.id);
      switch (chosenOption(input, restChoices)) {
        case 'not_applicable':
          return finish(ctx.question, { ...placed, na: [...na, ...left], history: [...history, ...left] });
        case 'unranked':
          return finish(ctx.question, placed);
        case 'rank':
          return { step: '', draft: placed };
        default:
          return refusal('unknown_choice');
      }
    }
    const open = openItems(items, placed);
    const isOpen = (id: string) => open.some((i) => i.id === id);
    switch (input.type) {
      case 'choose':
        if (!isOpen(input.option)) return refusal('unknown_choice');
        return place(ctx.question, items, {
          order: [...order, input.option],
          na,
          history: [...history, input.option],
        });
      case 'na':
        if (!ctx.question.notApplicable) return refusal('not_accepted');
        if (!isOpen(input.item)) return refusal('unknown_choice');
        return place(ctx.question, items, {
          order,
          na: [...na, input.item],
          history: [...history, input.item],
        });
      case 'undo': {
        const last = history.at(-1);
        if (last === undefined) return refusal('not_accepted');
        const without = (list: string[]) => list.filter((id) => id !== last);
        return { step: '', draft: { order: without(order), na: without(na), history: history.slice(0, -1) } };
      }
      case 'order':
      case 'text': {
        // Typed numbers name the items as shown now: those not placed yet.
        const picked = chosenOptions(input, open);
        if (typeof picked === 'string') return refusal(picked);
        const typedNa = input.type === 'order' ? (input.na ?? []) : [];
        if (typedNa.length > 0 && !ctx.question.notApplicable) return refusal('not_accepted');
        if (typedNa.some((id) => !isOpen(id) || picked.includes(id))) return refusal('unknown_choice');
        const next: Placed = {
          order: [...order, ...picked],
          na: [...na, ...typedNa],
          history: [...history, ...picked, ...typedNa],
        };
        const rest = openItems(items, next);
        if (rest.length === 0) return finish(ctx.question, next);
        if (!ctx.question.notApplicable) {
          if (rest.length > 1) return refusal('incomplete_ranking');
          return finish(ctx.question, { ...next, order: [...next.order, rest[0]!.id] });
        }
        return { step: REST_STEP, draft: next };
      }
      default:
        return refusal('not_accepted');
    }
  },
  /** Back from "please specify" reopens the item that asked for it; back from the rest keeps the picks. */
  leave(ctx) {
    const placed = placedOf(ctx.draft);
    if (ctx.step !== SPECIFY_STEP) return { step: '', draft: placed };
    const reopened = (list: string[]) => list.filter((id) => !ctx.question.specify.includes(id));
    return {
      step: '',
      draft: { order: reopened(placed.order), na: placed.na, history: reopened(placed.history) },
    };
  },
  stillValid(ctx, value) {
    const { order, na } = value as RankingValue;
    const ids = rankingItems(ctx).map((i) => i.id);
    const placed = [...order, ...na];
    const known = placed.every((id) => ids.includes(id)) && new Set(placed).size === placed.length;
    // Where N/A is allowed, items may also have been left unranked on purpose.
    return known && (ctx.question.notApplicable || placed.length === ids.length);
  },
  autoAnswer(ctx) {
    if (ctx.question.items && !ctx.question.choiceFilter) return null;
    const items = rankingItems(ctx);
    if (items.length === 0) return 'skip';
    if (items.length === 1) return { value: { order: [items[0]!.id], na: [] } satisfies RankingValue };
    return null;
  },
};
