import type { FastifyInstance } from 'fastify';
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
  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/conversations', async (req, reply) => {
    const member = req.staff!.member;
    const asked = req.query.flow;
    const flowId = typeof asked === 'string' && FLOW_ID.test(asked) ? asked : deps.flows.defaultFlow.id;
    const all = await deps.stores.conversations.byFlow(flowId);
    const mine = member.role === 'admin' ? all : all.filter((c) => c.interviewer === member.id);
    const shown = mine.slice(-PAGE).reverse();
    const names = new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
    const conversations = await Promise.all(
      shown.map(async (c) => ({
        ...c,
        handle: c.respondent.slice(0, 8),
        interviewerName: names.get(c.interviewer) ?? c.interviewer,
        messages: (await deps.stores.conversations.transcript(c.id)).map((m) => ({
          ...m,
          authorName: m.side === 'respondent' ? null : (names.get(m.author) ?? m.author),
        })),
      })),
    );
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

  // A message into a conversation, through the same gate as the chat: only its interviewer,
  // only once accepted and while open and consented; a refusal is audited there.
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/dashboard/conversations/:id/messages',
    async (req, reply) => {
      const member = req.staff!.member;
      const text = typeof req.body?.text === 'string' ? req.body.text.trim() : '';
      const back = (said: string) => reply.redirect(`/dashboard/conversations?said=${said}`, 303);
      if (!text) return back('empty');
      const interviews = deps.interviews;
      if (!interviews) return back('unavailable');
      const conversation = await deps.stores.conversations.get(req.params.id);
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
