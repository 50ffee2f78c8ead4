import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The bot's Prometheus metrics, on a registry of its own (so two services in one test process
 * do not share counters). Label values are small closed sets: never user ids or texts.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly updatesReceived = new Counter({
    name: 'survey_updates_received_total',
    help: 'Platform updates received, by channel and kind',
    labelNames: ['channel', 'kind'] as const,
    registers: [this.registry],
  });
  readonly updatesHandled = new Counter({
    name: 'survey_updates_handled_total',
    help: 'Platform updates handled, by channel, kind and outcome (ok, refused, error)',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly turnSeconds = new Histogram({
    name: 'survey_turn_duration_seconds',
    help: 'Time of one conversation turn: load, engine, save (and the response on completion)',
    labelNames: ['channel'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly sessions = new Counter({
    name: 'survey_sessions_total',
    help: 'Sessions by event: started, completed, withdrawn, abandoned (archived as partial)',
    labelNames: ['channel', 'event'] as const,
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'survey_store_errors_total',
    help: 'Failed store operations (the turn answered "temporarily unavailable" or will retry)',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly platformErrors = new Counter({
    name: 'survey_platform_errors_total',
    help: 'Errors returned by Telegram or Discord, by channel and code',
    labelNames: ['channel', 'code'] as const,
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: 'survey_rate_limit_waits_total',
    help: 'Times an outgoing call waited out a platform rate limit',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'survey_updates_rate_limited_total',
    help: 'Updates refused because one user sent more than USER_UPDATES_PER_MINUTE',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
