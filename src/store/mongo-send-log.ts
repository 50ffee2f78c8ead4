import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn, STRICT } from './mongo-model.ts';
import { fromDoc, isDuplicateKey } from './mongo-models.ts';
import type { SendLog, SendRecord } from './send-log.ts';

const sendSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaign: { type: String, required: true },
    kind: { type: String, enum: ['invitation', 'reminder', 'followup'], required: true },
    channel: { type: String, required: true },
    invitee: String,
    respondent: String,
    status: { type: String, enum: ['sending', 'sent', 'refused', 'failed'], required: true },
    detail: String,
    startedAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { ...STRICT, collection: 'sends' },
);
sendSchema.index({ campaign: 1 });
sendSchema.index({ respondent: 1 });

type SendDoc = InferSchemaType<typeof sendSchema>;

export const sendModel = (connection: Connection): Model<SendDoc> =>
  modelOn(connection, 'Send', sendSchema) as Model<SendDoc>;

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function toRecord(doc: object): SendRecord {
  const record = fromDoc<Record<string, unknown>>(doc, 'key');
  for (const key of ['invitee', 'respondent', 'detail', 'finishedAt'])
    if (record[key] === null || record[key] === undefined) delete record[key];
  return record as unknown as SendRecord;
}

/** The send log in MongoDB (`sends`): the idempotency key is `_id`, so one insert claims it. */
export class MongoSendLog implements SendLog {
  private readonly model: Model<SendDoc>;

  constructor(connection: Connection) {
    this.model = sendModel(connection);
  }

  async begin(record: Omit<SendRecord, 'status' | 'finishedAt'>): Promise<boolean> {
    const { key, ...fields } = record;
    try {
      await this.model.create({ _id: key, ...fields, status: 'sending' });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async finish(key: string, status: SendRecord['status'], at: Date, detail?: string): Promise<void> {
    const result = await this.model.updateOne(
      { _id: key },
      { $set: { status, finishedAt: at, ...(detail ? { detail } : {}) } },
    );
    if (result.matchedCount !== 1) throw new Error('no such send');
  }

  async get(key: string): Promise<SendRecord | null> {
    if (!isText(key)) return null;
    const doc = await this.model.findById(key).lean();
    return doc ? toRecord(doc) : null;
  }

  async *scan(campaign: string): AsyncIterable<SendRecord> {
    if (!isText(campaign)) return;
    for await (const doc of this.model.find({ campaign }).sort({ _id: 1 }).lean().cursor())
      yield toRecord(doc);
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!isText(respondent)) return 0;
    return (await this.model.deleteMany({ respondent })).deletedCount;
  }

  async close(): Promise<void> {}
}
