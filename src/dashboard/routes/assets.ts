import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { REPORT_CSS } from '../../analysis/render/html.ts';

const require = createRequire(import.meta.url);

/** The files pages load, read once: our stylesheets and htmx from node_modules (never a CDN). */
const FILES: Record<string, { type: string; body: Buffer }> = {
  'dashboard.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(join(import.meta.dirname, '..', 'assets', 'dashboard.css')),
  },
  'poster.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(join(import.meta.dirname, '..', 'assets', 'poster.css')),
  },
  // The report's own style, the one the standalone report inlines (the page's CSP allows no inline style).
  'report.css': { type: 'text/css; charset=utf-8', body: Buffer.from(REPORT_CSS) },
  'coding.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(import.meta.dirname, '..', 'assets', 'coding.js')),
  },
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
  },
};

export function mountAssets(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', async (req, reply) => {
    const file = Object.hasOwn(FILES, req.params.file) ? FILES[req.params.file] : undefined;
    if (!file) return reply.callNotFound();
    return reply.header('cache-control', 'public, max-age=3600').type(file.type).send(file.body);
  });
}
