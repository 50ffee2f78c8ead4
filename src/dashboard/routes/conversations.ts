import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Conversation } from '../../store/followup-store.ts';
import { POLL_SECONDS } from './overview.ts';
import type { Dashboard } from '../server.ts';

/** Conversations shown on one page: a campaign's follow-ups are a few dozen. */
const PAGE = 100;
const FLOW_ID = /^[a-z0-9][a-z0-9_]{0,63}$/;

/**
 * Follow-up conversations of a flow with their transcripts: an interviewer sees the ones they
 * hold, an admin all of them. Showing transcripts is showing personal data: each view is audited.
 */
export function mountConversations(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  const namesOf = async () => new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
  const shownAs = async (c: Conversation, names: Map<string, string>) => ({
    ...c,
    handle: c.respondent.slice(0, 8),
    interviewerName: names.get(c.interviewer) ?? c.interviewer,
    messages: (await deps.stores.conversations.transcript(c.id)).map((m) => ({
      ...m,
      authorName: m.side === 'respondent' ? null : (names.get(m.author) ?? m.author),
    })),
  });
  // One conversation for its interviewer or an admin; anyone else is told it does not exist,
  // as for an unknown id, so ids cannot be probed.
  const heldBy = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const member = req.staff!.member;
    const c = await deps.stores.conversations.get(req.params.id);
    return c && (member.role === 'admin' || c.interviewer === member.id) ? c : null;
  };
  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/conversations', async (req, reply) => {
    const member = req.staff!.member;
    const asked = req.query.flow;
    const flowId = typeof asked === 'string' && FLOW_ID.test(asked) ? asked : deps.flows.defaultFlow.id;
    const all = await deps.stores.conversations.byFlow(flowId);
    const mine = member.role === 'admin' ? all : all.filter((c) => c.interviewer === member.id);
    const shown = mine.slice(-PAGE).reverse();
    const names = await namesOf();
    const conversations = await Promise.all(shown.map((c) => shownAs(c, names)));
    await deps.stores.audit.append({
      at: new Date(),
      actor: member.id,
      action: 'conversation.view',
      target: flowId,
      outcome: 'ok',
      details: { conversations: conversations.length },
    });
    const said = typeof req.query.said === 'string' && SAID.test(req.query.said) ? req.query.said : null;
    return dashboard.views.send(reply, 'conversations', dashboard.context(req, 'conversations'), {
      flowId,
      conversations,
      said,
      memberId: member.id,
    });
  });

  // One conversation on a page of its own, its transcript polled so new messages appear while
  // the interviewer writes. Showing it is audited here once; the polls are the same view.
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/dashboard/conversations/:id',
    async (req, reply) => {
      const found = await heldBy(req);
      if (!found) return dashboard.message(req, reply, 404, 'refused.not_found');
      const member = req.staff!.member;
      const conversation = await shownAs(found, await namesOf());
      await deps.stores.audit.append({
        at: new Date(),
        actor: member.id,
        action: 'conversation.view',
        target: found.id,
        outcome: 'ok',
        details: { conversations: 1, flowId: found.flowId },
      });
      const said = typeof req.query.said === 'string' && SAID.test(req.query.said) ? req.query.said : null;
      return dashboard.views.send(reply, 'conversation', dashboard.context(req, 'conversations'), {
        conversation,
        said,
        memberId: member.id,
        poll: POLL_SECONDS,
      });
    },
  );

  app.get<{ Params: { id: string } }>('/dashboard/conversations/:id/live', async (req, reply) => {
    const found = await heldBy(req);
    if (!found) return dashboard.message(req, reply, 404, 'refused.not_found');
    return dashboard.views.send(reply, 'conversation-live', dashboard.context(req, 'conversations'), {
      conversation: await shownAs(found, await namesOf()),
      poll: POLL_SECONDS,
    });
  });

  // A message into a conversation, through the same gate as the chat: only its interviewer,
  // only once accepted and while open and consented; a refusal is audited there.
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/dashboard/conversations/:id/messages',
    async (req, reply) => {
      const member = req.staff!.member;
      const text = typeof req.body?.text === 'string' ? req.body.text.trim() : '';
      const conversation = await deps.stores.conversations.get(req.params.id);
      // Back where the form was: the conversation's own page (when the member may open it), or the list.
      const own = conversation && (member.role === 'admin' || conversation.interviewer === member.id);
      const page =
        own && req.body?.back === 'page'
          ? `/dashboard/conversations/${encodeURIComponent(conversation.id)}`
          : '/dashboard/conversations';
      const back = (said: string) => reply.redirect(`${page}?said=${said}`, 303);
      if (!text) return back('empty');
      const interviews = deps.interviews;
      if (!interviews) return back('unavailable');
      if (!conversation) {
        await deps.stores.audit.append({
          at: new Date(),
          actor: member.id,
          action: 'followup.write',
          outcome: 'refused',
          details: { reason: 'unknown' },
        });
        return back('refused_unknown');
      }
      const sent = await interviews.fromInterviewer(member, conversation, text.slice(0, 20_000), {
        fromDashboard: true,
      });
      return back(sent.ok ? 'sent' : `refused_${sent.reason}`);
    },
  );
}

const SAID = /^(sent|empty|unavailable|refused_[a-z_]{1,20})$/;
