import type { Question } from '../../engine/flow.ts';
import { readText, textButtons } from '../answers.ts';
import type { CodeCounts, TextTable } from '../model.ts';
import { BaseTally, KeyCounts, type Seen } from '../tally.ts';

/**
 * Free text: how many typed, how many took an answer button, and once a codebook exists, the
 * answers per code (an answer may have several). The texts themselves are listed apart.
 */
export class TextTally extends BaseTally {
  private texts = 0;
  private withLinks = 0;
  private readonly options: KeyCounts;
  private readonly coding: { coded: number; uncoded: number; disputed: number; codes: KeyCounts } | null;

  constructor(question: Question, codebook: readonly string[] | null) {
    super(question);
    this.options = new KeyCounts(textButtons(question));
    this.coding = codebook ? { coded: 0, uncoded: 0, disputed: 0, codes: new KeyCounts(codebook) } : null;
  }

  protected answer(value: unknown, seen: Seen): boolean {
    const text = readText(value);
    if (!text) return false;
    if ('option' in text) {
      this.options.add(text.option);
      return true;
    }
    this.texts++;
    if (text.links?.length) this.withLinks++;
    if (this.coding) {
      if (seen.codes === 'disputed') this.coding.disputed++;
      else if (!seen.codes) this.coding.uncoded++;
      else {
        this.coding.coded++;
        for (const code of seen.codes) this.coding.codes.add(code);
      }
    }
    return true;
  }

  table(): TextTable {
    const codes: CodeCounts | undefined = this.coding
      ? { ...this.coding, codes: this.coding.codes.rows() }
      : undefined;
    return {
      kind: 'text',
      ...this.baseTable(),
      texts: this.texts,
      options: this.options.rows(),
      withLinks: this.withLinks,
      ...(codes ? { codes } : {}),
    };
  }
}
