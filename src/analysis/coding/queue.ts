import type { Code } from '../../store/coding-store.ts';

/** One answer to code: its response, language and text, and the codes this coder gave it. */
export interface CodingItem {
  responseId: string;
  respondent: string;
  locale: string;
  text: string;
  codes?: string[];
}

/** What the caller must do after a key: save this item's codes, stop, or nothing. */
export type Effect = { save: { item: CodingItem; codes: string[] } } | { quit: true } | null;

/** The keys of codes 1..9, then letters: a page shows them beside each code. */
const CODE_KEYS = [...'123456789abcdefghijklmorstvwxyz'];

/**
 * One coder going through one question's answers, keyboard only: a key per code toggles it,
 * Enter saves and moves on, arrows move without saving, `0` saves "no code applies", Escape
 * clears, `u` jumps to the next answer not coded yet. The same logic serves the terminal (a
 * line of keys) and a dashboard page (key presses).
 */
export class CodingQueue {
  private at = 0;
  private draft: Set<string>;

  constructor(
    readonly items: CodingItem[],
    readonly codebook: readonly Code[],
  ) {
    this.draft = new Set(items[0]?.codes ?? []);
  }

  get position(): number {
    return this.at;
  }

  get current(): CodingItem | undefined {
    return this.items[this.at];
  }

  /** The codes chosen so far for the current answer (not saved yet). */
  get chosen(): string[] {
    return this.codebook.map((c) => c.code).filter((c) => this.draft.has(c));
  }

  get coded(): number {
    return this.items.filter((i) => i.codes !== undefined).length;
  }

  keyOf(code: string): string | undefined {
    const i = this.codebook.findIndex((c) => c.code === code);
    return i >= 0 ? CODE_KEYS[i] : undefined;
  }

  private move(to: number): void {
    this.at = Math.max(0, Math.min(this.items.length, to));
    this.draft = new Set(this.current?.codes ?? []);
  }

  private save(codes: string[]): Effect {
    const item = this.current;
    if (!item) return null;
    item.codes = codes;
    this.move(this.at + 1);
    return { save: { item, codes } };
  }

  /** A key press: `1`..`9` and letters toggle codes; Enter, ArrowLeft, ArrowRight, 0, Escape, u, q. */
  press(key: string): Effect {
    switch (key) {
      case 'Enter':
        return this.save(this.chosen);
      case '0':
        return this.save([]);
      case 'ArrowRight':
        this.move(this.at + 1);
        return null;
      case 'ArrowLeft':
        this.move(this.at - 1);
        return null;
      case 'Escape':
        this.draft.clear();
        return null;
      case 'u': {
        const next = this.items.findIndex((item, i) => i > this.at && item.codes === undefined);
        this.move(next < 0 ? this.items.length : next);
        return null;
      }
      case 'q':
        return { quit: true };
    }
    const index = CODE_KEYS.indexOf(key);
    const code = this.codebook[index]?.code;
    if (code) {
      if (this.draft.has(code)) this.draft.delete(code);
      else this.draft.add(code);
    }
    return null;
  }

  /**
   * A typed line in the terminal: code keys ("13", "1 3", "1,3") then Enter; an empty line moves
   * on without saving; "<" goes back; "0" saves "no code applies"; "u" and "q" as keys.
   */
  line(text: string): Effect {
    const t = text.trim();
    if (t === '') return this.press('ArrowRight');
    if (t === '<') return this.press('ArrowLeft');
    if (t === '0' || t === 'u' || t === 'q') return this.press(t);
    this.draft.clear();
    for (const key of t.replace(/[\s,]+/g, '')) this.press(key);
    return this.press('Enter');
  }
}
