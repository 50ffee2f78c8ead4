import type { FastifyInstance, FastifyRequest } from 'fastify';
import { byHandle, candidatesFor, handleOf, type Candidate } from '../../interviews/candidates.ts';
import { LIST_MAX } from '../../interviews/commands.ts';
import { firstName } from '../../interviews/interviews.ts';
import { summaryLines } from '../../interviews/summary.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import { countryCodeOf } from '../../store/response-store.ts';
import type { Dashboard } from '../server.ts';

/** The form's named filters, written into the `/followups` grammar as `key=value`. */
const NAMED = ['campaign', 'country', 'region', 'lang'] as const;
type Field = (typeof NAMED)[number] | 'answers';
const FIELDS: readonly Field[] = [...NAMED, 'answers'];
const HANDLE = /^[0-9a-f]{4,32}$/;
/** What a Claim or Release says back (`?said=`), as the chat says it. */
const NOTICES = new Map(
  Object.entries({
    claim_done: 'claim.done',
    claim_taken: 'claim.taken',
    release_done: 'release.done',
    release_not_yours: 'release.not_yours',
    unknown: 'handle.unknown',
    unavailable: 'dashboard.said.unavailable',
  }),
);

const text = (v: unknown, max = 300) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** The form's fields as given (for the form and the way back), and the filter they make. */
function filterOf(source: Record<string, unknown> | undefined) {
  const fields = Object.fromEntries(FIELDS.map((f) => [f, text(source?.[f])])) as Record<Field, string>;
  // A named field holding spaces would be read as several parts; it is the whole field that is wrong.
  const spaced = NAMED.find((f) => /\s/.test(fields[f]));
  const args = [...NAMED.filter((f) => fields[f]).map((f) => `${f}=${fields[f]}`), fields.answers]
    .filter(Boolean)
    .join(' ');
  return { fields, args, bad: spaced ? `${spaced}=${fields[spaced]}`.slice(0, 64) : null };
}

/** The list page's address with these filters (and a page, a notice), for links and redirects. */
function pageUrl(fields: Record<Field, string>, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const f of FIELDS) if (fields[f]) query.set(f, fields[f]);
  for (const [k, v] of Object.entries(extra)) query.set(k, v);
  const q = query.toString();
  return `/dashboard/followups${q ? `?${q}` : ''}`;
}

/**
 * Respondents who agreed to a follow-up, found with the filters of `/followups` (the same
 * parser and the same search, within the member's scope), paged as in the chat; Claim and Release
 * go through the same `Interviews` calls as `/claim` and `/release`. Inviting stays in the chat.
 */
export function mountFollowups(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  const candidateDeps = {
    flows: deps.flows,
    responses: deps.stores.responses,
    contacts: deps.stores.contacts,
    invitations: deps.stores.invitations,
    claims: deps.stores.claims,
  };
  const nameOf = async (id: string) => firstName((await deps.directory.get(id))?.name ?? '') || '?';

  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/followups', async (req, reply) => {
    const member = req.staff!.member;
    const context = dashboard.context(req, 'followups');
    const t = deps.translator.translatorFor(context.lng);
    const { fields, args, bad } = filterOf(req.query);
    const page = Math.max(1, Math.min(999_999, Math.trunc(Number(text(req.query.page, 6))) || 1));
    const notice = await noticeOf(req);
    const send = (data: Record<string, unknown>) =>
      dashboard.views.send(reply, 'followups', context, {
        fields,
        notice,
        problem: null,
        candidates: [],
        count: 0,
        page,
        pages: 0,
        prev: null,
        next: null,
        ...data,
      });
    const result = bad ? { ok: false as const, bad } : await candidatesFor(candidateDeps, member, args);
    if (!result.ok)
      return send({
        problem: t({ key: 'interviews:filter.bad', params: { part: neutralizeBidi(result.bad) } }),
      });
    const { found } = result;
    const pages = Math.ceil(found.length / LIST_MAX);
    const shown = found.slice((page - 1) * LIST_MAX, page * LIST_MAX);
    // Summaries of answers are personal data: each view of a list is audited, as conversations are.
    await dashboard.audit(req, 'followup.view', 'ok', undefined, {
      candidates: shown.length,
      page,
      filter: args.slice(0, 200),
    });
    return send({
      count: found.length,
      pages,
      problem:
        found.length && page > pages ? t({ key: 'interviews:list.no_page', params: { page, pages } }) : null,
      candidates: await Promise.all(
        shown.map(async (c) => ({
          respondent: c.respondent,
          handle: c.handle,
          language: c.response.locale,
          country: countryOf(c) ?? '—',
          state: !c.claim ? 'free' : c.claim.interviewer === member.id ? 'yours' : 'claimed',
          holder: c.claim && c.claim.interviewer !== member.id ? await nameOf(c.claim.interviewer) : null,
          summary: summaryLines(c.flow, c.response, t),
        })),
      ),
      prev: page > 1 && page <= pages ? pageUrl(fields, { page: String(page - 1) }) : null,
      next: page < pages ? pageUrl(fields, { page: String(page + 1) }) : null,
    });

    /** The notice a Claim or Release left in the address, translated; a holder is looked up, never read from it. */
    async function noticeOf(r: FastifyRequest<{ Querystring: Record<string, unknown> }>) {
      const key = NOTICES.get(text(r.query.said, 40));
      if (!key) return null;
      const h = text(r.query.h, 32);
      const handle = HANDLE.test(h) ? h : '?';
      if (key !== 'claim.taken') return t({ key: `interviews:${key}`, params: { handle } });
      const all = await candidatesFor(candidateDeps, member, '');
      const holder = all.ok ? byHandle(all.found, handle)?.claim?.interviewer : undefined;
      const name = neutralizeBidi(holder ? ((await deps.directory.get(holder))?.name ?? '?') : '?');
      return t({ key: `interviews:${key}`, params: { handle, name } });
    }
  });

  // Claim and Release: the respondent must be one the member may see, as in the chat; the
  // outcome comes back as a notice on the list, with the filters the member had.
  for (const action of ['claim', 'release'] as const) {
    app.post<{ Body: Record<string, unknown> }>(`/dashboard/followups/${action}`, async (req, reply) => {
      const member = req.staff!.member;
      const { fields } = filterOf(req.body);
      const page = text(req.body?.page, 6);
      const respondent = text(req.body?.respondent, 128);
      const back = (said: string, handle = '') =>
        reply.redirect(
          pageUrl(fields, {
            ...(/^\d+$/.test(page) ? { page } : {}),
            said,
            ...(handle ? { h: handle } : {}),
          }),
          303,
        );
      const interviews = deps.interviews;
      if (!interviews) return back('unavailable');
      const all = await candidatesFor(candidateDeps, member, '');
      const found = all.ok && respondent ? all.found.find((c) => c.respondent === respondent) : undefined;
      if (!found) {
        await dashboard.audit(req, `followup.${action}`, 'refused', undefined, { reason: 'unknown' });
        return back('unknown', handleOf(respondent));
      }
      if (action === 'claim') {
        const outcome = await interviews.claim(member, found.respondent);
        return back(outcome.ok ? 'claim_done' : 'claim_taken', found.handle);
      }
      const released = await interviews.release(member, found.respondent);
      return back(released ? 'release_done' : 'release_not_yours', found.handle);
    });
  }
}

function countryOf(c: Candidate): string | undefined {
  const question = c.flow.questions.find((q) => q.type === 'country')?.id;
  return question ? countryCodeOf(c.response.answers[question]) : undefined;
}
