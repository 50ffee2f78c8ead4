import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { refusalFor, TOKEN_PATTERN, type Invitation, type InvitationStore } from './invitation-store.ts';
import {
  duplicateKeyPlaces,
  fromDoc,
  isDuplicateKey,
  modelsOf,
  type InvitationDoc,
  type Models,
} from './mongo-models.ts';

/**
 * Invitations in MongoDB, the token as `_id`. A redemption is a document of its own; for a
 * limited invitation it takes a numbered slot whose unique `_id` only one insert can win, so two
 * respondents racing for the last use cannot both get it. `uses` is counted from those documents.
 */
export class MongoInvitationStore implements InvitationStore {
  private readonly models: Models;

  constructor(connection: Connection) {
    this.models = modelsOf(connection);
  }

  async create(invitation: Invitation): Promise<void> {
    if (!TOKEN_PATTERN.test(invitation.token)) throw new Error('invalid invitation token');
    const { token, ...fields } = invitation;
    try {
      await this.models.invitations.create({ _id: token, ...fields });
    } catch (error) {
      if (isDuplicateKey(error)) throw new Error('invitation token already exists');
      throw error;
    }
  }

  async createMany(invitations: readonly Invitation[]): Promise<void> {
    if (invitations.some((i) => !TOKEN_PATTERN.test(i.token))) throw new Error('invalid invitation token');
    if (invitations.length === 0) return;
    const docs = invitations.map(({ token, ...fields }) => ({ _id: token, ...fields }));
    try {
      await this.models.invitations.insertMany(docs, { ordered: false, lean: true });
    } catch (error) {
      duplicateKeyPlaces(error);
      throw new Error('invitation token already exists');
    }
  }

  async get(token: string): Promise<Invitation | null> {
    if (!isToken(token)) return null;
    const doc = await this.models.invitations.findById(token).lean();
    if (!doc) return null;
    return this.withUses(doc, await this.models.invitationUses.countDocuments({ token }));
  }

  async redeem(token: string, now: Date) {
    const current = await this.get(token);
    const reason = refusalFor(current, now);
    if (reason || !current) return { ok: false as const, reason: reason ?? 'unknown' };
    if (current.maxUses === null) {
      await this.models.invitationUses.create({ _id: `${token}#${randomUUID()}`, token, at: now });
      return {
        ok: true as const,
        invitation: (await this.get(token)) ?? { ...current, uses: current.uses + 1 },
      };
    }
    // Slots below `current.uses` are taken; a lost race moves on to the next free one.
    for (let slot = current.uses + 1; slot <= current.maxUses; slot++) {
      try {
        await this.models.invitationUses.create({ _id: `${token}#${slot}`, token, at: now });
        return { ok: true as const, invitation: { ...current, uses: slot } };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return { ok: false as const, reason: 'used_up' as const };
  }

  async revoke(token: string): Promise<boolean> {
    if (!isToken(token)) return false;
    return (
      (await this.models.invitations.updateOne({ _id: token }, { $set: { revoked: true } })).matchedCount > 0
    );
  }

  async list(): Promise<Invitation[]> {
    const docs = await this.models.invitations.find({}).sort({ createdAt: 1, _id: 1 }).lean();
    const counts = await this.models.invitationUses.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$token', n: { $sum: 1 } } },
    ]);
    const uses = new Map(counts.map((c) => [c._id, c.n]));
    return docs.map((doc) => this.withUses(doc, uses.get(doc._id) ?? 0));
  }

  async close(): Promise<void> {}

  private withUses(doc: InvitationDoc, redeemed: number): Invitation {
    const invitation = fromDoc<Invitation>(doc, 'token');
    return { ...invitation, uses: doc.uses + redeemed };
  }
}

/** Tokens come from users: anything but a short plain string is no token, and never a query. */
function isToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}
