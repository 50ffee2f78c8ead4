import type { FastifyInstance } from 'fastify';
import type { Dashboard } from '../server.ts';

const PAGE = 50;

/** The audit log for admins: newest first, fifty at a time, optionally one kind of action. */
export function mountAudit(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/audit', async (req, reply) => {
    const { before, action } = req.query;
    const validBefore = typeof before === 'string' && /^[0-9a-z-]{1,40}$/.test(before) ? before : undefined;
    const validAction = typeof action === 'string' && /^[a-z_.]{1,40}$/.test(action) ? action : undefined;
    const invalid =
      (before !== undefined && before !== '' && !validBefore) ||
      (action !== undefined && action !== '' && !validAction);
    const entries = invalid
      ? []
      : await deps.stores.audit.list({
          limit: PAGE,
          ...(validBefore ? { before: validBefore } : {}),
          ...(validAction ? { action: validAction } : {}),
        });
    const names = new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
    const next = entries.length === PAGE ? new URLSearchParams({ before: entries.at(-1)!.id }) : null;
    if (next && validAction) next.set('action', validAction);
    return dashboard.views.send(reply, 'audit', dashboard.context(req, 'audit'), {
      entries: entries.map((e) => ({
        ...e,
        actorName: names.get(e.actor) ?? null,
        targetName: names.get(e.target ?? '') ?? null,
      })),
      action: validAction ?? '',
      invalid,
      next: next ? `/dashboard/audit?${next}` : null,
    });
  });
}
