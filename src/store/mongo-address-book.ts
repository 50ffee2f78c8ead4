import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { addressId, type Address, type AddressBook } from './address-book.ts';
import { modelOn, STRICT, swapSealedIn } from './mongo-model.ts';
import type { SealedSwap, SealedValues } from './sealed-swap.ts';

const addressSchema = new Schema(
  {
    _id: { type: String, required: true },
    respondent: { type: String, required: true },
    channel: { type: String, required: true },
    chat: { type: String, required: true },
    locale: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    unreachable: {
      type: new Schema({ reason: String, at: Date }, { ...STRICT, _id: false }),
      default: undefined,
    },
  },
  { ...STRICT, collection: 'addresses' },
);
addressSchema.index({ respondent: 1 });

type AddressDoc = InferSchemaType<typeof addressSchema>;

export const addressModel = (connection: Connection): Model<AddressDoc> =>
  modelOn(connection, 'Address', addressSchema) as Model<AddressDoc>;

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function toAddress(doc: object): Address {
  const { _id, unreachable, ...rest } = doc as AddressDoc & { _id: string };
  return {
    ...(rest as Omit<Address, 'unreachable'>),
    ...(unreachable ? { unreachable: unreachable as Address['unreachable'] } : {}),
  };
}

/** Respondents' chat addresses in MongoDB (`addresses`), one document per respondent and channel. */
export class MongoAddressBook implements AddressBook, SealedSwap {
  private readonly model: Model<AddressDoc>;

  constructor(connection: Connection) {
    this.model = addressModel(connection);
  }

  async put(address: Address): Promise<void> {
    const { unreachable, ...fields } = address;
    const _id = addressId(address.respondent, address.channel);
    await this.model.replaceOne({ _id }, { _id, ...fields }, { upsert: true }).catch(async (error) => {
      // Two first writes raced to insert: the second try replaces the winner's document.
      if ((error as { code?: number }).code !== 11000) throw error;
      await this.model.replaceOne({ _id }, { _id, ...fields }, { upsert: true });
    });
  }

  async get(respondent: string, channel: string): Promise<Address | null> {
    if (!isId(respondent) || !isId(channel)) return null;
    const doc = await this.model.findById(addressId(respondent, channel)).lean();
    return doc ? toAddress(doc) : null;
  }

  async byRespondent(respondent: string): Promise<Address[]> {
    if (!isId(respondent)) return [];
    const docs = await this.model.find({ respondent }).sort({ channel: 1 }).lean();
    return docs.map(toAddress);
  }

  async *list(): AsyncIterable<Address> {
    for await (const doc of this.model.find({}).sort({ _id: 1 }).lean().cursor({ batchSize: 500 }))
      yield toAddress(doc);
  }

  async markUnreachable(respondent: string, channel: string, reason: string, at: Date): Promise<boolean> {
    if (!isId(respondent) || !isId(channel)) return false;
    const result = await this.model.updateOne(
      { _id: addressId(respondent, channel) },
      { $set: { unreachable: { reason, at } } },
    );
    return result.matchedCount === 1;
  }

  swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    return swapSealedIn(this.model, id, expected, next);
  }

  /** An updated document keeps no old copy to drop. */
  async compact(): Promise<void> {}

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!isId(respondent)) return 0;
    return (await this.model.deleteMany({ respondent })).deletedCount;
  }

  async close(): Promise<void> {}
}
