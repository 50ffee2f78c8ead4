import type { Metrics } from '../metrics.ts';
import type { HttpServer } from './server.ts';

/** Serves the Prometheus text exposition of `metrics` at GET /metrics. */
export function mountMetrics(http: HttpServer, metrics: Metrics): void {
  http.route('GET', '/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.render();
    res
      .writeHead(200, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      })
      .end(body);
  });
}
