import type { App } from '../app.ts';
import { dashboardUrl } from '../config.ts';
import type { HttpServer } from '../http/server.ts';
import { MemoryStaffSessions, RedisStaffSessions } from './auth/session-store.ts';
import { StaffAuth } from './auth/staff-auth.ts';
import { ResponseTally } from './overview/tally.ts';
import { POLL_SECONDS } from './routes/overview.ts';
import { countryQuestionOf } from './routes/responses.ts';
import { createDashboard } from './server.ts';

export interface RunningDashboard {
  /** The address sign-in links point to. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the staff dashboard under /dashboard on the process's HTTP server, over the app's
 * stores: sessions in Redis when REDIS_URL or REDIS_CLUSTER_NODES is set (any replica serves any
 * page), else in this process; the overview's tally refreshed every few seconds.
 */
export async function startDashboard(app: App, http: Pick<HttpServer, 'mount'>): Promise<RunningDashboard> {
  const { config, stores } = app;
  const sessions = stores.redis
    ? new RedisStaffSessions(stores.redis, config.REDIS_PREFIX)
    : new MemoryStaffSessions();
  const auth = new StaffAuth({
    sessions,
    directory: app.directory,
    audit: stores.audit,
    idleMs: config.DASHBOARD_IDLE_MINUTES * 60_000,
  });
  const tally = new ResponseTally({
    responses: stores.responses,
    countryQuestion: (flowId) => countryQuestionOf(app.flows.get(flowId)),
    log: app.log,
  });
  tally.start(POLL_SECONDS * 1000);
  const url = dashboardUrl(config);
  const dashboard = await createDashboard({
    stores,
    directory: app.directory,
    flows: app.flows,
    translator: app.translator,
    links: app.signInLinks,
    auth,
    tally,
    log: app.log,
    secureCookies: url.startsWith('https:'),
    interviews: app.interviews,
    campaigns: app.campaigns,
    ...(config.TELEGRAM_BOT_USERNAME ? { telegramBot: config.TELEGRAM_BOT_USERNAME } : {}),
  });
  const unmount = http.mount('/dashboard', (req, res) => dashboard.handle(req, res));
  return {
    url,
    async close() {
      unmount();
      await tally.stop();
      await dashboard.close();
    },
  };
}
