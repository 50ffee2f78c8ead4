import { questionAt, type QuestionOf } from '../flow.ts';
import type { Choice } from '../prompt.ts';
import type { MultiValue, RankingValue } from '../session.ts';
import {
  answered,
  chosenOptions,
  filterOptions,
  questionKey,
  refusal,
  type Context,
  type Outcome,
  type QuestionHandler,
} from './handler.ts';

type Ranking = QuestionOf<'ranking'>;
type Base = Pick<Context<Ranking>, 'flow' | 'question' | 'session'>;

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
          ? { key: 'common:option.other_named', params: { text: value.other ?? '' } }
          : { key: questionKey(flow, source, `options.${id}`) },
    }));
}

/** Places the picks; finishes when every item is placed (the last one by itself when N/A is off). */
function place(
  question: Ranking,
  items: Choice[],
  order: string[],
  na: string[],
  history: string[],
): Outcome {
  const left = items.filter((i) => !order.includes(i.id) && !na.includes(i.id));
  if (left.length === 1 && !question.notApplicable) {
    return answered({ order: [...order, left[0]!.id], na } satisfies RankingValue);
  }
  if (left.length === 0) {
    return order.length === 0
      ? refusal('incomplete_ranking')
      : answered({ order, na } satisfies RankingValue);
  }
  return { step: '', draft: { order, na, history } };
}

/**
 * Ranking: tap items from best to worst (with undo and, where allowed, "not applicable"), or
 * type the whole order ("3,1,2"). With N/A allowed, items left out of a typed order are N/A.
 */
export const ranking: QuestionHandler<Ranking> = {
  start: () => ({ step: '', draft: { order: [], na: [], history: [] } }),
  view(ctx) {
    const items = rankingItems(ctx);
    const { order = [], na = [], history = [] } = ctx.draft ?? {};
    const accepts: ReturnType<QuestionHandler['view']>['accepts'] = ['choose', 'order', 'text'];
    if (ctx.question.notApplicable) accepts.push('na');
    if (history.length > 0) accepts.push('undo');
    return {
      text: { key: questionKey(ctx.flow, ctx.question, 'text') },
      hint: {
        key: ctx.question.notApplicable ? 'common:ranking.hint_na' : 'common:ranking.hint',
        params: { position: order.length + 1 },
      },
      choices: items.filter((i) => !order.includes(i.id) && !na.includes(i.id)),
      accepts,
    };
  },
  apply(ctx, input) {
    const items = rankingItems(ctx);
    const { order = [], na = [], history = [] } = ctx.draft ?? {};
    const open = (id: string) => items.some((i) => i.id === id) && !order.includes(id) && !na.includes(id);
    switch (input.type) {
      case 'choose':
        if (!open(input.option)) return refusal('unknown_choice');
        return place(ctx.question, items, [...order, input.option], na, [...history, input.option]);
      case 'na':
        if (!ctx.question.notApplicable) return refusal('not_accepted');
        if (!open(input.item)) return refusal('unknown_choice');
        return place(ctx.question, items, order, [...na, input.item], [...history, input.item]);
      case 'undo': {
        const last = history.at(-1);
        if (last === undefined) return refusal('not_accepted');
        const without = (list: string[]) => list.filter((id) => id !== last);
        return { step: '', draft: { order: without(order), na: without(na), history: history.slice(0, -1) } };
      }
      case 'order':
      case 'text': {
        const picked = chosenOptions(input, items);
        if (typeof picked === 'string') return refusal(picked);
        const typedNa = input.type === 'order' ? (input.na ?? []) : [];
        const rest = items.map((i) => i.id).filter((id) => !picked.includes(id));
        if (ctx.question.notApplicable) {
          if (picked.length === 0) return refusal('incomplete_ranking');
          return answered({ order: picked, na: rest } satisfies RankingValue);
        }
        if (typedNa.length > 0) return refusal('not_accepted');
        if (rest.length > 1) return refusal('incomplete_ranking');
        return answered({ order: [...picked, ...rest], na: [] } satisfies RankingValue);
      }
      default:
        return refusal('not_accepted');
    }
  },
  stillValid(ctx, value) {
    const { order, na } = value as RankingValue;
    const ids = rankingItems(ctx).map((i) => i.id);
    const placed = [...order, ...na];
    return placed.length === ids.length && ids.every((id) => placed.includes(id));
  },
  autoAnswer(ctx) {
    if (ctx.question.items && !ctx.question.choiceFilter) return null;
    const items = rankingItems(ctx);
    if (items.length === 0) return 'skip';
    if (items.length === 1) return { value: { order: [items[0]!.id], na: [] } satisfies RankingValue };
    return null;
  },
};
