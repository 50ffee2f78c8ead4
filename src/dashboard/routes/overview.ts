import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { regionName } from '../../engine/regions.ts';
import { overviewOf, type Row } from '../overview/overview.ts';
import { ResponseScope } from '../scope.ts';
import type { Dashboard } from '../server.ts';

type Query = { Querystring: { flow?: unknown } };

/** How often an open overview asks for its figures again. */
export const POLL_SECONDS = 3;

/**
 * The overview: surveys in progress, completed today and in total, by channel, language and
 * country, for one flow, within the member's scope. Its figures are a fragment that htmx asks
 * for again every few seconds, so they change without a reload.
 */
export function mountOverview(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  const figures = async (req: FastifyRequest<Query>) => {
    const requested = typeof req.query.flow === 'string' ? req.query.flow : undefined;
    const flow = (requested && deps.flows.get(requested)) || deps.flows.defaultFlow;
    const member = req.staff!.member;
    const scope = await ResponseScope.of(member, deps.stores.invitations);
    const inProgress = await deps.stores.sessions.countActive().catch(() => null);
    const overview = overviewOf(
      deps.tally.values(),
      flow.id,
      scope,
      inProgress ?? 0,
      (deps.clock ?? Date.now)(),
    );
    const lng = dashboard.views.languageOf(req, member);
    const t = deps.translator.translatorFor(lng);
    const named = (rows: Row[], name: (key: string) => string) =>
      rows.map((r) => ({ ...r, name: r.key ? name(r.key) : t({ key: 'dashboard:overview.unknown' }) }));
    return {
      flow: flow.id,
      flows: deps.flows.ids(),
      unknownFlow: requested !== undefined && requested !== flow.id,
      overview,
      inProgressKnown: inProgress !== null,
      asOf: deps.tally.asOf,
      byChannel: named(overview.byChannel, (c) => t({ key: `dashboard:channel.${c}` })),
      byLanguage: named(overview.byLanguage, (code) =>
        t({ key: 'common:language.option', params: { code } }),
      ),
      byCountry: named(overview.byCountry, (code) => regionName(code, lng)),
      poll: POLL_SECONDS,
    };
  };

  app.get<Query>('/dashboard', async (req, reply: FastifyReply) => {
    const data = await figures(req);
    return dashboard.views.send(reply, 'overview', dashboard.context(req, 'overview'), data);
  });

  app.get<Query>('/dashboard/overview/live', async (req, reply) => {
    const data = await figures(req);
    return dashboard.views.send(reply, 'overview-live', dashboard.context(req, 'overview'), data);
  });
}
