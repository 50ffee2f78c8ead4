import { questionAt, type Flow, type QuestionOf } from '../../engine/flow.ts';
import { readRanking } from '../answers.ts';
import type { RankingTable, RankRow } from '../model.ts';
import { BaseTally } from '../tally.ts';

/** The items a ranking can hold: its own, or the options of the question it takes them from. */
export function rankingKeys(flow: Flow, question: QuestionOf<'ranking'>): string[] {
  if (question.items) return [...question.items];
  const source = questionAt(flow, question.itemsFrom!);
  if (source.type !== 'multi') return [];
  return [...source.options, ...(source.other ? ['other'] : [])];
}

interface Item {
  ranks: number[];
  na: number;
  sum: number;
  offered: number;
}

/**
 * Rankings as 2013 printed q14, and more: per item the count at each rank and N/A, the mean rank
 * over those who ranked it with its n, and the number of first places, side by side.
 */
export class RankingTally extends BaseTally {
  private readonly items = new Map<string, Item>();
  private readonly known: Set<string>;
  private otherDeclined = 0;
  private answers = 0;

  constructor(flow: Flow, question: QuestionOf<'ranking'>) {
    super(question);
    const keys = rankingKeys(flow, question);
    this.known = new Set(keys);
    for (const key of keys) this.item(key);
  }

  private item(key: string): Item {
    let item = this.items.get(key);
    if (!item) this.items.set(key, (item = { ranks: [], na: 0, sum: 0, offered: 0 }));
    return item;
  }

  protected answer(value: unknown): boolean {
    const ranking = readRanking(value);
    if (!ranking) return false;
    this.answers++;
    ranking.order.forEach((key, i) => {
      const item = this.item(key);
      item.ranks[i] = (item.ranks[i] ?? 0) + 1;
      item.sum += i + 1;
      item.offered++;
    });
    for (const key of ranking.na) {
      const item = this.item(key);
      item.na++;
      item.offered++;
    }
    if (ranking.otherDeclined) this.otherDeclined++;
    return true;
  }

  table(): RankingTable {
    const positions = Math.max(this.known.size, ...[...this.items.values()].map((i) => i.ranks.length));
    const rows: RankRow[] = [...this.items].map(([key, item]) => {
      const ranks = Array.from({ length: positions }, (_, i) => item.ranks[i] ?? 0);
      const n = ranks.reduce((a, b) => a + b, 0);
      return {
        key,
        ranks,
        na: item.na,
        n,
        mean: n > 0 ? item.sum / n : null,
        first: ranks[0] ?? 0,
        notOffered: this.answers - item.offered,
        ...(this.known.has(key) ? {} : { unknown: true as const }),
      };
    });
    return { kind: 'ranking', ...this.baseTable(), positions, rows, otherDeclined: this.otherDeclined };
  }
}
