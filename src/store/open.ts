import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { AddressBook } from './address-book.ts';
import type { AuditLog } from './audit-log.ts';
import { FileAddressBook } from './file-address-book.ts';
import { FileAuditLog } from './file-audit-log.ts';
import { FileFlowSnapshots } from './file-flow-snapshots.ts';
import { FileClaimStore, FileConversationStore } from './file-followup-store.ts';
import type { ClaimStore, ConversationLines, ConversationStore } from './followup-store.ts';
import type { CodingStore } from './coding-store.ts';
import { FileCodingStore } from './file-coding-store.ts';
import { FileInvitationStore } from './file-invitation-store.ts';
import { FileStaffStore } from './file-staff-store.ts';
import type { FlowSnapshotStore } from './flow-snapshots.ts';
import type { StaffInviteRows, StaffStore } from './staff-store.ts';
import type { SealedSwap } from './sealed-swap.ts';
import type { CampaignStore } from './campaign-store.ts';
import { FileCampaignStore } from './file-campaign-store.ts';
import { FileInviteeStore } from './file-invitee-store.ts';
import { FileSendLog } from './file-send-log.ts';
import type { InviteeRows, InviteeStore } from './invitee-store.ts';
import type { SendLog } from './send-log.ts';
import { FileContactStore, FileResponseStore } from './file-response-store.ts';
import type { InvitationStore } from './invitation-store.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import type { Connection } from 'mongoose';
import type { MongoConnectOptions } from './mongo-connection.ts';
import {
  connectRedis,
  describeTarget,
  pingRedis,
  redisTargetOf,
  type RedisClient,
  type RedisConnectOptions,
} from './redis-connection.ts';
import { RedisSessionStore } from './redis-session-store.ts';
import type { ContactStore, ResponseStore } from './response-store.ts';
import { serverName } from './server-name.ts';
import { loadKeyring } from '../privacy/key-source.ts';
import {
  FileKeyChecks,
  MongoKeyChecks,
  RedisKeyChecks,
  verifyKeys,
  type KeyChecks,
} from '../privacy/key-check.ts';
import type { Keyring } from '../privacy/keyring.ts';
import {
  SealedAddressBook,
  SealedContactStore,
  SealedStaffStore,
  type ReportUnreadable,
  type Resealable,
} from '../privacy/sealed-stores.ts';
import { SealedConversationStore } from '../privacy/sealed-conversations.ts';
import { SealedInviteeStore } from '../privacy/sealed-invitees.ts';
import type { SessionStore } from './session-store.ts';

/** The stores kept in MongoDB or, embedded, in DATA_DIR: one shape for both. */
interface DataStores {
  responses: ResponseStore;
  contacts: ContactStore & SealedSwap;
  invitations: InvitationStore;
  staff: StaffStore & SealedSwap & StaffInviteRows;
  audit: AuditLog;
  addresses: AddressBook & SealedSwap;
  flowVersions: FlowSnapshotStore;
  codings: CodingStore;
  claims: ClaimStore;
  conversations: ConversationStore & ConversationLines;
  campaigns: CampaignStore;
  invitees: InviteeStore & InviteeRows;
  sends: SendLog;
}

function openFileStores(dir: string) {
  return {
    responses: new FileResponseStore(dir),
    contacts: new FileContactStore(dir),
    invitations: new FileInvitationStore(dir),
    staff: new FileStaffStore(dir),
    audit: new FileAuditLog(dir),
    addresses: new FileAddressBook(dir),
    flowVersions: new FileFlowSnapshots(dir),
    codings: new FileCodingStore(dir),
    claims: new FileClaimStore(dir),
    conversations: new FileConversationStore(dir),
    campaigns: new FileCampaignStore(dir),
    invitees: new FileInviteeStore(dir),
    sends: new FileSendLog(dir),
  } satisfies DataStores;
}

export interface Stores {
  /** The data keys personal data is sealed with (see src/privacy). */
  keyring: Keyring;
  /** Where the keys came from: `DATA_KEYS` or the key file's path (for start-up). */
  keySource: string;
  /** The stores holding sealed data, each able to seal it again with the current key. */
  sealed: Resealable[];
  /**
   * Checks each configured key against the check value stored with the data (made on first use):
   * rejects with WrongKeyError naming the variable when a key is not the one its id sealed with.
   */
  verifyKeys(): Promise<void>;
  sessions: SessionStore;
  responses: ResponseStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  /** Staff members and their invitation codes. */
  staff: StaffStore;
  /** What staff did with personal data and rights: append-only. */
  audit: AuditLog;
  /** Where to reach each respondent later (personal data). */
  addresses: AddressBook;
  /** Every deployed version of every flow, with its texts. */
  flowVersions: FlowSnapshotStore;
  /** Codebooks and the codes coders gave open answers. */
  codings: CodingStore;
  /** Which interviewer holds which respondent for a follow-up. */
  claims: ClaimStore;
  /** Follow-up conversations, their transcripts and the interviewers' notes (personal data). */
  conversations: ConversationStore;
  /** Coordinators' campaigns. */
  campaigns: CampaignStore;
  /** The people campaigns invite by e-mail (personal data). */
  invitees: InviteeStore;
  /** Every invitation and reminder sent or tried, by idempotency key. */
  sends: SendLog;
  /**
   * The Redis connection of the session store (one server or a cluster), when sessions are in
   * Redis: replicas also share their leader locks and channel state through it. Null with
   * embedded sessions (one process).
   */
  redis: RedisClient | null;
  /** One line saying which stores are in use, for start-up. */
  description: string;
  /** The servers the stores depend on, each with a ping (for /readyz); none for embedded stores. */
  servers: { name: 'redis' | 'mongodb'; ping(): Promise<boolean> }[];
  close(): Promise<void>;
}

export type StoreConfig = Pick<
  Config,
  'DATA_DIR' | 'REDIS_URL' | 'REDIS_PREFIX' | 'MONGODB_URI' | 'SESSION_TTL_DAYS'
> &
  Partial<Pick<Config, 'REDIS_CLUSTER_NODES'>> &
  Partial<Pick<Config, 'DATA_KEYS' | 'DATA_KEY_CURRENT' | 'DATA_HASH_KEY'>>;

/**
 * Opens the stores the configuration selects, each on its own: Redis for sessions when
 * REDIS_URL (or REDIS_CLUSTER_NODES) is set, MongoDB for responses, contacts, invitations and
 * codings when MONGODB_URI is set, the embedded ones otherwise. A server that does not answer does not stop start-up: it is
 * logged, retried with backoff, and turns meanwhile answer "temporarily unavailable".
 */
export async function openStores(
  config: StoreConfig,
  log: Logger,
  tuning: { redis?: RedisConnectOptions; mongo?: MongoConnectOptions } = {},
): Promise<Stores> {
  const closers: (() => Promise<void>)[] = [];
  const parts: string[] = [];
  const embedded: string[] = [];
  const servers: Stores['servers'] = [];
  const { keyring, source: keySource } = loadKeyring(config);
  if (!config.DATA_KEYS && (redisTargetOf(config) || config.MONGODB_URI))
    log.warn(
      { keyFile: keySource },
      'DATA_KEYS is not set: personal data are sealed with the key file in DATA_DIR, which only this machine has; set DATA_KEYS before running a second replica',
    );
  // A value sealed with a key that is gone is named (store, record, key), never its content.
  const onUnreadable: ReportUnreadable = (problem) =>
    log.warn(problem, 'personal data not readable: its key is gone');

  let sessions: SessionStore;
  let redis: RedisClient | null = null;
  const target = redisTargetOf(config);
  if (target) {
    const client = await connectRedis(target, log, tuning.redis);
    redis = client;
    // The session store's commands are those of both clients; its type names the single one.
    sessions = new RedisSessionStore(client, {
      prefix: config.REDIS_PREFIX,
      ttlMs: config.SESSION_TTL_DAYS * 86_400_000,
      ownsClient: true,
      keyring,
      onUnreadable,
    });
    servers.push({ name: 'redis', ping: () => pingRedis(client) });
    parts.push(`sessions in Redis at ${describeTarget(target)}`);
  } else {
    sessions = new MemorySessionStore();
    parts.push('sessions in memory');
    embedded.push('REDIS_URL');
  }
  closers.push(() => sessions.close());

  let data: DataStores;
  let mongoConnection: Connection | null = null;
  if (config.MONGODB_URI) {
    // The MongoDB driver and models are loaded only when MONGODB_URI is set.
    const { openMongoStores } = await import('./open-mongo.ts');
    const mongo = await openMongoStores(config.MONGODB_URI, log, tuning.mongo);
    mongoConnection = mongo.connection;
    data = mongo.stores;
    closers.push(() => mongo.close());
    servers.push({ name: 'mongodb', ping: () => mongo.ping() });
    parts.push(
      `responses, contacts, invitations, codings and staff data in MongoDB at ${serverName(config.MONGODB_URI)}`,
    );
  } else {
    const files = openFileStores(config.DATA_DIR);
    data = files;
    closers.push(() => Promise.all(Object.values(files).map((f) => f.close())).then(() => {}));
    parts.push(`responses, contacts, invitations, codings and staff data in ${config.DATA_DIR}`);
    embedded.push('MONGODB_URI');
  }

  const sealedContacts = new SealedContactStore(data.contacts, keyring, onUnreadable);
  const sealedAddresses = new SealedAddressBook(data.addresses, keyring, onUnreadable);
  const sealedStaff = new SealedStaffStore(data.staff, keyring, onUnreadable);
  const sealedConversations = new SealedConversationStore(data.conversations, keyring, onUnreadable);
  const sealedInvitees = new SealedInviteeStore(data.invitees, keyring, onUnreadable);
  const sealed: Resealable[] = [
    sealedContacts,
    sealedAddresses,
    sealedStaff,
    sealedConversations,
    sealedInvitees,
  ];
  if (sessions instanceof RedisSessionStore) sealed.push(sessions);
  let keyChecks: KeyChecks;
  if (mongoConnection) keyChecks = new MongoKeyChecks(mongoConnection);
  else if (redis) keyChecks = new RedisKeyChecks(redis, config.REDIS_PREFIX);
  else keyChecks = new FileKeyChecks(config.DATA_DIR);
  const note = embedded.length
    ? ` (embedded: ${embedded.join(' and ')} ${embedded.length > 1 ? 'are' : 'is'} not set)`
    : '';
  return {
    keyring,
    keySource,
    sealed,
    verifyKeys: () => verifyKeys(keyring, keyChecks, keySource),
    sessions,
    ...data,
    contacts: sealedContacts,
    staff: sealedStaff,
    addresses: sealedAddresses,
    conversations: sealedConversations,
    invitees: sealedInvitees,
    redis,
    description: parts.join(', ') + note,
    servers,
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
