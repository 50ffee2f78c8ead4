import type { Connection } from 'mongoose';
import type { Logger } from '../log.ts';
import { addressModel, MongoAddressBook } from './mongo-address-book.ts';
import { auditModel, MongoAuditLog } from './mongo-audit-log.ts';
import { campaignModel, MongoCampaignStore } from './mongo-campaign-store.ts';
import { MongoCodingStore } from './mongo-coding-store.ts';
import { connectMongo, namesDatabase, type MongoConnectOptions } from './mongo-connection.ts';
import { MongoFlowSnapshots, snapshotModel } from './mongo-flow-snapshots.ts';
import { followupModelsOf, MongoClaimStore, MongoConversationStore } from './mongo-followup-store.ts';
import { MongoInvitationStore } from './mongo-invitation-store.ts';
import { inviteeModel, MongoInviteeStore } from './mongo-invitee-store.ts';
import { ensureCollections } from './mongo-model.ts';
import { createIndexes } from './mongo-models.ts';
import { MongoContactStore, MongoResponseStore } from './mongo-response-store.ts';
import { MongoSendLog, sendModel } from './mongo-send-log.ts';
import { MongoStaffStore, staffModelsOf } from './mongo-staff.ts';

/**
 * The stores kept in MongoDB (MONGODB_URI), on one connection. A module of its own so that a
 * process without MongoDB never loads the driver (see openStores).
 */
export async function openMongoStores(uri: string, log: Logger, tuning?: MongoConnectOptions) {
  const mongo = await connectMongo(
    uri,
    log,
    { ...(namesDatabase(uri) ? {} : { dbName: 'survey' }), ...tuning },
    createAllIndexes,
  );
  const c = mongo.connection;
  return {
    connection: c,
    close: () => mongo.close(),
    ping: () => mongo.ping(),
    stores: {
      responses: new MongoResponseStore(c),
      contacts: new MongoContactStore(c),
      invitations: new MongoInvitationStore(c),
      staff: new MongoStaffStore(c),
      audit: new MongoAuditLog(c),
      addresses: new MongoAddressBook(c),
      flowVersions: new MongoFlowSnapshots(c),
      codings: new MongoCodingStore(c),
      claims: new MongoClaimStore(c),
      conversations: new MongoConversationStore(c),
      campaigns: new MongoCampaignStore(c),
      invitees: new MongoInviteeStore(c),
      sends: new MongoSendLog(c),
    },
  };
}

/** Every collection's indexes: the respondents' side and the staff side. */
async function createAllIndexes(connection: Connection): Promise<void> {
  await createIndexes(connection);
  await ensureCollections([
    ...Object.values(staffModelsOf(connection)),
    auditModel(connection),
    addressModel(connection),
    snapshotModel(connection),
    ...Object.values(followupModelsOf(connection)),
    campaignModel(connection),
    inviteeModel(connection),
    sendModel(connection),
  ]);
}
