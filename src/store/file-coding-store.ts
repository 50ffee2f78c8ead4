import { join } from 'node:path';
import {
  codebookId,
  codingId,
  codingMatches,
  codingOrder,
  type Codebook,
  type Coding,
  type CodingFilter,
  type CodingStore,
} from './coding-store.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

type Row<T> = T & { id: string };

/** Codebooks and codings in `<dataDir>/codebooks.jsonl` and `codings.jsonl`: the embedded default. */
export class FileCodingStore implements CodingStore {
  private readonly books: JsonlFile<Row<Codebook>>;
  private readonly codings: JsonlFile<Row<Coding>>;

  constructor(dataDir: string) {
    this.books = new JsonlFile(join(dataDir, 'codebooks.jsonl'), (raw) => reviveDates(raw, ['updatedAt']));
    this.codings = new JsonlFile(join(dataDir, 'codings.jsonl'), (raw) => reviveDates(raw, ['at']));
  }

  async saveCodebook(book: Codebook): Promise<void> {
    await this.books.put({ ...structuredClone(book), id: codebookId(book.flowId, book.question) });
  }

  async getCodebook(flowId: string, question: string): Promise<Codebook | null> {
    const row = this.books.get(codebookId(flowId, question));
    return row ? strip(row) : null;
  }

  async listCodebooks(flowId: string): Promise<Codebook[]> {
    return this.books
      .values()
      .filter((b) => b.flowId === flowId)
      .sort((a, b) => a.question.localeCompare(b.question))
      .map(strip);
  }

  async saveCoding(coding: Coding): Promise<void> {
    await this.codings.put({ ...structuredClone(coding), id: codingId(coding) });
  }

  async deleteCoding(key: Pick<Coding, 'flowId' | 'question' | 'responseId' | 'coder'>): Promise<boolean> {
    const id = codingId(key);
    if (!this.codings.get(id)) return false;
    await this.codings.delete([id]);
    return true;
  }

  async *scanCodings(filter: CodingFilter): AsyncIterable<Coding> {
    const rows = this.codings
      .values()
      .filter((c) => codingMatches(c, filter))
      .sort(codingOrder);
    for (const row of rows) yield strip(row);
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = this.codings.values().filter((c) => c.respondent === respondent);
    await this.codings.delete(mine.map((c) => c.id));
    return mine.length;
  }

  async close(): Promise<void> {
    await Promise.all([this.books.close(), this.codings.close()]);
  }
}

function strip<T>(row: Row<T>): T {
  const { id: _id, ...rest } = structuredClone(row);
  return rest as T;
}
