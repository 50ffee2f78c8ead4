import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import mongoose from 'mongoose';
import { TelegramChannel, type TelegramMode } from '../../src/channels/telegram/channel.ts';
import { sharedPromptMessages } from '../../src/channels/telegram/start.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { signInLinksFor } from '../dashboard/harness.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import type { Flow } from '../../src/engine/flow.ts';
import { HttpServer } from '../../src/http/server.ts';
import { Outbound } from '../../src/outbound/outbound.ts';
import { Router } from '../../src/router/router.ts';
import { Campaigns } from '../../src/campaigns/campaigns.ts';
import { InterviewCommands } from '../../src/interviews/commands.ts';
import { Interviews } from '../../src/interviews/interviews.ts';
import { followupHolder } from '../../src/interviews/personal-data.ts';
import { pseudonym } from '../../src/log.ts';
import { StaffDirectory } from '../../src/staff/directory.ts';
import { openStores, type Stores } from '../../src/store/open.ts';
import { redisClient, redisTargetOf, type RedisTarget } from '../../src/store/redis-connection.ts';
import type { Translator } from '../../src/i18n/translator.ts';
import { flow, translator } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';
import { MONGODB_URI, REDIS_URL, TEST_DATA_KEYS, needServer } from '../support/servers.ts';
import { deleteKeys, redisEnv, redisTargetFor } from '../support/stores.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';

/**
 * The stores a test runs on: 'servers' are Redis for sessions and MongoDB (FerretDB in CI) for
 * responses, contacts and invitations, opened by `openStores` as in production (the test is
 * skipped locally when they do not answer, failed under CI=true); 'cluster' the same with a Redis
 * Cluster (REDIS_CLUSTER_NODES) instead of one Redis; 'embedded' are the in-memory
 * sessions and JSON-lines files; 'auto' takes the servers when they answer (always under
 * CI=true) and the embedded stores otherwise.
 */
export type StoreKind = 'servers' | 'cluster' | 'embedded' | 'auto';

export const SALT = 'telegram-test-salt-0123456789';

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^mongodb:/, 'http:'));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export interface TestStores {
  stores: Stores;
  kind: 'servers' | 'cluster' | 'embedded';
  /** The test's own MongoDB database, when on the servers. */
  mongoUri?: string;
  /** The test's own Redis key prefix. */
  redisPrefix: string;
  /** The configuration the stores were opened with (data folder, Redis prefix...). */
  config: Config;
  /** Opens the same stores again, as a restarted process would. */
  reopen(): Promise<Stores>;
  /** Removes the test's data (key prefix, database, folder); call once the stores are closed. */
  dispose(): Promise<void>;
}

/** Opens the stores of one test, in its own Redis key prefix and MongoDB database; removed after. */
export async function openTestStores(t: TestContext, kind: StoreKind = 'auto'): Promise<TestStores | null> {
  let servers = kind === 'servers' || kind === 'cluster' || process.env.CI === 'true';
  if (kind === 'auto' && !servers) servers = (await answers(REDIS_URL)) && (await answers(MONGODB_URI));
  if (kind === 'embedded') servers = false;
  const dataDir = mkdtempSync(join(tmpdir(), 'telegram-test-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  if (servers) {
    const redis = await redisTargetFor(t, kind === 'cluster' ? 'Redis Cluster' : 'Redis');
    const mongo = await needServer(t, 'mongodb');
    if (!redis || !mongo) return null;
    const run = randomBytes(4).toString('hex');
    const uri = new URL(mongo);
    uri.pathname = `/telegram_test_${run}`;
    Object.assign(env, {
      ...redisEnv(redis),
      REDIS_PREFIX: `telegram-test:${run}:`,
      MONGODB_URI: uri.toString(),
      ...TEST_DATA_KEYS,
    });
  }
  const config = parseConfig(env);
  const open = () => openStores(config, captureLog().log);
  const stores = await open();
  return {
    stores,
    kind: kind === 'cluster' ? 'cluster' : servers ? 'servers' : 'embedded',
    config,
    ...(servers ? { mongoUri: config.MONGODB_URI! } : {}),
    redisPrefix: config.REDIS_PREFIX,
    reopen: open,
    async dispose() {
      if (servers) await removeServerData(redisTargetOf(config)!, config.REDIS_PREFIX, config.MONGODB_URI!);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function removeServerData(target: RedisTarget, prefix: string, mongoUri: string): Promise<void> {
  const redis = redisClient(target, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await deleteKeys(redis, prefix).catch(() => {});
  redis.disconnect();
  const connection = await mongoose.createConnection(mongoUri).asPromise();
  await connection.dropDatabase();
  await connection.close();
}

/** The question-message pointers in the stores' Redis, as every replica of a deployment reads them. */
export function promptsOn(stores: Stores, prefix: string) {
  assert.ok(stores.redis, 'shared question-message pointers need Redis');
  return sharedPromptMessages(
    stores.redis,
    { REDIS_PREFIX: prefix, SESSION_TTL_DAYS: 1 },
    captureLog().log,
    stores.keyring,
  );
}

export interface Harness {
  api: TelegramApiStandIn;
  stores: Stores;
  /** The configuration the stores were opened with. */
  config: Config;
  service: ConversationService;
  channel: TelegramChannel;
  /** The staff directory the bot checks staff commands against. */
  directory: StaffDirectory;
  log: ReturnType<typeof captureLog>;
  http: HttpServer | null;
  storeKind: 'servers' | 'cluster' | 'embedded';
  /** The test's MongoDB database, when on the servers. */
  mongoUri?: string;
  /** The test's Redis key prefix. */
  redisPrefix: string;
  /** The outbound port over the stores' address book, with this bot's sender registered. */
  outbound: Outbound;
  /** The interviewers' follow-ups, when started with `interviews` (their forum is `FORUM`). */
  interviews: Interviews | null;
  /** Stops the bot and starts a new one on the same stores (a process restart). */
  restart(): Promise<void>;
}

/** The interviewers' forum supergroup of a harness started with `interviews`. */
export const FORUM = -1001234567890;

export interface HarnessOptions {
  mode?: 'polling' | 'webhook';
  stores?: StoreKind;
  clock?: () => number;
  maxRetryAfter?: number;
  bulkIntervalMs?: number;
  bulkPerSecond?: number;
  /** Telegram user ids that are admins, as ADMIN_TELEGRAM_IDS would make them. */
  admins?: number[];
  /** Another flow than the questionnaire, with a translator holding its texts. */
  flow?: Flow;
  translator?: Translator;
  /** Keep the chats' question-message pointers in Redis, as replicas share them (servers only). */
  sharedPrompts?: boolean;
  /** The dashboard's address: `/dashboard` answers with sign-in links to it. */
  dashboardUrl?: string;
  /** The per-user limit on updates (USER_UPDATES_PER_MINUTE); unset: none. */
  updatesPerMinute?: number;
  /** Wire the interviewers' follow-ups as the app does, with their topics in the forum `FORUM`. */
  interviews?: boolean;
}

/**
 * A Bot API stand-in, the stores and a real telegraf bot (TelegramChannel) running against the
 * stand-in, in polling or webhook mode. Everything is stopped when the test ends.
 */
export async function startHarness(t: TestContext, options: HarnessOptions = {}): Promise<Harness | null> {
  const opened = await openTestStores(t, options.stores);
  if (!opened) return null;
  const api = new TelegramApiStandIn();
  await api.start();
  const log = captureLog();
  const mode = options.mode ?? 'polling';
  const http = mode === 'webhook' ? new HttpServer(log.log) : null;
  const port = http ? await http.listen(0, '127.0.0.1') : 0;

  const make = (stores: Stores) => {
    const directory = new StaffDirectory({
      store: stores.staff,
      audit: stores.audit,
      envAdmins: (options.admins ?? []).map((id) => ({ channel: 'telegram' as const, user: String(id) })),
    });
    const outbound = new Outbound(stores.addresses, log.log);
    const interviews = options.interviews
      ? new Interviews({
          claims: stores.claims,
          conversations: stores.conversations,
          responses: stores.responses,
          contacts: stores.contacts,
          audit: stores.audit,
          outbound,
          translator: options.translator ?? translator,
          staff: directory,
          surveyLive: async (channel, user) => (await service.current(channel, user))?.status === 'active',
          respondentOf: (channel, user) => pseudonym(SALT, channel, user),
          log: log.log,
        })
      : null;
    const service: ConversationService = new ConversationService({
      flow: options.flow ?? flow,
      sessions: stores.sessions,
      responses: stores.responses,
      contacts: stores.contacts,
      invitations: stores.invitations,
      addresses: stores.addresses,
      keyring: stores.keyring,
      ...(options.updatesPerMinute !== undefined ? { updatesPerMinute: options.updatesPerMinute } : {}),
      campaigns: stores.campaigns,
      invitees: stores.invitees,
      sends: stores.sends,
      salt: SALT,
      log: log.log,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(interviews
        ? {
            holders: [
              followupHolder({
                claims: stores.claims,
                conversations: stores.conversations,
                beforeErase: (respondent) => interviews.beforeErase(respondent),
              }),
            ],
          }
        : {}),
    });
    const routing = interviews && {
      interviews,
      commands: new InterviewCommands({
        interviews,
        translator: options.translator ?? translator,
        flows: service.flows,
        responses: stores.responses,
        contacts: stores.contacts,
        invitations: stores.invitations,
        claims: stores.claims,
        staff: directory,
      }),
    };
    const channel = new TelegramChannel({
      token: api.token,
      apiRoot: api.apiRoot,
      service,
      translator: options.translator ?? translator,
      log: log.log,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.maxRetryAfter !== undefined ? { maxRetryAfter: options.maxRetryAfter } : {}),
      ...(options.bulkIntervalMs !== undefined ? { bulkIntervalMs: options.bulkIntervalMs } : {}),
      ...(options.bulkPerSecond !== undefined ? { bulkPerSecond: options.bulkPerSecond } : {}),
      router: new Router(
        directory,
        options.dashboardUrl
          ? signInLinksFor(stores, opened.config, directory, options.dashboardUrl, options.clock)
          : undefined,
        routing ?? undefined,
        new Campaigns({ ...stores, flowOf: (id) => service.flows.get(id), invitationQueue: null }),
      ),
      ...(options.sharedPrompts && stores.redis ? { prompts: promptsOn(stores, opened.redisPrefix) } : {}),
      ...(interviews ? { staffGroup: FORUM } : {}),
    });
    outbound.register('telegram', channel.sender);
    if (interviews) interviews.registerSpace('telegram', channel.staffSpace!);
    return { service, channel, directory, outbound, interviews };
  };
  const botMode: TelegramMode = http
    ? {
        mode: 'webhook',
        url: `http://127.0.0.1:${port}/telegram/hook`,
        path: '/telegram/hook',
        secret: 'hook-secret_1',
        server: http,
      }
    : { mode: 'polling' };

  const harness = {
    api,
    log,
    http,
    stores: opened.stores,
    config: opened.config,
    storeKind: opened.kind,
    redisPrefix: opened.redisPrefix,
    ...(opened.mongoUri ? { mongoUri: opened.mongoUri } : {}),
    ...make(opened.stores),
  } as Harness;
  await harness.channel.start(botMode);
  harness.restart = async () => {
    await harness.channel.stop();
    if (opened.kind !== 'embedded') {
      await harness.stores.close();
      harness.stores = await opened.reopen();
    }
    Object.assign(harness, make(harness.stores));
    await harness.channel.start(botMode);
  };
  t.after(async () => {
    await harness.channel.stop();
    harness.service.close();
    await http?.close();
    await api.close();
    await harness.stores.close();
    await opened.dispose();
  });
  return harness;
}
