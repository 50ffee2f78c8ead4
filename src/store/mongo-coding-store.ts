import type { Connection } from 'mongoose';
import {
  codebookId,
  codingId,
  type Codebook,
  type Coding,
  type CodingFilter,
  type CodingStore,
} from './coding-store.ts';
import { fromDoc, isDuplicateKey, modelsOf, type CodingDoc, type Models } from './mongo-models.ts';

/** Codebooks and codings in MongoDB (`codebooks`, `codings`), keyed so a repeated save replaces. */
export class MongoCodingStore implements CodingStore {
  private readonly models: Models;

  constructor(connection: Connection) {
    this.models = modelsOf(connection);
  }

  async saveCodebook(book: Codebook): Promise<void> {
    const _id = codebookId(book.flowId, book.question);
    await upsert(() => this.models.codebooks.replaceOne({ _id }, { _id, ...book }, { upsert: true }));
  }

  async getCodebook(flowId: string, question: string): Promise<Codebook | null> {
    if (typeof flowId !== 'string' || typeof question !== 'string') return null;
    const doc = await this.models.codebooks.findById(codebookId(flowId, question)).lean();
    return doc ? fromDoc<Codebook>(doc, '_drop') : null;
  }

  async listCodebooks(flowId: string): Promise<Codebook[]> {
    if (typeof flowId !== 'string') return [];
    const docs = await this.models.codebooks.find({ flowId }).sort({ question: 1 }).lean();
    return docs.map((doc) => fromDoc<Codebook>(doc, '_drop'));
  }

  async saveCoding(coding: Coding): Promise<void> {
    const _id = codingId(coding);
    await upsert(() => this.models.codings.replaceOne({ _id }, { _id, ...coding }, { upsert: true }));
  }

  async deleteCoding(key: Pick<Coding, 'flowId' | 'question' | 'responseId' | 'coder'>): Promise<boolean> {
    return (await this.models.codings.deleteOne({ _id: codingId(key) })).deletedCount === 1;
  }

  async *scanCodings(filter: CodingFilter): AsyncIterable<Coding> {
    const query: Record<string, string> = {};
    for (const field of ['flowId', 'question', 'coder'] as const) {
      const value: unknown = filter[field];
      if (typeof value === 'string') query[field] = value;
      else if (value !== undefined) return;
    }
    const cursor = this.models.codings
      .find(query)
      .sort({ question: 1, responseId: 1, coder: 1 })
      .lean<CodingDoc[]>()
      .cursor({ batchSize: 1000 });
    for await (const doc of cursor) yield fromDoc<Coding>(doc as CodingDoc, '_drop');
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (typeof respondent !== 'string') return 0;
    return (await this.models.codings.deleteMany({ respondent })).deletedCount;
  }

  async close(): Promise<void> {}
}

/** Two upserts of one new key can race to insert: the second try replaces the first's document. */
async function upsert(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await write();
  }
}
