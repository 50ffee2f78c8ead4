import type { QuestionOf } from '../../engine/flow.ts';
import { readMulti } from '../answers.ts';
import type { MultiTable } from '../model.ts';
import { BaseTally, KeyCounts } from '../tally.ts';

export function multiKeys(question: QuestionOf<'multi'>): string[] {
  return [...question.options, ...(question.other ? ['other'] : [])];
}

/** Multiple choice: mentions per option (one respondent adds to several rows); "none" apart. */
export class MultiTally extends BaseTally {
  private readonly rows: KeyCounts;
  private readonly exclusive: KeyCounts;
  private mentions = 0;
  private otherDeclined = 0;

  constructor(protected override readonly question: QuestionOf<'multi'>) {
    super(question);
    this.rows = new KeyCounts(multiKeys(question));
    this.exclusive = new KeyCounts(question.exclusive);
  }

  protected answer(value: unknown): boolean {
    const multi = readMulti(value);
    if (!multi) return false;
    for (const option of multi.options) {
      if (this.question.exclusive.includes(option)) this.exclusive.add(option);
      else {
        this.rows.add(option);
        this.mentions++;
      }
    }
    if (multi.otherDeclined) this.otherDeclined++;
    return true;
  }

  table(): MultiTable {
    return {
      kind: 'multi',
      ...this.baseTable(),
      rows: this.rows.rows(),
      exclusive: this.exclusive.rows(),
      mentions: this.mentions,
      otherDeclined: this.otherDeclined,
    };
  }
}
