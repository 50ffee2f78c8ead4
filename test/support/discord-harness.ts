import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Connection } from 'mongoose';
import { startDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import type { Flow } from '../../src/engine/flow.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
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
    kind: 'embedded',
  };
  t.after(async () => {
    await Promise.all([stores.responses.close(), stores.contacts.close(), stores.invitations.close()]);
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
    kind: 'Redis and MongoDB',
    mongo: mongo.connection,
  };
}

export interface Harness {
  api: DiscordStandIn;
  bot: DiscordChannel;
  service: ConversationService;
  stores: HarnessStores;
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
  } = {},
): Promise<Harness> {
  const stores = opts.stores ?? embeddedStores(t);
  const service = new ConversationService({
    flow: opts.flow ?? flow,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    invitations: stores.invitations,
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
  });
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
