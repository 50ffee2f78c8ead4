import type { Config } from './config.ts';
import { ConversationService } from './conversation/service.ts';
import { startSweeper } from './conversation/sweeper.ts';
import type { Flow } from './engine/flow.ts';
import { loadFlow, loadResources } from './flows/load.ts';
import { Translator } from './i18n/translator.ts';
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { BullmqJobs } from './jobs/bullmq-jobs.ts';
import type { Jobs } from './jobs/job-queue.ts';
import { MemoryJobs } from './jobs/memory-jobs.ts';
import { Router } from './router/router.ts';
import { StaffDirectory } from './staff/directory.ts';
import type { Principal } from './staff/staff.ts';
import { openStores, type Stores } from './store/open.ts';

export interface App {
  config: Config;
  flow: Flow;
  translator: Translator;
  stores: Stores;
  service: ConversationService;
  log: Logger;
  /** The process's Prometheus metrics, served at /metrics. */
  metrics: Metrics;
  /** Queued work: BullMQ on Redis when REDIS_URL is set, else in this process. */
  jobs: Jobs;
  /** Who is staff, with which role. */
  directory: StaffDirectory;
  /** Decides where each incoming update goes (a staff command or the survey). */
  router: Router;
  close(): Promise<void>;
}

/** Wires the configured flow, texts, stores and conversation service; channels come on top. */
export async function createApp(config: Config, log: Logger): Promise<App> {
  const resources = loadResources();
  const flow = loadFlow(config.FLOW, resources);
  const translator = new Translator(resources, flow.languages);
  const stores = await openStores(config, log);
  const metrics = new Metrics({ defaults: true });
  const jobs: Jobs = config.REDIS_URL
    ? new BullmqJobs({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log })
    : new MemoryJobs();
  const directory = new StaffDirectory({
    store: stores.staff,
    audit: stores.audit,
    envAdmins: envAdmins(config),
  });
  const service = new ConversationService({
    flow,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    salt: config.RESPONDENT_SALT ?? '',
    abandonAfter: config.ABANDON_AFTER_HOURS * 3600_000,
    log,
    metrics,
  });
  const sweeper =
    config.SWEEP_INTERVAL_MINUTES > 0
      ? startSweeper(service, { intervalMs: config.SWEEP_INTERVAL_MINUTES * 60_000, log })
      : null;
  return {
    config,
    flow,
    translator,
    stores,
    service,
    log,
    metrics,
    jobs,
    directory,
    router: new Router(directory),
    async close() {
      await sweeper?.stop();
      service.close();
      await jobs.close();
      await stores.close();
    },
  };
}

/** The admins named by ADMIN_TELEGRAM_IDS and ADMIN_DISCORD_IDS. */
function envAdmins(config: Config): Principal[] {
  return [
    ...(config.ADMIN_TELEGRAM_IDS ?? []).map((user) => ({ channel: 'telegram' as const, user })),
    ...(config.ADMIN_DISCORD_IDS ?? []).map((user) => ({ channel: 'discord' as const, user })),
  ];
}
