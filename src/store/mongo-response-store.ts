import { trusted, type Connection } from 'mongoose';
import { fromDoc, isDuplicateKey, modelsOf, type Models, type ResponseDoc } from './mongo-models.ts';
import type {
  ContactRecord,
  ContactStore,
  ResponseFilter,
  ResponseHead,
  ResponsePage,
  ResponseQuery,
  ResponseRecord,
  ResponseStore,
} from './response-store.ts';
import { swapSealedIn } from './mongo-model.ts';
import type { SealedSwap, SealedValues } from './sealed-swap.ts';

const FILTER_FIELDS = ['flowId', 'status', 'channel', 'invitation'] as const;
/** Documents per round trip of a scan: about 2 MB of responses, few enough trips for 100,000. */
const BATCH = 1000;
const HEAD_FIELDS = Object.fromEntries(
  (
    [
      'flowId',
      'flowVersion',
      'status',
      'channel',
      'invitation',
      'respondent',
      'startedAt',
      'updatedAt',
    ] as const
  ).map((f) => [f, 1]),
);

/** Only known fields with string values make the query; anything else is not a filter we offer. */
function queryOf(filter: ResponseFilter): Record<string, unknown> | null {
  const query: Record<string, unknown> = {};
  for (const field of FILTER_FIELDS) {
    const value: unknown = filter[field];
    if (typeof value === 'string') query[field] = value;
    else if (value !== undefined) return null;
  }
  if (filter.updatedAfter !== undefined) {
    if (!(filter.updatedAfter instanceof Date)) return null;
    // The connection sanitizes filters (sanitizeFilter): operators we build are marked as ours.
    query.updatedAt = trusted({ $gt: filter.updatedAfter });
  }
  return query;
}

const strings = (values: unknown): values is string[] =>
  Array.isArray(values) && values.every((v) => typeof v === 'string');

/** A table query as MongoDB's; null when a value is not of the type it must be (nothing matches). */
function pageQueryOf(query: ResponseQuery): Record<string, unknown> | null {
  const { flowId, status, channel } = query;
  const found = queryOf({ flowId, status, channel });
  if (!found) return null;
  const and: Record<string, unknown>[] = [];
  if (query.locale !== undefined) {
    if (typeof query.locale !== 'string') return null;
    found.locale = query.locale;
  }
  if (query.invitations !== undefined) {
    if (!strings(query.invitations)) return null;
    found.invitation = trusted({ $in: query.invitations });
  }
  const started: Record<string, Date> = {};
  if (query.startedFrom instanceof Date) started.$gte = query.startedFrom;
  if (query.startedBefore instanceof Date) started.$lt = query.startedBefore;
  if (Object.keys(started).length) found.startedAt = trusted(started);
  if (query.country) {
    const { question, codes } = query.country;
    if (!/^[a-z0-9_]+$/.test(question) || !strings(codes)) return null;
    // A country answer is the ISO code itself (older responses) or { code, region, ... }.
    const path = `answers.${question}.value`;
    and.push({ $or: [{ [path]: trusted({ $in: codes }) }, { [`${path}.code`]: trusted({ $in: codes }) }] });
  }
  return and.length ? { ...found, $and: and } : found;
}

/**
 * Responses in MongoDB, one document per session holding the whole respondent. Saving is
 * idempotent by the session id: a retried completion replaces the same document, and a partial
 * (archived) response never replaces a complete one. The first save of a response is a plain
 * insert, which every server does by its unique _id index; FerretDB 1.x (tests, CI) runs an
 * upsert by scanning the collection, 60 ms at a thousand responses.
 */
export class MongoResponseStore implements ResponseStore {
  private readonly models: Models;

  constructor(connection: Connection) {
    this.models = modelsOf(connection);
  }

  async save(record: ResponseRecord): Promise<void> {
    const { id, ...fields } = record;
    const doc = { _id: id, ...fields };
    try {
      await this.models.responses.create(doc);
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Saved before (a retry, an archived partial): only a partial document may be replaced by a
    // partial one; a complete one by anything. A partial that meets a complete one changes nothing.
    const filter = record.status === 'complete' ? { _id: id } : { _id: id, status: 'partial' as const };
    await this.models.responses.replaceOne(filter, doc);
  }

  async get(id: string): Promise<ResponseRecord | null> {
    if (typeof id !== 'string') return null;
    const doc = await this.models.responses.findById(id).lean();
    return doc ? fromDoc<ResponseRecord>(doc) : null;
  }

  async *scan(filter: ResponseFilter = {}): AsyncIterable<ResponseRecord> {
    const query = queryOf(filter);
    if (!query) return;
    const cursor = this.models.responses
      .find(query)
      .sort({ startedAt: 1, _id: 1 })
      .lean<ResponseDoc[]>()
      .cursor({ batchSize: BATCH });
    for await (const doc of cursor) yield fromDoc<ResponseRecord>(doc as ResponseDoc);
  }

  async *scanHeads(filter: ResponseFilter = {}): AsyncIterable<ResponseHead> {
    const query = queryOf(filter);
    if (!query) return;
    const cursor = this.models.responses
      .find(query, HEAD_FIELDS)
      .sort({ startedAt: 1, _id: 1 })
      .lean<ResponseDoc[]>()
      .cursor({ batchSize: BATCH });
    for await (const doc of cursor) yield fromDoc<ResponseHead>(doc as ResponseDoc);
  }

  async byRespondent(respondent: string, flowId: string): Promise<ResponseRecord[]> {
    if (typeof respondent !== 'string' || typeof flowId !== 'string') return [];
    // Served by the { respondent, flowId } index; a respondent has one response, or a few.
    const docs = await this.models.responses.find({ respondent, flowId }).lean();
    return docs
      .map((doc) => fromDoc<ResponseRecord>(doc))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id));
  }

  async page(query: ResponseQuery, window: { skip: number; limit: number }): Promise<ResponsePage> {
    const found = pageQueryOf(query);
    if (!found) return { records: [], total: 0 };
    const [docs, total] = await Promise.all([
      this.models.responses
        .find(found)
        .sort({ startedAt: -1, _id: -1 })
        .skip(window.skip)
        .limit(window.limit)
        .lean<ResponseDoc[]>(),
      this.models.responses.countDocuments(found),
    ]);
    return { records: docs.map((doc) => fromDoc<ResponseRecord>(doc)), total };
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (typeof respondent !== 'string') return 0;
    return (await this.models.responses.deleteMany({ respondent })).deletedCount;
  }

  async deleteIds(ids: string[]): Promise<number> {
    if (!strings(ids) || ids.length === 0) return 0;
    return (await this.models.responses.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount;
  }

  /** The connection is shared and closed by whoever opened it. */
  async close(): Promise<void> {}
}

/** Contact details (personal data) in their own collection, linked to the response by id. */
export class MongoContactStore implements ContactStore, SealedSwap {
  private readonly models: Models;

  constructor(connection: Connection) {
    this.models = modelsOf(connection);
  }

  async save(contact: ContactRecord): Promise<void> {
    const { id, ...fields } = contact;
    try {
      await this.models.contacts.replaceOne({ _id: id }, { _id: id, ...fields }, { upsert: true });
    } catch (error) {
      // Two upserts raced to insert: the second try replaces the first one's document.
      if (!isDuplicateKey(error)) throw error;
      await this.models.contacts.replaceOne({ _id: id }, { _id: id, ...fields }, { upsert: true });
    }
  }

  async get(id: string): Promise<ContactRecord | null> {
    if (typeof id !== 'string') return null;
    const doc = await this.models.contacts.findById(id).lean();
    return doc ? fromDoc<ContactRecord>(doc) : null;
  }

  async list(): Promise<ContactRecord[]> {
    const docs = await this.models.contacts.find({}).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map((doc) => fromDoc<ContactRecord>(doc));
  }

  swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    return swapSealedIn(this.models.contacts, id, expected, next);
  }

  /** An updated document keeps no old copy to drop. */
  async compact(): Promise<void> {}

  async deleteByRespondent(respondent: string): Promise<number> {
    if (typeof respondent !== 'string') return 0;
    return (await this.models.contacts.deleteMany({ respondent })).deletedCount;
  }

  async deleteIds(ids: string[]): Promise<number> {
    if (!strings(ids) || ids.length === 0) return 0;
    return (await this.models.contacts.deleteMany({ _id: trusted({ $in: ids }) })).deletedCount;
  }

  async close(): Promise<void> {}
}
