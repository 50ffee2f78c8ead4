import type { Question } from '../../engine/flow.ts';
import { readSingle, readYesNo } from '../answers.ts';
import type { ChoiceTable } from '../model.ts';
import { BaseTally, KeyCounts } from '../tally.ts';

/** The options of a one-answer question, in the flow's order ("other" last). */
export function choiceKeys(question: Question): string[] {
  if (question.type === 'single') return [...question.options, ...(question.other ? ['other'] : [])];
  return ['yes', 'no'];
}

/** yes/no, single choice and the contact question's consent: one row per option. */
export class ChoiceTally extends BaseTally {
  private readonly rows: KeyCounts;
  private otherDeclined = 0;

  constructor(question: Question) {
    super(question);
    this.rows = new KeyCounts(choiceKeys(question));
  }

  protected answer(value: unknown): boolean {
    const choice = this.question.type === 'single' ? readSingle(value) : readYesNo(value);
    if (!choice) return false;
    this.rows.add(choice.option);
    if (choice.otherDeclined) this.otherDeclined++;
    return true;
  }

  table(): ChoiceTable {
    return { kind: 'choice', ...this.baseTable(), rows: this.rows.rows(), otherDeclined: this.otherDeclined };
  }
}
