import type { App } from '../app.ts';
import { dashboardUrl } from '../config.ts';
import type { HttpServer, RouteHandler } from '../http/server.ts';
import type { RunningDashboard } from './start.ts';

/**
 * The dashboard under /dashboard, started at its first request: a bot process whose staff never
 * open it does not load Fastify and the pages' libraries, nor poll the responses for the overview.
 * Requests that come while it starts wait for it; a start that fails is logged, answered 503 and
 * tried again at the next request.
 */
export function mountDashboardOnDemand(app: App, http: HttpServer): RunningDashboard {
  let starting: Promise<RunningDashboard> | null = null;
  let pages: RouteHandler | null = null;
  let closed = false;
  // startDashboard mounts its handler here rather than on the server, which already holds ours.
  const inner = {
    mount: (_prefix: string, handler: RouteHandler) => {
      pages = handler;
      return () => (pages = null);
    },
  };
  const start = () =>
    (starting ??= import('./start.ts')
      .then(({ startDashboard }) => startDashboard(app, inner))
      .catch((error: unknown) => {
        starting = null;
        throw error;
      }));
  const unmount = http.mount('/dashboard', async (req, res) => {
    try {
      if (!closed) await start();
    } catch (error) {
      app.log.error({ err: error }, 'the dashboard could not start');
    }
    if (closed || !pages) return void res.writeHead(503, { 'retry-after': '5' }).end();
    await pages(req, res);
  });
  return {
    url: dashboardUrl(app.config),
    async close() {
      closed = true;
      unmount();
      await (await starting?.catch(() => null))?.close();
    },
  };
}
