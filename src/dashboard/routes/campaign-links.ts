import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Campaign } from '../../campaigns/campaign.ts';
import { discordCommand } from '../../campaigns/invitation-mail.ts';
import { linksFor, qrPng, qrSvg } from '../../campaigns/links.ts';
import type { Invitation } from '../../store/invitation-store.ts';
import { TOKEN_PATTERN } from '../../store/invitation-store.ts';
import { campaignFor } from '../campaigns/found.ts';
import type { Dashboard } from '../server.ts';

type Params = { Params: { campaign: string } };
type Query = { Querystring: Record<string, unknown> };

const capForm = z.object({
  cap: z
    .string()
    .trim()
    .optional()
    .default('')
    .refine((v) => v === '' || /^\d{1,7}$/.test(v))
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((v) => v === null || v >= 1),
});
const qrQuery = z.object({
  token: z.string().regex(TOKEN_PATTERN),
  channel: z.enum(['telegram', 'discord']),
  format: z.enum(['svg', 'png']),
});

/**
 * A campaign's links: its open links (for posters and mailing lists, with an optional cap), a new
 * one, each link's QR codes as SVG and PNG files, and a printable one-page poster per language.
 * The poster is an HTML page with print CSS: the browser's "Print → Save as PDF" makes the PDF,
 * so the server needs no browser of its own.
 */
export function mountCampaignLinks(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  const bot = deps.telegramBot;

  /** The campaign's open links: its invitations that are no invitee's personal token. */
  const openLinks = async (campaign: Campaign): Promise<Invitation[]> => {
    const personal = new Set<string>();
    for await (const invitee of deps.stores.invitees.scan(campaign.id)) personal.add(invitee.token);
    return (await deps.stores.invitations.list())
      .filter((i) => i.campaign === campaign.id && !personal.has(i.token))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  };

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: Campaign,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const links = (await openLinks(campaign)).map((i) => ({
      invitation: i,
      ...linksFor(i.token, bot),
      discord: discordCommand(deps.translator, dashboard.views.languageOf(req, req.staff!.member), i.token),
    }));
    return dashboard.views.send(
      reply,
      'campaign-links',
      dashboard.context(req, 'campaigns'),
      { campaign, tab: 'links', links, telegram: Boolean(bot), ...extra },
      status,
    );
  };

  app.get<Params>('/dashboard/campaigns/:campaign/links', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    return page(req, reply, found.campaign);
  });

  app.post<Params & { Body: Record<string, unknown> }>(
    '/dashboard/campaigns/:campaign/links',
    async (req, reply) => {
      const found = await campaignFor(dashboard, req, reply);
      if ('refused' in found) return found.refused;
      const form = capForm.safeParse(req.body ?? {});
      if (!form.success) return page(req, reply, found.campaign, { problem: 'cap' }, 400);
      await found.desk.openLink(req.staff!.member, found.campaign.id, form.data.cap);
      return reply.redirect(`/dashboard/campaigns/${found.campaign.id}/links`, 303);
    },
  );

  /** The invitation of a token, when it is this campaign's. */
  const invitationOf = async (campaign: Campaign, token: string) => {
    const invitation = await deps.stores.invitations.get(token);
    return invitation?.campaign === campaign.id ? invitation : null;
  };

  app.get<Params & Query>('/dashboard/campaigns/:campaign/qr', async (req, reply) => {
    const found = await campaignFor(dashboard, req, reply);
    if ('refused' in found) return found.refused;
    const asked = qrQuery.safeParse(req.query);
    if (!asked.success) return dashboard.message(req, reply, 400, 'refused.bad_request');
    const { token, channel, format } = asked.data;
    if (!(await invitationOf(found.campaign, token)) || (channel === 'telegram' && !bot))
      return dashboard.message(req, reply, 404, 'refused.not_found');
    // A personal token's code is that invitee's invitation: handing it out is audited.
    if (await deps.stores.invitees.byToken(token))
      await dashboard.audit(req, 'invitee.qr', 'ok', found.campaign.id, { channel, format });
    const lng = dashboard.views.languageOf(req, req.staff!.member);
    const text =
      channel === 'telegram' ? linksFor(token, bot).telegram! : discordCommand(deps.translator, lng, token);
    const name = `${found.campaign.id}-${channel}-qr.${format}`;
    reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'svg') return reply.type('image/svg+xml').send(await qrSvg(text));
    return reply.type('image/png').send(await qrPng(text, 600));
  });

  app.get<{ Params: { campaign: string; lang: string } } & Query>(
    '/dashboard/campaigns/:campaign/poster/:lang',
    async (req, reply) => {
      const found = await campaignFor(dashboard, req, reply);
      if ('refused' in found) return found.refused;
      const { campaign } = found;
      const lng = req.params.lang;
      if (!(campaign.languages as readonly string[]).includes(lng))
        return dashboard.message(req, reply, 404, 'refused.not_found');
      const asked = typeof req.query.token === 'string' ? req.query.token : '';
      const invitation = TOKEN_PATTERN.test(asked)
        ? await invitationOf(campaign, asked)
        : ((await openLinks(campaign))[0] ?? null);
      if (!invitation) return dashboard.message(req, reply, 404, 'campaign.no_open_link');
      const links = linksFor(invitation.token, bot);
      const discord = discordCommand(deps.translator, lng, invitation.token);
      const t = deps.translator.translatorFor(lng, { isolate: false });
      const say = (key: string) =>
        t({
          key,
          params: { organisation: campaign.consentOrganisation, campaign: campaign.name },
        });
      return dashboard.views.send(
        reply,
        'campaign-poster',
        { ...dashboard.context(req, 'campaigns'), lng },
        {
          campaign,
          intro: say('campaigns:mail.intro'),
          consent: say('campaigns:mail.consent'),
          telegramText: say('campaigns:mail.telegram'),
          discordText: say('campaigns:mail.discord'),
          telegram: links.telegram ?? null,
          telegramQr: links.telegram ? await qrSvg(links.telegram) : null,
          discord,
          discordQr: await qrSvg(discord),
        },
      );
    },
  );
}
