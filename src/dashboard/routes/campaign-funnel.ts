import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { funnelCsv, SPLITS, STAGES, type FunnelRow } from '../../campaigns/funnel.ts';
import { regionName } from '../../engine/regions.ts';
import { campaignFor } from '../campaigns/found.ts';
import type { Dashboard } from '../server.ts';

type Params = { Params: { campaign: string } };
type Query = { Querystring: Record<string, unknown> };

const splitQuery = z.object({ by: z.enum(SPLITS).catch('coordinator') });

/**
 * A campaign's funnel (the campaigns' own computation): invited → delivered → started →
 * consented → completed → agreed to a follow-up, as bars (inline SVG: the page's CSP allows no
 * inline style) and as a table split by coordinator, region, country, language or channel; where
 * unfinished surveys stopped; the median time to complete; the same rows as a CSV file.
 */
export function mountCampaignFunnel(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  app.get<Params & Query>('/dashboard/campaigns/:campaign/funnel', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const computed = await found.desk.funnel(req.staff!.member, found.campaign.id);
    if (!computed.ok) return dashboard.message(req, reply, 404, 'refused.not_found');
    const funnel = computed.value;
    const by = splitQuery.parse(req.query).by;
    const lng = dashboard.views.languageOf(req, req.staff!.member);
    const t = deps.translator.translatorFor(lng);
    const directory = new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
    const groupName = (row: FunnelRow): string => {
      if (row.group === '') return t({ key: 'dashboard:overview.unknown' });
      switch (row.split) {
        case 'coordinator':
          return directory.get(row.group) ?? row.group;
        case 'region':
        case 'country':
          return regionName(row.group, lng);
        case 'language':
          return t({ key: 'common:language.option', params: { code: row.group } });
        case 'channel':
          return t({ key: `dashboard:channel.${row.group}` });
        default:
          return t({ key: 'dashboard:campaign.funnel.all' });
      }
    };
    const all = funnel.rows.find((r) => r.split === 'all') ?? null;
    const most = Math.max(1, ...funnel.dropOff.map((d) => d.count));
    return dashboard.views.send(reply, 'campaign-funnel', dashboard.context(req, 'campaigns'), {
      campaign: found.campaign,
      tab: 'funnel',
      stages: STAGES,
      splits: SPLITS.filter((s) => s !== 'all'),
      by,
      all,
      top: Math.max(1, ...(all ? STAGES.map((s) => all[s]) : [])),
      rows: funnel.rows.filter((r) => r.split === by).map((r) => ({ ...r, name: groupName(r) })),
      dropOff: funnel.dropOff.map((d) => ({
        ...d,
        share: d.count / most,
      })),
    });
  });

  app.get<Params>('/dashboard/campaigns/:campaign/funnel/file', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const computed = await found.desk.funnel(req.staff!.member, found.campaign.id);
    if (!computed.ok) return dashboard.message(req, reply, 404, 'refused.not_found');
    await dashboard.audit(req, 'funnel.download', 'ok', found.campaign.id, { format: 'csv' });
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${found.campaign.id}-funnel.csv"`)
      .type('text/csv; charset=utf-8')
      .send(funnelCsv(computed.value));
  });
}
