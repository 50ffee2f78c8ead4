import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { TelegramChannel, type TelegramMode } from '../../src/channels/telegram/channel.ts';
import { parseConfig } from '../../src/config.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { HttpServer } from '../../src/http/server.ts';
import type { Logger } from '../../src/log.ts';
import { openStores, type Stores } from '../../src/store/open.ts';
import { flow, translator } from '../support/flow.ts';
import { needServer } from '../support/servers.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';

/**
 * Which stores the end-to-end tests run on. 'servers': Redis for sessions and MongoDB (FerretDB)
 * for responses, whenever those servers answer (skipped locally when not, failed under CI=true).
 */
export const STORE_KIND: 'embedded' | 'servers' = 'embedded';

export const SALT = 'telegram-test-salt-0123456789';

/** Log lines as parsed JSON, to check that failures are logged with their context. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** Opens the stores of STORE_KIND for one test, each test in its own key prefix or database. */
export async function openTestStores(
  t: TestContext,
): Promise<{ stores: Stores; reopen(): Promise<Stores> } | null> {
  const dataDir = mkdtempSync(join(tmpdir(), 'telegram-test-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  let dropDatabase: string | null = null;
  if (STORE_KIND === 'servers') {
    const redis = await needServer(t, 'redis');
    const mongo = await needServer(t, 'mongodb');
    if (!redis || !mongo) return null;
    const run = randomBytes(4).toString('hex');
    dropDatabase = `telegram_test_${run}`;
    const uri = new URL(mongo);
    uri.pathname = `/${dropDatabase}`;
    Object.assign(env, {
      REDIS_URL: redis,
      REDIS_PREFIX: `telegram-test:${run}:`,
      MONGODB_URI: uri.toString(),
    });
  }
  const config = parseConfig(env);
  const open = () => openStores(config, captureLog().log);
  const stores = await open();
  t.after(async () => {
    if (dropDatabase) await dropMongoDatabase(config.MONGODB_URI!);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { stores, reopen: open };
}

async function dropMongoDatabase(uri: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const connection = await mongoose.createConnection(uri).asPromise();
  await connection.dropDatabase();
  await connection.close();
}

export interface Harness {
  api: TelegramApiStandIn;
  stores: Stores;
  service: ConversationService;
  channel: TelegramChannel;
  log: ReturnType<typeof captureLog>;
  http: HttpServer | null;
  /** Stops the bot and starts a new one on the same stores (a process restart). */
  restart(): Promise<void>;
}

export interface HarnessOptions {
  mode?: 'polling' | 'webhook';
  clock?: () => number;
  maxRetryAfter?: number;
  bulkIntervalMs?: number;
}

/**
 * A Bot API stand-in, the stores and a real telegraf bot (TelegramChannel) running against the
 * stand-in, in polling or webhook mode. Everything is stopped when the test ends.
 */
export async function startHarness(t: TestContext, options: HarnessOptions = {}): Promise<Harness | null> {
  const opened = await openTestStores(t);
  if (!opened) return null;
  const api = new TelegramApiStandIn();
  await api.start();
  const log = captureLog();
  const mode = options.mode ?? 'polling';
  const http = mode === 'webhook' ? new HttpServer(log.log) : null;
  const port = http ? await http.listen(0, '127.0.0.1') : 0;

  const make = (stores: Stores) => {
    const service = new ConversationService({
      flow,
      sessions: stores.sessions,
      responses: stores.responses,
      contacts: stores.contacts,
      salt: SALT,
      log: log.log,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const channel = new TelegramChannel({
      token: api.token,
      apiRoot: api.apiRoot,
      service,
      translator,
      invitations: stores.invitations,
      log: log.log,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.maxRetryAfter !== undefined ? { maxRetryAfter: options.maxRetryAfter } : {}),
      ...(options.bulkIntervalMs !== undefined ? { bulkIntervalMs: options.bulkIntervalMs } : {}),
    });
    return { service, channel };
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

  const harness = { api, log, http, stores: opened.stores, ...make(opened.stores) } as Harness;
  await harness.channel.start(botMode);
  harness.restart = async () => {
    await harness.channel.stop();
    if (STORE_KIND === 'servers') {
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
  });
  return harness;
}
