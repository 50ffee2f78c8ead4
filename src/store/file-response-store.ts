import { join } from 'node:path';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import {
  matches,
  type ContactRecord,
  type ContactStore,
  type ResponseFilter,
  type ResponseRecord,
  type ResponseStore,
} from './response-store.ts';

/** Finished and partial responses in `<dataDir>/responses.jsonl`: the embedded default. */
export class FileResponseStore implements ResponseStore {
  private readonly file: JsonlFile<ResponseRecord>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'responses.jsonl'), (raw) =>
      reviveDates(raw, ['startedAt', 'updatedAt', 'finishedAt']),
    );
  }

  async save(record: ResponseRecord): Promise<void> {
    if (record.status === 'partial' && this.file.get(record.id)?.status === 'complete') return;
    await this.file.put(structuredClone(record));
  }

  async get(id: string): Promise<ResponseRecord | null> {
    const found = this.file.get(id);
    return found ? structuredClone(found) : null;
  }

  async list(filter?: ResponseFilter): Promise<ResponseRecord[]> {
    return this.file
      .values()
      .filter((r) => matches(r, filter))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
      .map((r) => structuredClone(r));
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = this.file.values().filter((r) => r.respondent === respondent);
    await this.file.delete(mine.map((r) => r.id));
    return mine.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Contact details in `<dataDir>/contacts.jsonl`, apart from the responses. */
export class FileContactStore implements ContactStore {
  private readonly file: JsonlFile<ContactRecord>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'contacts.jsonl'), (raw) => reviveDates(raw, ['createdAt']));
  }

  async save(contact: ContactRecord): Promise<void> {
    await this.file.put(structuredClone(contact));
  }

  async get(id: string): Promise<ContactRecord | null> {
    const found = this.file.get(id);
    return found ? structuredClone(found) : null;
  }

  async list(): Promise<ContactRecord[]> {
    return this.file.values().map((c) => structuredClone(c));
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = this.file.values().filter((c) => c.respondent === respondent);
    await this.file.delete(mine.map((c) => c.id));
    return mine.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
