import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Connection } from 'mongoose';
import { startDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import type { Flow } from '../../src/engine/flow.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { FileLinkStore } from '../../src/dashboard/auth/link-store.ts';
import { SignInLinks } from '../../src/dashboard/auth/sign-in-links.ts';
import { Outbound } from '../../src/outbound/outbound.ts';
import { Router } from '../../src/router/router.ts';
import { StaffDirectory } from '../../src/staff/directory.ts';
import type { CampaignStore } from '../../src/store/campaign-store.ts';
import type { AddressBook } from '../../src/store/address-book.ts';
import { FileAddressBook } from '../../src/store/file-address-book.ts';
import { FileAuditLog } from '../../src/store/file-audit-log.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileStaffStore } from '../../src/store/file-staff-store.ts';
import { MongoAddressBook } from '../../src/store/mongo-address-book.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import type { InvitationStore } from '../../src/store/invitation-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { MongoInvitationStore } from '../../src/store/mongo-invitation-store.ts';
import { MongoContactStore, MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import type { ContactStore, ResponseStore } from '../../src/store/response-store.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import { DiscordStandIn } from './discord-api.ts';
import { DiscordRespondent } from './discord-user.ts';
import type { Translator } from '../../src/i18n/translator.ts';
import { flow, translator } from './flow.ts';
import { mongoFor, redisFor } from './stores.ts';

export interface HarnessStores {
  sessions: SessionStore;
  responses: ResponseStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  /** Where respondents can be reached: written when a session starts. */
  addresses: AddressBook;
  /** Campaigns, when a test needs a campaign's status checked. */
  campaigns?: CampaignStore;
  /** Which implementations, for test names and the bench. */
  kind: string;
}

/** The embedded stores in a fresh folder. */
export function embeddedStores(t: TestContext): HarnessStores {
  const dir = mkdtempSync(join(tmpdir(), 'discord-test-'));
  const stores = {
    sessions: new MemorySessionStore(),
    responses: new FileResponseStore(dir),
    contacts: new FileContactStore(dir),
    invitations: new FileInvitationStore(dir),
    addresses: new FileAddressBook(dir),
    kind: 'embedded',
  };
  t.after(async () => {
    await Promise.all([
      stores.responses.close(),
      stores.contacts.close(),
      stores.invitations.close(),
      stores.addresses.close(),
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
}

/**
 * Sessions in the real Redis and responses, contacts and invitations in the real MongoDB-protocol
 * server, each test in its own key prefix and database. Null (the test skipped; failed under
 * CI=true) when a server does not answer.
 */
export async function serverStores(t: TestContext): Promise<(HarnessStores & { mongo: Connection }) | null> {
  const redis = await redisFor(t);
  const mongo = redis ? await mongoFor(t) : null;
  if (!redis || !mongo) return null;
  return {
    sessions: redis.newStore(),
    responses: new MongoResponseStore(mongo.connection),
    contacts: new MongoContactStore(mongo.connection),
    invitations: new MongoInvitationStore(mongo.connection),
    addresses: new MongoAddressBook(mongo.connection),
    kind: 'Redis and MongoDB',
    mongo: mongo.connection,
  };
}

export interface Harness {
  api: DiscordStandIn;
  bot: DiscordChannel;
  service: ConversationService;
  stores: HarnessStores;
  /** The outbound port over the stores' address book, with this bot's sender registered. */
  outbound: Outbound;
  /** The staff directory the bot's router checks (embedded files of the test). */
  directory: StaffDirectory;
  respondent(opts?: { locale?: string; username?: string }): DiscordRespondent;
}

/**
 * The real discord.js client of our channel, connected to a fresh Discord stand-in, over the
 * given stores (embedded by default). Everything is stopped after the test.
 */
export async function startHarness(
  t: TestContext,
  opts: {
    stores?: HarnessStores;
    ackAfterMs?: number;
    heartbeatInterval?: number;
    clock?: () => number;
    maxRateLimitWaitMs?: number;
    log?: Logger;
    /** Another flow than the questionnaire, with a translator holding its texts. */
    flow?: Flow;
    translator?: Translator;
    /** Discord user ids that are admins, as ADMIN_DISCORD_IDS would make them. */
    admins?: string[];
    /** The dashboard's address: `/dashboard` answers with sign-in links to it. */
    dashboardUrl?: string;
    /** Refused requests after which unasked messages wait (DiscordSender's budget). */
    invalidRequestBudget?: number;
  } = {},
): Promise<Harness> {
  const stores = opts.stores ?? embeddedStores(t);
  const staffDir = mkdtempSync(join(tmpdir(), 'discord-staff-'));
  const [staff, audit] = [new FileStaffStore(staffDir), new FileAuditLog(staffDir)];
  const directory = new StaffDirectory({
    store: staff,
    audit,
    envAdmins: (opts.admins ?? []).map((user) => ({ channel: 'discord' as const, user })),
  });
  const links = opts.dashboardUrl
    ? new SignInLinks({ store: new FileLinkStore(staffDir), directory, audit, baseUrl: opts.dashboardUrl })
    : undefined;
  t.after(async () => {
    await Promise.all([staff.close(), audit.close()]);
    rmSync(staffDir, { recursive: true, force: true });
  });
  const service = new ConversationService({
    flow: opts.flow ?? flow,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    invitations: stores.invitations,
    addresses: stores.addresses,
    ...(stores.campaigns ? { campaigns: stores.campaigns } : {}),
    salt: 'discord-test-salt-0123456789',
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const api = await DiscordStandIn.start({ heartbeatInterval: opts.heartbeatInterval ?? 1000 });
  const bot = await startDiscordChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator: opts.translator ?? translator,
    invitations: stores.invitations,
    log: opts.log ?? silentLogger,
    ...(opts.ackAfterMs ? { ackAfterMs: opts.ackAfterMs } : {}),
    ...(opts.maxRateLimitWaitMs ? { maxRateLimitWaitMs: opts.maxRateLimitWaitMs } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    router: new Router(directory, links),
    ...(opts.invalidRequestBudget !== undefined ? { invalidRequestBudget: opts.invalidRequestBudget } : {}),
  });
  const outbound = new Outbound(stores.addresses, opts.log ?? silentLogger);
  outbound.register('discord', bot.sender);
  t.after(async () => {
    await bot.stop();
    service.close();
    await api.close();
  });
  return {
    api,
    bot,
    service,
    stores,
    outbound,
    directory,
    respondent: (o = {}) => new DiscordRespondent(api, bot.events, api.addUser(o)),
  };
}

/** The stores a test can run on: embedded always, Redis and MongoDB when the test servers answer. */
export const STORE_KINDS = ['embedded stores', 'Redis and MongoDB'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** A harness on the named stores, or null when the test was skipped (servers not reachable). */
export async function harnessOn(
  t: TestContext,
  kind: StoreKind,
  opts: Omit<Parameters<typeof startHarness>[1] & object, 'stores'> = {},
): Promise<(Harness & { mongo?: Connection }) | null> {
  if (kind === 'embedded stores') return startHarness(t, opts);
  const stores = await serverStores(t);
  if (!stores) return null;
  return { ...(await startHarness(t, { ...opts, stores })), mongo: stores.mongo };
}
