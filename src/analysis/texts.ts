import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

/** One free-text answer, or the text of an "other" choice, as the report lists it. */
export interface TextEntry {
  /** The response it belongs to. */
  id: string;
  /** The language the respondent answered in. */
  locale: string;
  text: string;
  links?: string[];
  /** Resolved codes, or 'disputed' while coders disagree. */
  codes?: readonly string[] | 'disputed';
  /** The respondent's group in a split report. */
  groups?: string[];
}

/**
 * Every text answer of a report, by list (a question's answers, or its "other" texts). A report
 * over 100,000 responses holds hundreds of thousands of texts, so they go to temporary files while
 * the responses stream and are read back, list by list, when the report is written.
 */
export class TextListing {
  private readonly dir = mkdtempSync(join(tmpdir(), 'survey-texts-'));
  private readonly files = new Map<string, { out: WriteStream; count: number }>();
  private closed: Promise<void> | null = null;
  /** Files whose buffer is full: the caller waits for them (`drained`) before adding more. */
  private full: Promise<unknown>[] = [];

  add(list: string, entry: TextEntry): void {
    let file = this.files.get(list);
    if (!file) this.files.set(list, (file = { out: createWriteStream(this.path(list)), count: 0 }));
    if (!file.out.write(JSON.stringify(entry) + '\n')) this.full.push(once(file.out, 'drain'));
    file.count++;
  }

  /** Null when every file has room; else a promise of room, so texts never pile up in memory. */
  drained(): Promise<void> | null {
    if (this.full.length === 0) return null;
    const waiting = Promise.all(this.full).then(() => {});
    this.full = [];
    return waiting;
  }

  count(list: string): number {
    return this.files.get(list)?.count ?? 0;
  }

  async *read(list: string): AsyncGenerator<TextEntry> {
    await this.finish();
    if (!this.files.has(list)) return;
    const lines = createInterface({ input: createReadStream(this.path(list)), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield JSON.parse(line) as TextEntry;
  }

  /** Removes the temporary files. */
  async dispose(): Promise<void> {
    await this.finish();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private finish(): Promise<void> {
    this.closed ??= Promise.all(
      [...this.files.values()].map(({ out }) => new Promise<void>((resolve) => out.end(resolve))),
    ).then(() => {});
    return this.closed;
  }

  private path(list: string): string {
    return join(this.dir, `${encodeURIComponent(list)}.jsonl`);
  }
}

/** The list of a question's typed answers, and of its "other" texts. */
export const answersList = (question: string) => question;
export const othersList = (question: string) => `${question}.other`;
