import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Campaign } from '../../campaigns/campaign.ts';
import type { Campaigns } from '../../campaigns/campaigns.ts';
import type { SendProgress } from '../../campaigns/invitation-send.ts';
import { campaignFor } from '../campaigns/found.ts';
import type { Dashboard } from '../server.ts';

type Params = { Params: { campaign: string } };

/** How often an open send page asks for its figures again. */
const SEND_POLL_SECONDS = 2;

/** The figures the page shows: what the send log holds, and who has no send yet. */
export function sendFigures(p: SendProgress) {
  const settled = p.sent + p.refused + p.failed;
  const remaining = Math.max(0, p.invitees - settled - p.sending);
  return { ...p, settled, remaining, done: p.invitees > 0 && p.sending === 0 && remaining === 0 };
}

/**
 * E-mail invitations from the page: one button queues the campaign's invitation send as a job
 * (the same job `npm run campaign -- send` queues; the send log makes a second press harmless),
 * and the figures below follow it live (htmx asks again every two seconds until nothing is left).
 */
export function mountCampaignSend(app: FastifyInstance, dashboard: Dashboard): void {
  const send = (
    req: FastifyRequest,
    reply: FastifyReply,
    view: 'campaign-send' | 'campaign-send-live',
    campaign: Campaign,
    progress: SendProgress,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    dashboard.views.send(
      reply,
      view,
      dashboard.context(req, 'campaigns'),
      {
        campaign,
        tab: 'send',
        figures: sendFigures(progress),
        poll: SEND_POLL_SECONDS,
        ...extra,
      },
      status,
    );

  const progressOf = async (desk: Campaigns, req: FastifyRequest, campaign: Campaign) => {
    const progress = await desk.progress(req.staff!.member, campaign.id);
    if (!progress.ok) throw new Error('a campaign the member sees has no progress');
    return progress.value;
  };

  app.get<Params>('/dashboard/campaigns/:campaign/send', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const started = (req.query as Record<string, unknown>).started;
    return send(
      req,
      reply,
      'campaign-send',
      found.campaign,
      await progressOf(found.desk, req, found.campaign),
      {
        started: started === 'added' || started === 'exists' ? started : null,
      },
    );
  });

  app.post<Params>('/dashboard/campaigns/:campaign/send', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const queued = await found.desk.sendInvitations(req.staff!.member, found.campaign.id);
    if (!queued.ok) {
      const problem = queued.reason === 'no_smtp' ? 'no_smtp' : 'refused';
      const progress = await progressOf(found.desk, req, found.campaign);
      return send(req, reply, 'campaign-send', found.campaign, progress, { problem }, 409);
    }
    return reply.redirect(`/dashboard/campaigns/${found.campaign.id}/send?started=${queued.value}`, 303);
  });

  app.get<Params>('/dashboard/campaigns/:campaign/send/live', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    return send(
      req,
      reply,
      'campaign-send-live',
      found.campaign,
      await progressOf(found.desk, req, found.campaign),
    );
  });
}
