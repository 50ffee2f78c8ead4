import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { CAMPAIGN_ID, type Campaign } from '../campaigns/campaign.ts';
import type { CampaignStore } from './campaign-store.ts';
import { modelOn, STRICT } from './mongo-model.ts';
import { fromDoc, isDuplicateKey } from './mongo-models.ts';

const campaignSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    flowId: { type: String, required: true },
    coordinators: { type: [String], required: true },
    regions: { type: [String], required: true },
    languages: { type: [String], required: true },
    opensAt: Date,
    closesAt: Date,
    consentOrganisation: { type: String, required: true },
    reminders: {
      type: new Schema(
        {
          firstAfterDays: { type: Number, required: true },
          minGapDays: { type: Number, required: true },
          maxCount: { type: Number, required: true },
        },
        { ...STRICT, _id: false },
      ),
      required: true,
    },
    status: { type: String, enum: ['draft', 'open', 'closed'], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...STRICT, collection: 'campaigns' },
);
campaignSchema.index({ createdAt: 1 });

type CampaignDoc = InferSchemaType<typeof campaignSchema>;

export const campaignModel = (connection: Connection): Model<CampaignDoc> =>
  modelOn(connection, 'Campaign', campaignSchema) as Model<CampaignDoc>;

const isId = (id: unknown): id is string => typeof id === 'string' && CAMPAIGN_ID.test(id);

function toCampaign(doc: object): Campaign {
  const campaign = fromDoc<Campaign>(doc);
  // Optional dates are absent, not null, as the record type has them.
  if (!campaign.opensAt) delete campaign.opensAt;
  if (!campaign.closesAt) delete campaign.closesAt;
  return campaign;
}

/** Campaigns in MongoDB (`campaigns`), the id as `_id`. */
export class MongoCampaignStore implements CampaignStore {
  private readonly model: Model<CampaignDoc>;

  constructor(connection: Connection) {
    this.model = campaignModel(connection);
  }

  async create(campaign: Campaign): Promise<void> {
    const { id, ...fields } = campaign;
    try {
      await this.model.create({ _id: id, ...fields });
    } catch (error) {
      if (isDuplicateKey(error)) throw new Error('campaign already exists');
      throw error;
    }
  }

  async get(id: string): Promise<Campaign | null> {
    if (!isId(id)) return null;
    const doc = await this.model.findById(id).lean();
    return doc ? toCampaign(doc) : null;
  }

  async update(campaign: Campaign): Promise<boolean> {
    if (!isId(campaign.id)) return false;
    const { id, ...fields } = campaign;
    return (await this.model.replaceOne({ _id: id }, { _id: id, ...fields })).matchedCount === 1;
  }

  async list(): Promise<Campaign[]> {
    return (await this.model.find({}).sort({ createdAt: 1, _id: 1 }).lean()).map(toCampaign);
  }

  async close(): Promise<void> {}
}
