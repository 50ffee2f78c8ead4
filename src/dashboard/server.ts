import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Campaigns } from '../campaigns/campaigns.ts';
import type { FlowRegistry } from '../flows/registry.ts';
import type { Translator } from '../i18n/translator.ts';
import type { Logger } from '../log.ts';
import type { StaffDirectory } from '../staff/directory.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { Stores } from '../store/open.ts';
import { accessOf, mayUse, type Access } from './access.ts';
import type { SignInLinks } from './auth/sign-in-links.ts';
import type { StaffAuth } from './auth/staff-auth.ts';
import type { ResponseTally } from './overview/tally.ts';
import { mountAssets } from './routes/assets.ts';
import { mountAudit } from './routes/audit.ts';
import { mountCampaignFunnel } from './routes/campaign-funnel.ts';
import {
  INVITEE_FILE_LIMIT,
  INVITEE_IMPORT_ROUTE,
  mountCampaignInvitees,
} from './routes/campaign-invitees.ts';
import { mountCampaignLinks } from './routes/campaign-links.ts';
import { mountCampaignSend } from './routes/campaign-send.ts';
import { mountCampaigns } from './routes/campaigns.ts';
import { mountConversations } from './routes/conversations.ts';
import { mountFollowups } from './routes/followups.ts';
import type { Interviews } from '../interviews/interviews.ts';
import { mountOverview } from './routes/overview.ts';
import { mountCoding } from './routes/coding.ts';
import { mountReports } from './routes/reports.ts';
import { mountResponses } from './routes/responses.ts';
import { mountSignIn } from './routes/sign-in.ts';
import { mountStaff } from './routes/staff.ts';
import { Views, type PageContext } from './view.ts';

export const SESSION_COOKIE = 'dashboard_session';

export interface DashboardDeps {
  stores: Pick<
    Stores,
    | 'responses'
    | 'contacts'
    | 'sessions'
    | 'invitations'
    | 'invitees'
    | 'audit'
    | 'codings'
    | 'conversations'
    | 'claims'
  >;
  directory: StaffDirectory;
  flows: FlowRegistry;
  translator: Translator;
  links: SignInLinks;
  auth: StaffAuth;
  tally: ResponseTally;
  log: Logger;
  /** Cookies are Secure when the dashboard's public address is https. */
  secureCookies: boolean;
  clock?: () => number;
  /** Follow-up conversations: posting into one from the conversations page. */
  interviews?: Interviews;
  /** Coordinators' campaigns (the campaign pages); without it those pages answer not found. */
  campaigns?: Campaigns;
  /** The bot's Telegram username, for t.me links and their QR codes. */
  telegramBot?: string;
}

/** What the routes share: the dependencies, the pages, and who is asking. */
export interface Dashboard {
  deps: DashboardDeps;
  views: Views;
  /** The page context of a request (its language, member and form token). */
  context(req: FastifyRequest, section?: PageContext['section']): PageContext;
  /** A page with one message (refused, not found, bad input...). */
  message(req: FastifyRequest, reply: FastifyReply, status: number, key: string): FastifyReply;
  /** Appends to the audit log as the signed-in member (or anonymous). */
  audit(
    req: FastifyRequest,
    action: string,
    outcome: 'ok' | 'refused',
    target?: string,
    details?: Record<string, string | number | boolean>,
  ): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member of this request, with their session and form token. */
    staff: { member: StaffMember; session: string; csrf: string } | null;
  }
}

/**
 * The staff dashboard: a Fastify application with server-rendered pages (Eta) and htmx for the
 * live overview, answering under /dashboard on the process's HTTP server. One hook checks every
 * request against the permission table (`access.ts`) and every form against its CSRF token
 * before any handler runs; pages send a Content-Security-Policy that allows no inline script.
 */
export async function createDashboard(deps: DashboardDeps): Promise<{
  handle(req: IncomingMessage, res: ServerResponse): void;
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const app = Fastify({
    // The process's HttpServer owns the socket; Fastify is handed its requests.
    serverFactory: (handle) => {
      handler = handle;
      return createServer();
    },
    logger: false,
    bodyLimit: 32 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: false,
  });
  const views = new Views(deps.translator);
  const clock = deps.clock ?? Date.now;

  const dashboard: Dashboard = {
    deps,
    views,
    context(req, section) {
      const member = req.staff?.member ?? null;
      return {
        lng: views.languageOf(req, member),
        member,
        csrf: req.staff?.csrf ?? null,
        ...(section ? { section } : {}),
      };
    },
    message(req, reply, status, key) {
      return views.send(reply, 'message', dashboard.context(req), { key }, status);
    },
    async audit(req, action, outcome, target, details) {
      await deps.stores.audit.append({
        at: new Date(clock()),
        actor: req.staff?.member.id ?? 'anonymous',
        action,
        ...(target ? { target } : {}),
        outcome,
        ...(details ? { details } : {}),
      });
    },
  };

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 32 * 1024 });
  // Invitee files: fields and the file on the body (so the CSRF check reads `_csrf` as from any
  // form), one file of at most INVITEE_FILE_LIMIT bytes; a larger one is refused with 413.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: INVITEE_FILE_LIMIT, files: 1, fields: 10, fieldSize: 1024 },
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // Sign-in links carry a token in their path: never sent on as a referrer.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: deps.secureCookies,
  });

  app.decorateRequest('staff', null);
  // Fail closed: a route missing from the permission table would be served unchecked, so it stops start-up.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!accessOf(method, route.url ?? route.path))
        throw new Error(`dashboard route ${method} ${route.url} is not in the permission table`);
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    const access = accessOf(req.method, req.routeOptions.url ?? '');
    if (!access) return; // not a route of ours: the not-found page
    // The overview's polling is not a person's activity: it does not hold a session open.
    const renew = req.routeOptions.url !== '/dashboard/overview/live';
    const checked = await deps.auth.check(req.cookies[SESSION_COOKIE], renew);
    req.staff = checked.ok ? { member: checked.member, session: checked.session, csrf: checked.csrf } : null;
    if (!checked.ok && checked.reason !== 'none') reply.clearCookie(SESSION_COOKIE, { path: '/dashboard' });
    const refused = await refuse(dashboard, req, reply, access);
    if (refused) return refused;
    // Files are read on the one form that takes one; elsewhere a multipart body is not read at all.
    const multipart = /^multipart\//i.test(String(req.headers['content-type'] ?? ''));
    if (multipart && req.routeOptions.url !== INVITEE_IMPORT_ROUTE)
      return dashboard.message(req, reply, 415, 'refused.bad_request');
  });
  app.addHook('preHandler', async (req, reply) => {
    const access = accessOf(req.method, req.routeOptions.url ?? '');
    if (req.method !== 'POST' || access === 'public' || !req.staff) return;
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent === 'string' && sameToken(sent, req.staff.csrf)) return;
    await dashboard.audit(req, 'dashboard.csrf', 'refused', undefined, { route: req.routeOptions.url ?? '' });
    return dashboard.message(req, reply, 403, 'refused.csrf');
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route's pattern, never its URL: paths and queries may hold tokens or filters.
    deps.log.debug(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: reply.statusCode },
      'dashboard request',
    );
  });
  app.setNotFoundHandler((req, reply) => dashboard.message(req, reply, 404, 'refused.not_found'));
  app.setErrorHandler((error: { statusCode?: number }, req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500)
      deps.log.error({ err: error, route: req.routeOptions.url }, 'dashboard request failed');
    return dashboard.message(req, reply, status, status === 500 ? 'refused.failed' : 'refused.bad_request');
  });

  mountAssets(app);
  mountSignIn(app, dashboard);
  mountOverview(app, dashboard);
  mountResponses(app, dashboard);
  mountReports(app, dashboard);
  mountCoding(app, dashboard);
  mountStaff(app, dashboard);
  mountAudit(app, dashboard);
  mountFollowups(app, dashboard);
  mountConversations(app, dashboard);
  mountCampaigns(app, dashboard);
  mountCampaignInvitees(app, dashboard);
  mountCampaignLinks(app, dashboard);
  mountCampaignSend(app, dashboard);
  mountCampaignFunnel(app, dashboard);
  await app.ready();
  if (!handler) throw new Error('fastify did not hand over its request handler');
  const handle = handler;
  return { handle, inject: app.inject.bind(app), close: () => app.close() };
}

/** Sends the refusal for a request its member may not make, if any; nothing otherwise. */
async function refuse(dashboard: Dashboard, req: FastifyRequest, reply: FastifyReply, access: Access) {
  const member = req.staff?.member ?? null;
  if (mayUse(access, member)) return;
  if (!member) {
    // htmx follows redirects inside the page; tell it to load the sign-in page instead.
    if (req.headers['hx-request']) return reply.header('hx-redirect', '/dashboard/signin').code(204).send();
    return reply.redirect('/dashboard/signin', 303);
  }
  await dashboard.audit(req, 'dashboard.forbidden', 'refused', undefined, {
    route: req.routeOptions.url ?? '',
  });
  return dashboard.message(req, reply, 403, 'refused.forbidden');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
