import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../src/config.ts';
import { ConversationService, type ConversationDeps } from '../src/conversation/service.ts';
import type { Flow } from '../src/engine/flow.ts';
import { silentLogger } from '../src/log.ts';
import { openStores, type Stores } from '../src/store/open.ts';
import { reachable } from './measure.ts';
import { TEST_DATA_KEYS } from '../test/support/servers.ts';

export interface BenchService {
  config: Config;
  stores: Stores;
  service: ConversationService;
  /** Where sessions and responses are, for the benchmark's first line. */
  description: string;
  close(): Promise<void>;
}

/**
 * The stores and conversation service a channel benchmark runs on, as the service opens them:
 * sessions in Redis when REDIS_URL (default redis://127.0.0.1:6379) answers, responses in
 * MongoDB with MONGODB_URI, else in embedded files in a temporary directory.
 */
export async function benchService(
  name: string,
  flow: Flow,
  extra: Partial<ConversationDeps> = {},
): Promise<BenchService> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const withRedis = await reachable(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-bench-`));
  const config = parseConfig({
    DATA_DIR: dataDir,
    ...TEST_DATA_KEYS,
    ...(withRedis ? { REDIS_URL: redisUrl, REDIS_PREFIX: `${name}-bench:${process.pid}:` } : {}),
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}),
  });
  const stores = await openStores(config, silentLogger);
  const service = new ConversationService({
    flow,
    ...stores,
    salt: 'bench-salt-0123456789',
    log: silentLogger,
    ...extra,
  });
  return {
    config,
    stores,
    service,
    description: stores.description + (withRedis ? '' : ` (Redis not reachable at ${redisUrl})`),
    async close() {
      service.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
