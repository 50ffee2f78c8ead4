import type { Config } from './config.ts';
import { ConversationService } from './conversation/service.ts';
import { startSweeper } from './conversation/sweeper.ts';
import type { Flow } from './engine/flow.ts';
import { loadFlow, loadResources, withFlowTexts } from './flows/load.ts';
import { Translator } from './i18n/translator.ts';
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
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
  close(): Promise<void>;
}

/** Wires the configured flow, texts, stores and conversation service; channels come on top. */
export async function createApp(config: Config, log: Logger): Promise<App> {
  const resources = withFlowTexts(loadResources(), config.FLOW);
  const flow = loadFlow(config.FLOW, resources);
  const translator = new Translator(resources, flow.languages);
  const stores = await openStores(config, log);
  const metrics = new Metrics({ defaults: true });
  const service = new ConversationService({
    flow,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    codings: stores.codings,
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
    async close() {
      await sweeper?.stop();
      service.close();
      await stores.close();
    },
  };
}
