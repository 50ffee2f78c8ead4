import { Schema, trusted, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { auditId, type AuditEntry, type AuditLog, type AuditQuery } from './audit-log.ts';
import { fromDoc } from './mongo-models.ts';
import { modelOn, STRICT } from './mongo-model.ts';

const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: String,
    outcome: { type: String, enum: ['ok', 'refused'], required: true },
    details: Schema.Types.Mixed,
  },
  { ...STRICT, collection: 'audit' },
);
auditSchema.index({ actor: 1, _id: -1 });
auditSchema.index({ action: 1, _id: -1 });

type AuditDoc = InferSchemaType<typeof auditSchema>;

export const auditModel = (connection: Connection): Model<AuditDoc> =>
  modelOn(connection, 'Audit', auditSchema) as Model<AuditDoc>;

/** The audit log in its own collection, `audit`; this code only ever inserts into it. */
export class MongoAuditLog implements AuditLog {
  private readonly model: Model<AuditDoc>;

  constructor(connection: Connection) {
    this.model = auditModel(connection);
  }

  async append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const id = auditId(entry.at);
    await this.model.create({ _id: id, ...entry });
    return { id, ...entry };
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const filter: Record<string, unknown> = {};
    if (typeof query.before === 'string') filter._id = trusted({ $lt: query.before });
    if (typeof query.actor === 'string') filter.actor = query.actor;
    if (typeof query.action === 'string') filter.action = query.action;
    const docs = await this.model
      .find(filter)
      .sort({ _id: -1 })
      .limit(Math.max(1, Math.min(query.limit, 1000)))
      .lean();
    return docs.map((doc) => fromDoc<AuditEntry>(stripUndefined(doc)));
  }

  async close(): Promise<void> {}
}

function stripUndefined<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined && v !== null)) as T;
}
