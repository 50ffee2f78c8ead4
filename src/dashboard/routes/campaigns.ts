import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CAMPAIGN_STATUSES, type Campaign, type CampaignStatus } from '../../campaigns/campaign.ts';
import { LANGUAGES } from '../../campaigns/invitee-csv.ts';
import {
  fieldsOf,
  formValuesFrom,
  formValuesOf,
  readCampaignForm,
  type FormField,
  type FormValues,
} from '../campaigns/campaign-form.ts';
import { campaignFor } from '../campaigns/found.ts';
import type { Dashboard } from '../server.ts';

type Params = { Params: { campaign: string } };
type Body = { Body: Record<string, unknown> };

/** Where a campaign may go from each status: closing ends it, reopening a closed one is allowed. */
export const TRANSITIONS: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['open', 'closed'],
  open: ['closed'],
  closed: ['open'],
};
const statusForm = z.object({ status: z.enum(CAMPAIGN_STATUSES) });

/**
 * Campaigns for coordinators (their own) and admins (all): the list, a form to create one and the
 * same form to change it, and the status buttons (draft → open → closed). Every rule is the
 * Campaigns service's; this page reads the form (zod), shows each problem beside its field, and
 * asks the service.
 */
export function mountCampaigns(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  const formData = async (values: FormValues, problems: FormField[]) => {
    const listed = (await deps.directory.list())
      .filter((m) => m.role === 'coordinator' && m.status === 'active')
      .map((m) => ({ id: m.id, name: m.name }));
    // A coordinator the campaign names who is no active coordinator now (revoked, from the CLI)
    // stays offered, ticked, so that saving the form does not drop them unseen.
    const others = values.coordinators
      .filter((id) => !listed.some((m) => m.id === id))
      .map((id) => ({ id, name: id }));
    return {
      values,
      problems,
      flows: deps.flows.ids(),
      languages: LANGUAGES,
      coordinators: [...listed, ...others],
    };
  };

  /** Whether every ticked coordinator is one the form offers (a forged id is refused, not stored). */
  const knownCoordinators = async (ids: string[], campaign: Campaign | null) => {
    const offered = new Set([
      ...(await deps.directory.list()).filter((m) => m.role === 'coordinator').map((m) => m.id),
      ...(campaign?.coordinators ?? []),
    ]);
    return ids.every((id) => offered.has(id));
  };

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: Campaign,
    values: FormValues,
    problems: FormField[],
    status = 200,
  ) => {
    const done = (req.query as Record<string, unknown>).done;
    return dashboard.views.send(
      reply,
      'campaign',
      dashboard.context(req, 'campaigns'),
      {
        campaign,
        tab: 'settings',
        transitions: TRANSITIONS[campaign.status],
        done: done === 'created' || done === 'saved' || done === 'status' ? done : null,
        ...(await formData(values, problems)),
      },
      status,
    );
  };

  app.get('/dashboard/campaigns', async (req, reply) => {
    const campaigns = deps.campaigns ? await deps.campaigns.list(req.staff!.member) : [];
    return dashboard.views.send(reply, 'campaigns', dashboard.context(req, 'campaigns'), { campaigns });
  });

  app.get('/dashboard/campaigns/new', async (req, reply) => {
    const values = formValuesOf(null);
    values.flowId = deps.flows.defaultFlow.id;
    if (req.staff!.member.role === 'coordinator') values.coordinators = [req.staff!.member.id];
    return dashboard.views.send(
      reply,
      'campaign-new',
      dashboard.context(req, 'campaigns'),
      await formData(values, []),
    );
  });

  app.post<Body>('/dashboard/campaigns', async (req, reply) => {
    const body = req.body ?? {};
    const refused = async (fields: FormField[]) =>
      dashboard.views.send(
        reply,
        'campaign-new',
        dashboard.context(req, 'campaigns'),
        await formData(formValuesFrom(body), fields),
        400,
      );
    if (!deps.campaigns) return dashboard.message(req, reply, 404, 'refused.not_found');
    const form = readCampaignForm(body, true);
    if (!form.ok) return refused(form.fields);
    if (!deps.flows.get(form.value.flowId)) return refused(['flowId']);
    if (!(await knownCoordinators(form.value.coordinators, null))) return refused(['coordinators']);
    const made = await deps.campaigns.create(req.staff!.member, form.value);
    if (!made.ok) {
      if (made.reason === 'invalid') return refused(fieldsOf(made.problems));
      return dashboard.message(req, reply, 403, 'refused.forbidden');
    }
    return reply.redirect(`/dashboard/campaigns/${made.value.id}?done=created`, 303);
  });

  app.get<Params>('/dashboard/campaigns/:campaign', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    return page(req, reply, found.campaign, formValuesOf(found.campaign), []);
  });

  app.post<Params & Body>('/dashboard/campaigns/:campaign', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const body = req.body ?? {};
    const refused = (fields: FormField[]) =>
      page(req, reply, found.campaign, { ...formValuesFrom(body), id: found.campaign.id }, fields, 400);
    const form = readCampaignForm(body, false);
    if (!form.ok) return refused(form.fields);
    if (!deps.flows.get(form.value.flowId)) return refused(['flowId']);
    if (!(await knownCoordinators(form.value.coordinators, found.campaign))) return refused(['coordinators']);
    const saved = await found.desk.update(req.staff!.member, found.campaign.id, form.value);
    if (!saved.ok) return saved.reason === 'invalid' ? refused(fieldsOf(saved.problems)) : refused([]);
    return reply.redirect(`/dashboard/campaigns/${found.campaign.id}?done=saved`, 303);
  });

  app.post<Params & Body>('/dashboard/campaigns/:campaign/status', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const asked = statusForm.safeParse(req.body ?? {});
    if (!asked.success) return dashboard.message(req, reply, 400, 'refused.bad_request');
    // The status it has already (a second press, another tab): nothing to do.
    if (asked.data.status !== found.campaign.status) {
      if (!TRANSITIONS[found.campaign.status].includes(asked.data.status))
        return dashboard.message(req, reply, 400, 'refused.bad_request');
      await found.desk.setStatus(req.staff!.member, found.campaign.id, asked.data.status);
    }
    return reply.redirect(`/dashboard/campaigns/${found.campaign.id}?done=status`, 303);
  });
}
