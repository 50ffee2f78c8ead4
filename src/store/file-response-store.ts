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

/**
 * Finished and partial responses in `<dataDir>/responses.jsonl`: the embedded default. The ids of
 * each respondent's responses are indexed in memory, as the records are.
 */
export class FileResponseStore implements ResponseStore {
  private readonly file: JsonlFile<ResponseRecord>;
  private readonly byPerson = new Map<string, Set<string>>();

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'responses.jsonl'), (raw) =>
      reviveDates(raw, ['startedAt', 'updatedAt', 'finishedAt']),
    );
    for (const record of this.file.values()) this.index(record);
  }

  private index(record: ResponseRecord): void {
    const ids = this.byPerson.get(record.respondent) ?? new Set<string>();
    ids.add(record.id);
    this.byPerson.set(record.respondent, ids);
  }

  async save(record: ResponseRecord): Promise<void> {
    if (record.status === 'partial' && this.file.get(record.id)?.status === 'complete') return;
    this.index(record);
    await this.file.put(structuredClone(record));
  }

  async byRespondent(respondent: string, flowId: string): Promise<ResponseRecord[]> {
    return [...(this.byPerson.get(respondent) ?? [])]
      .map((id) => this.file.get(id))
      .filter((r): r is ResponseRecord => r?.respondent === respondent && r.flowId === flowId)
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
      .map((r) => structuredClone(r));
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
    this.byPerson.delete(respondent);
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
