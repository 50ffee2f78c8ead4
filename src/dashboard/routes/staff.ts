import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import m49 from '../../engine/m49.json' with { type: 'json' };
import { ROLES, type Role, type Scope } from '../../staff/staff.ts';
import type { Dashboard } from '../server.ts';

const DONE = ['changed', 'revoked'];
const CAMPAIGN = /^[\w-]{1,64}$/;
const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
const REGIONS = new Set([...Object.keys(m49), ...Object.values(m49 as Record<string, string[]>).flat()]);

/** "a, b c" as a list; null when an item is not a campaign id or a region code. */
function scopeOf(campaigns: unknown, regions: unknown): Scope | null {
  const list = (value: unknown) =>
    typeof value === 'string' && value.length <= 2000 ? value.split(/[\s,]+/).filter(Boolean) : null;
  const c = list(campaigns ?? '');
  const r = list(regions ?? '')?.map((code) => code.toUpperCase());
  if (!c || !r || !c.every((x) => CAMPAIGN.test(x)) || !r.every((x) => REGIONS.has(x))) return null;
  return { campaigns: [...new Set(c)], regions: [...new Set(r)] };
}

/**
 * Staff management for admins: invite (a single-use code, shown once), change a member's role or
 * scope, revoke. The directory audits each change. Members from the environment are changed in
 * the environment; an admin cannot demote or revoke themself (so the last admin cannot lock
 * everyone out). A value not offered by the form (a forged role) is refused, nothing written.
 */
export function mountStaff(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const members = await deps.directory.list();
    const done = (req.query as Record<string, unknown>).done;
    return dashboard.views.send(
      reply,
      'staff',
      dashboard.context(req, 'staff'),
      {
        members,
        roles: ROLES,
        done: typeof done === 'string' && DONE.includes(done) ? done : null,
        ...extra,
      },
      status,
    );
  };

  app.get('/dashboard/staff', (req, reply) => page(req, reply));

  app.post<{ Body: Record<string, unknown> }>('/dashboard/staff/invite', async (req, reply) => {
    const { role, name } = req.body ?? {};
    if (!isRole(role)) return page(req, reply, { problem: 'staff.bad_role' }, 400);
    const cleanName = typeof name === 'string' ? name.trim().slice(0, 100) : '';
    const code = await deps.directory.invite(
      req.staff!.member.id,
      role,
      cleanName ? { name: cleanName } : {},
    );
    return page(req, reply, { code, codeRole: role });
  });

  const target = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const member = /^[\w-]{1,64}$/.test(req.params.id) ? await deps.directory.get(req.params.id) : null;
    if (!member) return { refused: await dashboard.message(req, reply, 404, 'refused.not_found') };
    if (member.fromEnvironment)
      return { refused: await page(req, reply, { problem: 'staff.environment' }, 400) };
    if (member.id === req.staff!.member.id)
      return { refused: await page(req, reply, { problem: 'staff.self' }, 400) };
    return { member };
  };

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/dashboard/staff/:id',
    async (req, reply) => {
      const { role, campaigns, regions } = req.body ?? {};
      if (!isRole(role)) return page(req, reply, { problem: 'staff.bad_role' }, 400);
      const scope = scopeOf(campaigns, regions);
      if (!scope) return page(req, reply, { problem: 'staff.bad_scope' }, 400);
      const found = await target(req, reply);
      if (!found.member) return found.refused;
      await deps.directory.change(req.staff!.member.id, found.member.id, { role, scope });
      return reply.redirect('/dashboard/staff?done=changed', 303);
    },
  );

  app.post<{ Params: { id: string } }>('/dashboard/staff/:id/revoke', async (req, reply) => {
    const found = await target(req, reply);
    if (!found.member) return found.refused;
    await deps.directory.revoke(req.staff!.member.id, found.member.id);
    await deps.auth.endAll(found.member.id);
    return reply.redirect('/dashboard/staff?done=revoked', 303);
  });
}
