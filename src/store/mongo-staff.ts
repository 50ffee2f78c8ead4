import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import type { Principal, StaffInvite, StaffMember } from '../staff/staff.ts';
import { fromDoc, isDuplicateKey } from './mongo-models.ts';
import { ensureCollections, modelOn, STRICT, swapSealedIn } from './mongo-model.ts';
import type { SealedSwap, SealedValues } from './sealed-swap.ts';
import type { StaffInviteRows, StaffStore } from './staff-store.ts';

const options = { ...STRICT, _id: false } as const;

const principalSchema = new Schema(
  { channel: { type: String, required: true }, user: { type: String, required: true } },
  options,
);

const memberSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ['admin', 'coordinator', 'interviewer'], required: true },
    scope: {
      campaigns: { type: [String], required: true },
      regions: { type: [String], required: true },
    },
    principals: { type: [principalSchema], required: true },
    /** `<channel>:<user>` of each principal: one indexed value per account to look up. */
    accounts: { type: [String], required: true },
    locale: { type: String, required: true },
    status: { type: String, enum: ['active', 'revoked'], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, _id: true, collection: 'staff' },
);
// Every staff command looks its sender up by account.
memberSchema.index({ accounts: 1 });

const inviteSchema = new Schema(
  {
    _id: { type: String, required: true },
    role: { type: String, enum: ['admin', 'coordinator', 'interviewer'], required: true },
    scope: {
      campaigns: { type: [String], required: true },
      regions: { type: [String], required: true },
    },
    // Empty until the member joins and gives their own.
    name: { type: String, default: '' },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...options, _id: true, collection: 'staff_invites' },
);

/**
 * A code's redemption is a document whose `_id` is the code's hash: only one insert can win,
 * atomically on MongoDB and on FerretDB (which does not run conditional updates atomically).
 */
const inviteUseSchema = new Schema(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { ...options, _id: true, collection: 'staff_invite_uses' },
);

type MemberDoc = InferSchemaType<typeof memberSchema>;
type InviteDoc = InferSchemaType<typeof inviteSchema>;
type InviteUseDoc = InferSchemaType<typeof inviteUseSchema>;

export interface StaffModels {
  members: Model<MemberDoc>;
  invites: Model<InviteDoc>;
  inviteUses: Model<InviteUseDoc>;
}

export function staffModelsOf(connection: Connection): StaffModels {
  return {
    members: modelOn(connection, 'StaffMember', memberSchema) as Model<MemberDoc>,
    invites: modelOn(connection, 'StaffInvite', inviteSchema) as Model<InviteDoc>,
    inviteUses: modelOn(connection, 'StaffInviteUse', inviteUseSchema) as Model<InviteUseDoc>,
  };
}

const accountOf = (p: Principal) => `${p.channel}:${p.user}`;

/** A member as stored: the record plus its accounts as lookup keys. */
function toDoc(member: StaffMember) {
  const { id, fromEnvironment, ...fields } = member;
  return { _id: id, ...fields, accounts: member.principals.map(accountOf) };
}

function toMember(doc: object): StaffMember {
  const { accounts, ...rest } = doc as { accounts: string[] };
  return fromDoc<StaffMember>(rest);
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Staff members and invitation codes in MongoDB (`staff`, `staff_invites`, `staff_invite_uses`). */
export class MongoStaffStore implements StaffStore, SealedSwap, StaffInviteRows {
  private readonly models: StaffModels;

  constructor(connection: Connection) {
    this.models = staffModelsOf(connection);
  }

  async create(member: StaffMember): Promise<void> {
    try {
      await this.models.members.create(toDoc(member));
    } catch (error) {
      if (isDuplicateKey(error)) throw new Error('staff member already exists');
      throw error;
    }
  }

  async get(id: string): Promise<StaffMember | null> {
    if (!isId(id)) return null;
    const doc = await this.models.members.findById(id).lean();
    return doc ? toMember(doc) : null;
  }

  async byPrincipal(principal: Principal): Promise<StaffMember | null> {
    if (!isId(principal.user) || !isId(principal.channel)) return null;
    const doc = await this.models.members.findOne({ accounts: accountOf(principal) }).lean();
    return doc ? toMember(doc) : null;
  }

  async list(): Promise<StaffMember[]> {
    const docs = await this.models.members.find({}).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map(toMember);
  }

  async update(member: StaffMember): Promise<boolean> {
    if (!isId(member.id)) return false;
    const result = await this.models.members.replaceOne({ _id: member.id }, toDoc(member));
    return result.matchedCount === 1;
  }

  swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    return swapSealedIn(this.models.members, id, expected, next);
  }

  async listInvites(): Promise<StaffInvite[]> {
    const docs = await this.models.invites.find({}).sort({ _id: 1 }).lean();
    return docs.map((doc) => fromDoc<StaffInvite>(doc, 'codeHash'));
  }

  swapSealedInvite(codeHash: string, expected: SealedValues, next: SealedValues) {
    return swapSealedIn(this.models.invites, codeHash, expected, next);
  }

  /** An updated document keeps no old copy to drop. */
  async compact(): Promise<void> {}

  async createInvite(invite: StaffInvite): Promise<void> {
    const { codeHash, ...fields } = invite;
    try {
      await this.models.invites.create({ _id: codeHash, ...fields });
    } catch (error) {
      if (isDuplicateKey(error)) throw new Error('staff invitation already exists');
      throw error;
    }
  }

  async redeemInvite(codeHash: string, now: Date) {
    if (!isId(codeHash)) return { ok: false as const, reason: 'unknown' as const };
    const doc = await this.models.invites.findById(codeHash).lean();
    if (!doc) return { ok: false as const, reason: 'unknown' as const };
    const invite = fromDoc<StaffInvite>(doc, 'codeHash');
    if (invite.expiresAt.getTime() <= now.getTime())
      return { ok: false as const, reason: 'expired' as const };
    try {
      await this.models.inviteUses.create({ _id: codeHash, at: now });
    } catch (error) {
      if (isDuplicateKey(error)) return { ok: false as const, reason: 'used' as const };
      throw error;
    }
    return { ok: true as const, invite };
  }

  async close(): Promise<void> {}
}

/** The staff collections' indexes; run once the server is reachable. */
export async function createStaffIndexes(connection: Connection): Promise<void> {
  await ensureCollections(Object.values(staffModelsOf(connection)));
}
