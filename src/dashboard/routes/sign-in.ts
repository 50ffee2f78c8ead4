import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SESSION_MAX_MS } from '../auth/staff-auth.ts';
import { LINK_LIFE_MS } from '../auth/sign-in-links.ts';
import { SESSION_COOKIE, type Dashboard } from '../server.ts';

/** Ties the confirming form to the browser that opened the link (against login CSRF). */
const NONCE_COOKIE = 'dashboard_signin';
const LINK_PATH = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Signing in: a link from the bot opens a page that asks to confirm (opening the link changes
 * nothing, so a chat app's link preview cannot spend it); confirming takes the link and starts a
 * session. Signing out ends this browser's session, or every session of the member.
 */
export function mountSignIn(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  const cookie = (maxAgeMs: number) => ({
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.secureCookies,
    maxAge: Math.floor(maxAgeMs / 1000),
  });

  app.get('/dashboard/signin', async (req, reply) => {
    if (req.staff) return reply.redirect('/dashboard', 303);
    return dashboard.message(req, reply, 200, 'signin.how');
  });

  app.get<{ Params: { token: string } }>('/dashboard/signin/:token', async (req, reply) => {
    const token = req.params.token;
    if (!LINK_PATH.test(token)) return dashboard.message(req, reply, 404, 'refused.not_found');
    const nonce = randomBytes(24).toString('base64url');
    reply.setCookie(NONCE_COOKIE, nonce, {
      ...cookie(LINK_LIFE_MS),
      path: '/dashboard/signin',
      sameSite: 'strict',
    });
    return dashboard.views.send(reply, 'signin', dashboard.context(req), { token, nonce });
  });

  app.post<{ Body: { token?: unknown; nonce?: unknown } }>('/dashboard/signin', async (req, reply) => {
    const { token, nonce } = req.body ?? {};
    const expected = req.cookies[NONCE_COOKIE];
    reply.clearCookie(NONCE_COOKIE, { path: '/dashboard/signin' });
    if (typeof nonce !== 'string' || !expected || !same(nonce, expected)) {
      await dashboard.audit(req, 'dashboard.csrf', 'refused', undefined, { route: '/dashboard/signin' });
      return dashboard.message(req, reply, 403, 'refused.csrf');
    }
    const redeemed = await deps.links.redeem(typeof token === 'string' ? token : '');
    if (!redeemed.ok) return dashboard.message(req, reply, 403, `signin.${redeemed.reason}`);
    if (req.staff) await deps.auth.end(req.staff.session);
    const session = await deps.auth.start(redeemed.member);
    reply.setCookie(SESSION_COOKIE, session, cookie(SESSION_MAX_MS));
    return reply.redirect('/dashboard', 303);
  });

  const signedOut = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/dashboard' });

  app.post('/dashboard/signout', async (req, reply) => {
    const staff = req.staff!;
    await deps.auth.end(staff.session);
    await dashboard.audit(req, 'dashboard.signout', 'ok', staff.member.id);
    signedOut(reply);
    req.staff = null;
    return dashboard.message(req, reply, 200, 'signin.signed_out');
  });

  app.post('/dashboard/signout/everywhere', async (req, reply) => {
    const staff = req.staff!;
    const sessions = await deps.auth.endAll(staff.member.id);
    await dashboard.audit(req, 'dashboard.signout_everywhere', 'ok', staff.member.id, { sessions });
    signedOut(reply);
    req.staff = null;
    return dashboard.message(req, reply, 200, 'signin.signed_out_everywhere');
  });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
