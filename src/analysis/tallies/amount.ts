import type { Question } from '../../engine/flow.ts';
import { readAmount } from '../answers.ts';
import type { AmountTable } from '../model.ts';
import { spread } from '../stats.ts';
import { BaseTally, KeyCounts, Numbers } from '../tally.ts';

/** The answers an amount question offers instead of a figure. */
export const AMOUNT_FLAGS = ['dontKnow', 'noBudgetLine'];

/** Amounts by currency (never converted): n, median, quartiles and range; the flags counted apart. */
export class AmountTally extends BaseTally {
  private readonly byCurrency = new Map<string, Numbers>();
  private readonly flags = new KeyCounts(AMOUNT_FLAGS);

  constructor(question: Question) {
    super(question);
  }

  protected answer(value: unknown): boolean {
    const amount = readAmount(value);
    if (!amount) return false;
    if ('amount' in amount) {
      let values = this.byCurrency.get(amount.currency);
      if (!values) this.byCurrency.set(amount.currency, (values = new Numbers()));
      values.push(amount.amount);
    } else this.flags.add(amount.kind);
    return true;
  }

  table(): AmountTable {
    const currencies = [...this.byCurrency]
      .map(([currency, values]) => ({ currency, ...spread(values.values())! }))
      .sort((a, b) => b.n - a.n || a.currency.localeCompare(b.currency));
    return { kind: 'amount', ...this.baseTable(), currencies, flags: this.flags.rows() };
  }
}
