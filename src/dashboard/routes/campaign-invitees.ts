import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Campaign } from '../../campaigns/campaign.ts';
import countries from 'i18n-iso-countries';
import { LANGUAGES, type FileProblem } from '../../campaigns/invitee-csv.ts';
import type { ImportReport } from '../../campaigns/invitees.ts';
import { normalEmail, type Invitee } from '../../store/invitee-store.ts';
import { campaignFor } from '../campaigns/found.ts';
import type { Dashboard } from '../server.ts';

type Params = { Params: { campaign: string } };

/** The largest invitee file accepted (100,000 rows of a dozen columns fit well within it). */
export const INVITEE_FILE_LIMIT = 20 * 1024 * 1024;
/** The one route a multipart body (a file) is read on. */
export const INVITEE_IMPORT_ROUTE = '/dashboard/campaigns/:campaign/invitees/import';
const PAGE_SIZE = 50;
/** Bad rows listed on the page; the count says how many more there were. */
const BAD_ROWS_SHOWN = 500;

const oneInvitee = z.object({
  email: z.string().trim().max(320).pipe(z.email()),
  name: z.string().trim().max(200),
  language: z.enum(LANGUAGES),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((c) => c === '' || (/^[A-Z]{2}$/.test(c) && countries.isValid(c))),
  organisation: z.string().trim().max(200),
});
type OneField = keyof z.infer<typeof oneInvitee>;

/**
 * A campaign's invitees: a CSV file imported through the campaigns' own import (every bad row
 * reported by its line and reason, repeated addresses merged), one invitee added by hand, and the
 * list fifty at a time. The list is personal data: each page shown is audited.
 */
export function mountCampaignInvitees(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: Campaign,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const asked = Number((req.query as Record<string, unknown>).page ?? 1);
    const total = await deps.stores.invitees.count(campaign.id);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const at = Number.isInteger(asked) && asked >= 1 && asked <= pages ? asked : 1;
    const invitees: Invitee[] = [];
    let index = 0;
    for await (const invitee of deps.stores.invitees.scan(campaign.id)) {
      if (index++ < (at - 1) * PAGE_SIZE) continue;
      invitees.push(invitee);
      if (invitees.length === PAGE_SIZE) break;
    }
    if (invitees.length)
      await dashboard.audit(req, 'invitees.view', 'ok', campaign.id, { page: at, shown: invitees.length });
    return dashboard.views.send(
      reply,
      'campaign-invitees',
      dashboard.context(req, 'campaigns'),
      {
        campaign,
        tab: 'invitees',
        invitees,
        total,
        at,
        pages,
        languages: campaign.languages,
        values: { email: '', name: '', language: campaign.languages[0], country: '', organisation: '' },
        problems: [],
        telegram: Boolean(deps.telegramBot),
        ...extra,
      },
      status,
    );
  };

  app.get<Params>('/dashboard/campaigns/:campaign/invitees', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    return page(req, reply, found.campaign);
  });

  app.post<Params & { Body: Record<string, unknown> }>(INVITEE_IMPORT_ROUTE, async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const file = req.body?.file;
    if (!Buffer.isBuffer(file))
      return page(req, reply, found.campaign, { fileProblem: { problem: 'empty' } }, 400);
    const imported = await found.desk.importInvitees(req.staff!.member, found.campaign.id, file);
    if (!imported.ok) return dashboard.message(req, reply, 404, 'refused.not_found');
    const report: ImportReport | FileProblem = imported.value;
    if ('problem' in report) return page(req, reply, found.campaign, { fileProblem: report }, 400);
    return page(req, reply, found.campaign, {
      report: { ...report, bad: report.bad.slice(0, BAD_ROWS_SHOWN), badCount: report.bad.length },
    });
  });

  app.post<Params & { Body: Record<string, unknown> }>(
    '/dashboard/campaigns/:campaign/invitees',
    async (req, reply) => {
      const found = await campaignFor(dashboard, req, reply);
      if ('refused' in found) return found.refused;
      const body = req.body ?? {};
      const values = Object.fromEntries(
        ['email', 'name', 'language', 'country', 'organisation'].map((k) => [
          k,
          typeof body[k] === 'string' ? (body[k] as string).slice(0, 400) : '',
        ]),
      );
      const parsed = oneInvitee.safeParse(values);
      if (!parsed.success || !found.campaign.languages.includes(parsed.data.language as never)) {
        const problems = parsed.success
          ? ['language']
          : [...new Set(parsed.error.issues.map((i) => i.path[0] as OneField))];
        return page(req, reply, found.campaign, { values, problems }, 400);
      }
      const { country, organisation, ...row } = parsed.data;
      const added = await found.desk.addInvitee(req.staff!.member, found.campaign.id, {
        ...row,
        email: normalEmail(row.email),
        ...(country ? { country } : {}),
        ...(organisation ? { organisation } : {}),
      });
      if (!added.ok) return dashboard.message(req, reply, 404, 'refused.not_found');
      return page(req, reply, found.campaign, { addedOne: added.value.added ? 'added' : 'merged' });
    },
  );
}
