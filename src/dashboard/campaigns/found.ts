import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Campaign } from '../../campaigns/campaign.ts';
import type { Campaigns } from '../../campaigns/campaigns.ts';
import type { Dashboard } from '../server.ts';

/** Campaign ids in a path are checked before any lookup. */
const ID = /^[a-z0-9][a-z0-9-]{1,47}$/;

/**
 * The campaign a page is about, as the Campaigns service lets the signed-in member see it; the
 * not-found page otherwise (another coordinator's campaign is not told apart from none).
 */
export async function campaignFor(
  dashboard: Dashboard,
  req: FastifyRequest<{ Params: { campaign: string } }>,
  reply: FastifyReply,
): Promise<{ campaign: Campaign; desk: Campaigns } | { refused: FastifyReply }> {
  const desk = dashboard.deps.campaigns;
  const found =
    desk && ID.test(req.params.campaign) ? await desk.get(req.staff!.member, req.params.campaign) : null;
  if (!desk || !found?.ok) {
    if (desk) await dashboard.audit(req, 'campaign.view', 'refused', req.params.campaign.slice(0, 64));
    return { refused: await dashboard.message(req, reply, 404, 'refused.not_found') };
  }
  return { campaign: found.value, desk };
}
