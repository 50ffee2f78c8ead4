import { Schema, trusted, type Connection, type InferSchemaType, type Model } from 'mongoose';
import {
  inviteeId,
  mergeInvitee,
  normalEmail,
  type Invitee,
  type InviteeRows,
  type InviteeStore,
} from './invitee-store.ts';
import { modelOn, STRICT } from './mongo-model.ts';
import { duplicateKeyPlaces, isDuplicateKey } from './mongo-models.ts';

const inviteeSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaign: { type: String, required: true },
    email: { type: String, required: true },
    sealedEmail: String,
    // A file may give an address without a name: '' is a name here (mongoose's `required` refuses it).
    name: { type: String, default: '' },
    language: { type: String, required: true },
    country: String,
    organisation: String,
    attributes: { type: Schema.Types.Mixed, required: true },
    token: { type: String, required: true },
    coordinator: String,
    respondent: String,
    unsubscribedAt: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...STRICT, collection: 'invitees' },
);
inviteeSchema.index({ campaign: 1, email: 1 });
inviteeSchema.index({ token: 1 }, { unique: true });
inviteeSchema.index({ email: 1 });
inviteeSchema.index({ respondent: 1 });

type InviteeDoc = InferSchemaType<typeof inviteeSchema>;

export const inviteeModel = (connection: Connection): Model<InviteeDoc> =>
  modelOn(connection, 'Invitee', inviteeSchema) as Model<InviteeDoc>;

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The token of an invitee moving to another id gives way (the token index is unique) while the
 * record under the new id takes it; a move cut off there is finished by the next rotation.
 */
const PARKED = 'moving:';

function toInvitee(doc: object): Invitee {
  const { _id, ...rest } = doc as Record<string, unknown>;
  for (const key of ['sealedEmail', 'country', 'organisation', 'coordinator', 'respondent', 'unsubscribedAt'])
    if (rest[key] === null || rest[key] === undefined) delete rest[key];
  if (typeof rest.token === 'string' && rest.token.startsWith(PARKED))
    rest.token = rest.token.slice(PARKED.length);
  return rest as unknown as Invitee;
}

/** Replacements per update command: FerretDB 1.x never answers one of 100 or more. */
const MERGE_WRITES = 90;

const absentOr = <T>(value: T | undefined) => value ?? trusted({ $exists: false });

/** Invitees in MongoDB (`invitees`), `_id` = `<campaign>:<e-mail>`. */
export class MongoInviteeStore implements InviteeStore, InviteeRows {
  private readonly model: Model<InviteeDoc>;

  constructor(connection: Connection) {
    this.model = inviteeModel(connection);
  }

  async upsert(invitee: Invitee): Promise<{ invitee: Invitee; added: boolean }> {
    const _id = inviteeId(invitee.campaign, invitee.email);
    for (;;) {
      const found = await this.model.findById(_id).lean();
      if (found) {
        const merged = mergeInvitee(toInvitee(found), invitee);
        await this.model.replaceOne({ _id }, { _id, ...merged });
        return { invitee: merged, added: false };
      }
      const fresh = { ...invitee, email: normalEmail(invitee.email) };
      try {
        await this.model.create({ _id, ...fresh });
        return { invitee: fresh, added: true };
      } catch (error) {
        // Another import added the address meanwhile: merge into theirs.
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  /**
   * One read finds the batch's stored invitees; the others are inserted at once, the stored
   * ones merged at once. An address another import added meanwhile takes the one-by-one path.
   */
  async upsertMany(invitees: readonly Invitee[]): Promise<{ invitee: Invitee; added: boolean }[]> {
    if (invitees.length === 0) return [];
    const ids = invitees.map((i) => inviteeId(i.campaign, i.email));
    const docs = await this.model.find({ _id: trusted({ $in: ids }) }).lean();
    const stored = new Map(docs.map((doc) => [doc._id, toInvitee(doc)]));
    const results: { invitee: Invitee; added: boolean }[] = [];
    const merges: { replaceOne: { filter: { _id: string }; replacement: object } }[] = [];
    const fresh: number[] = [];
    invitees.forEach((invitee, k) => {
      const _id = ids[k]!;
      const found = stored.get(_id);
      if (found) {
        const merged = mergeInvitee(found, invitee);
        merges.push({ replaceOne: { filter: { _id }, replacement: { _id, ...merged } } });
        results.push({ invitee: merged, added: false });
      } else {
        fresh.push(k);
        results.push({ invitee: { ...invitee, email: normalEmail(invitee.email) }, added: true });
      }
    });
    for (let at = 0; at < merges.length; at += MERGE_WRITES)
      await this.model.bulkWrite(merges.slice(at, at + MERGE_WRITES) as never, { ordered: false });
    if (fresh.length === 0) return results;
    let raced: number[] = [];
    try {
      await this.model.insertMany(
        fresh.map((k) => ({ _id: ids[k], ...results[k]!.invitee })),
        { ordered: false, lean: true },
      );
    } catch (error) {
      raced = duplicateKeyPlaces(error).map((place) => fresh[place]!);
    }
    for (const k of raced) results[k] = await this.upsert(invitees[k]!);
    return results;
  }

  async getMany(campaign: string, emails: readonly string[]): Promise<Map<string, Invitee>> {
    const found = new Map<string, Invitee>();
    const addresses = new Map(
      emails.filter(isText).map((email) => [inviteeId(campaign, email), normalEmail(email)]),
    );
    if (!isText(campaign) || addresses.size === 0) return found;
    const docs = await this.model.find({ _id: trusted({ $in: [...addresses.keys()] }) }).lean();
    for (const doc of docs) found.set(addresses.get(doc._id)!, toInvitee(doc));
    return found;
  }

  async get(campaign: string, email: string): Promise<Invitee | null> {
    if (!isText(campaign) || !isText(email)) return null;
    const doc = await this.model.findById(inviteeId(campaign, email)).lean();
    return doc ? toInvitee(doc) : null;
  }

  async byToken(token: string): Promise<Invitee | null> {
    if (!isText(token)) return null;
    const doc = await this.model.findOne({ token }).lean();
    return doc ? toInvitee(doc) : null;
  }

  async *scan(campaign: string): AsyncIterable<Invitee> {
    if (!isText(campaign)) return;
    for await (const doc of this.model.find({ campaign }).sort({ email: 1 }).lean().cursor())
      yield toInvitee(doc);
  }

  async count(campaign: string): Promise<number> {
    return isText(campaign) ? this.model.countDocuments({ campaign }) : 0;
  }

  async linkRespondent(token: string, respondent: string): Promise<boolean> {
    if (!isText(token) || !isText(respondent)) return false;
    return (await this.model.updateOne({ token }, { $set: { respondent } })).matchedCount === 1;
  }

  async unsubscribe(token: string, at: Date): Promise<boolean> {
    if (!isText(token)) return false;
    const doc = await this.model.findOne({ token }).lean();
    if (!doc) return false;
    if (!doc.unsubscribedAt) await this.model.updateOne({ token }, { $set: { unsubscribedAt: at } });
    return true;
  }

  async deleteByEmail(email: string): Promise<number> {
    if (!isText(email)) return 0;
    return (await this.model.deleteMany({ email: normalEmail(email) })).deletedCount;
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!isText(respondent)) return 0;
    return (await this.model.deleteMany({ respondent })).deletedCount;
  }

  async rows(after: string, limit: number): Promise<Invitee[]> {
    const docs = await this.model
      .find({ _id: trusted({ $gt: String(after) }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    return docs.map(toInvitee);
  }

  async replace(expected: Invitee, next: Invitee): Promise<boolean> {
    const _id = inviteeId(expected.campaign, expected.email);
    const unchanged = {
      _id,
      updatedAt: expected.updatedAt,
      name: expected.name,
      respondent: absentOr(expected.respondent),
      unsubscribedAt: absentOr(expected.unsubscribedAt),
    };
    const nextId = inviteeId(next.campaign, next.email);
    if (nextId === _id) return (await this.model.replaceOne(unchanged, { _id, ...next })).matchedCount === 1;
    if ((await this.model.updateOne(unchanged, { $set: { token: PARKED + next.token } })).matchedCount !== 1)
      return false;
    await this.model.replaceOne({ _id: nextId }, { _id: nextId, ...next }, { upsert: true });
    if ((await this.model.deleteOne({ _id })).deletedCount === 1) return true;
    // Erased while it moved: the erasure wins.
    await this.model.deleteOne({ _id: nextId });
    return false;
  }

  async compact(): Promise<void> {}

  async close(): Promise<void> {}
}
