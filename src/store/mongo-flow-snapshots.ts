import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { snapshotId, type FlowSnapshot, type FlowSnapshotStore } from './flow-snapshots.ts';
import { isDuplicateKey } from './mongo-models.ts';
import { modelOn, STRICT } from './mongo-model.ts';

const snapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    flowId: { type: String, required: true },
    version: { type: Number, required: true },
    hash: { type: String, required: true },
    // JSON text: texts and flow data may hold keys MongoDB-protocol servers refuse ('.', '$').
    definition: { type: String, required: true },
    texts: { type: String, required: true },
    savedAt: { type: Date, required: true },
  },
  { ...STRICT, collection: 'flow_versions' },
);

type SnapshotDoc = InferSchemaType<typeof snapshotSchema>;

export const snapshotModel = (connection: Connection): Model<SnapshotDoc> =>
  modelOn(connection, 'FlowVersion', snapshotSchema) as Model<SnapshotDoc>;

/** Deployed flow versions in MongoDB (`flow_versions`), `_id` = `<flow>@<version>`. */
export class MongoFlowSnapshots implements FlowSnapshotStore {
  private readonly model: Model<SnapshotDoc>;

  constructor(connection: Connection) {
    this.model = snapshotModel(connection);
  }

  async get(flowId: string, version: number): Promise<FlowSnapshot | null> {
    if (typeof flowId !== 'string' || !Number.isInteger(version)) return null;
    const doc = await this.model.findById(snapshotId(flowId, version)).lean();
    if (!doc) return null;
    const { _id, definition, texts, ...rest } = doc;
    return { ...rest, definition: JSON.parse(definition), texts: JSON.parse(texts) } as FlowSnapshot;
  }

  async put(snapshot: FlowSnapshot): Promise<'saved' | 'same' | 'conflict'> {
    try {
      await this.model.create({
        _id: snapshotId(snapshot.flowId, snapshot.version),
        ...snapshot,
        definition: JSON.stringify(snapshot.definition),
        texts: JSON.stringify(snapshot.texts),
      });
      return 'saved';
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const stored = await this.get(snapshot.flowId, snapshot.version);
    if (stored?.hash !== snapshot.hash) return 'conflict';
    await this.model.updateOne(
      { _id: snapshotId(snapshot.flowId, snapshot.version) },
      { $set: { texts: JSON.stringify(snapshot.texts) } },
    );
    return 'same';
  }

  async close(): Promise<void> {}
}
