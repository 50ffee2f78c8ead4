import { join } from 'node:path';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import {
  byStart,
  headMatches,
  matches,
  recordMatches,
  type ResponsePage,
  type ResponseQuery,
  type ResponseHead,
  type ContactRecord,
  type ContactStore,
  type ResponseFilter,
  type ResponseRecord,
  type ResponseStore,
} from './response-store.ts';
import { holds, type SealedSwap, type SealedValues } from './sealed-swap.ts';

/** What memory keeps of a response: its head with times as numbers and repeated words shared. */
type Kept = Omit<ResponseHead, 'startedAt' | 'updatedAt'> & { startedAt: number; updatedAt: number };

/**
 * Finished and partial responses in `<dataDir>/responses.jsonl`: the embedded default. Memory
 * holds each response's head (who, which flow, status, times: about 200 bytes); answers are read
 * from the file.
 */
export class FileResponseStore implements ResponseStore {
  private readonly file: JsonlFile<ResponseRecord, Kept>;
  /** One copy of each flow id, channel, status and invitation token, however many responses hold it. */
  private readonly words = new Map<string, string>();
  /**
   * The ids of each respondent's responses: one respondent is one response, checked at every start.
   * A lone id is kept as itself, not in a Set: a Set each cost 15 MB over 100,000 respondents.
   */
  private readonly byPerson = new Map<string, string | string[]>();

  constructor(dataDir: string) {
    this.file = new JsonlFile(
      join(dataDir, 'responses.jsonl'),
      (raw) => reviveDates(raw, ['startedAt', 'updatedAt', 'finishedAt']),
      (r) => this.keep(r),
    );
  }

  private word(text: string): string {
    const known = this.words.get(text);
    if (known !== undefined) return known;
    this.words.set(text, text);
    return text;
  }

  private keep(r: ResponseRecord): Kept {
    const ids = this.byPerson.get(r.respondent);
    if (ids === undefined) this.byPerson.set(r.respondent, r.id);
    else if (typeof ids === 'string') {
      if (ids !== r.id) this.byPerson.set(r.respondent, [ids, r.id]);
    } else if (!ids.includes(r.id)) ids.push(r.id);
    return {
      id: r.id,
      flowId: this.word(r.flowId),
      flowVersion: r.flowVersion,
      status: r.status,
      channel: this.word(r.channel),
      ...(r.invitation !== undefined ? { invitation: this.word(r.invitation) } : {}),
      respondent: r.respondent,
      startedAt: r.startedAt.getTime(),
      updatedAt: r.updatedAt.getTime(),
    };
  }

  private idsOf(respondent: string): string[] {
    const ids = this.byPerson.get(respondent);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
  }

  async save(record: ResponseRecord): Promise<void> {
    if (record.status === 'partial' && this.file.get(record.id)?.status === 'complete') return;
    await this.file.put(structuredClone(record));
  }

  async byRespondent(respondent: string, flowId: string): Promise<ResponseRecord[]> {
    if (typeof respondent !== 'string') return [];
    const heads = this.idsOf(respondent)
      .map((id) => this.file.get(id))
      .filter((h): h is Kept => h?.respondent === respondent && h.flowId === flowId)
      .sort(byStart);
    const records = await Promise.all(heads.map((h) => this.file.read(h.id)));
    return records.filter((r): r is ResponseRecord => r !== undefined);
  }

  async get(id: string): Promise<ResponseRecord | null> {
    if (typeof id !== 'string') return null;
    return (await this.file.read(id)) ?? null;
  }

  scan(filter?: ResponseFilter): AsyncIterable<ResponseRecord> {
    return this.file.scan((head) => matches(head, filter), byStart);
  }

  async *scanHeads(filter?: ResponseFilter): AsyncIterable<ResponseHead> {
    const heads = this.file
      .values()
      .filter((h) => matches(h, filter))
      .sort(byStart);
    for (const { startedAt, updatedAt, ...head } of heads) {
      yield { ...head, startedAt: new Date(startedAt), updatedAt: new Date(updatedAt) };
    }
  }

  async page(query: ResponseQuery, window: { skip: number; limit: number }): Promise<ResponsePage> {
    const newestFirst = (a: Kept, b: Kept) => byStart(b, a);
    const end = window.skip + window.limit;
    if (query.locale === undefined && !query.country) {
      // Heads decide: only the page's records are read from the file.
      const heads = this.file
        .values()
        .filter((h) => headMatches(h, query))
        .sort(newestFirst);
      const ids = new Set(heads.slice(window.skip, end).map((h) => h.id));
      const records: ResponseRecord[] = [];
      for await (const r of this.file.scan((h) => ids.has(h.id), newestFirst)) records.push(r);
      return { records, total: heads.length };
    }
    // Language and country are in the records: read them in order, keeping only the page's.
    const records: ResponseRecord[] = [];
    let total = 0;
    for await (const r of this.file.scan((h) => headMatches(h, query), newestFirst)) {
      if (!recordMatches(r, query)) continue;
      if (total >= window.skip && total < end) records.push(r);
      total++;
    }
    return { records, total };
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = this.file.values().filter((r) => r.respondent === respondent);
    this.byPerson.delete(respondent);
    await this.file.delete(mine.map((r) => r.id));
    return mine.length;
  }

  async deleteIds(ids: string[]): Promise<number> {
    const found = ids.map((id) => this.file.get(id)).filter((h): h is Kept => h !== undefined);
    for (const h of found) {
      const left = this.idsOf(h.respondent).filter((id) => id !== h.id);
      if (left.length === 0) this.byPerson.delete(h.respondent);
      else this.byPerson.set(h.respondent, left.length === 1 ? left[0]! : left);
    }
    await this.file.delete(found.map((h) => h.id));
    return found.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Contact details in `<dataDir>/contacts.jsonl`, apart from the responses. */
export class FileContactStore implements ContactStore, SealedSwap {
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

  /** Checked and put with no await in between: nothing can change the record in the gap. */
  async swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    const stored = this.file.get(id);
    if (!stored || !holds(stored, expected)) return false;
    await this.file.put({ ...structuredClone(stored), ...next });
    return true;
  }

  compact(): Promise<void> {
    return this.file.compact();
  }

  async deleteIds(ids: string[]): Promise<number> {
    const found = ids.filter((id) => this.file.get(id) !== undefined);
    await this.file.delete(found);
    return found.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
