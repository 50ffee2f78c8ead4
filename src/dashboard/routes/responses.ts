import type { FastifyInstance } from 'fastify';
import m49 from '../../engine/m49.json' with { type: 'json' };
import type { Flow } from '../../engine/flow.ts';
import { regionName } from '../../engine/regions.ts';
import { countryCodeOf, type ResponseQuery, type ResponseRecord } from '../../store/response-store.ts';
import { mayReadContact } from '../access.ts';
import { answerRows } from '../responses/answer-view.ts';
import { ResponseScope } from '../scope.ts';
import type { Dashboard } from '../server.ts';

export const PAGE_SIZE = 50;
const CHANNELS = ['telegram', 'discord', 'terminal'];
const FIELDS = ['flow', 'campaign', 'status', 'channel', 'lang', 'country', 'from', 'to', 'page'] as const;
type Field = (typeof FIELDS)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RESPONSE_ID = /^[\w-]{1,80}$/;

/** The flow's country question, if it has one. */
export const countryQuestionOf = (flow: Flow | undefined) =>
  flow?.questions.find((q) => q.type === 'country')?.id;

function day(text: string): Date | null {
  if (!DATE.test(text)) return null;
  const date = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? null : date;
}

/**
 * Responses: a table filtered by flow, campaign, status, channel, language, country and start
 * date, a page at a time from the store; and one response with every answer labelled in the
 * reader's language. A filter value that is not one of the flow's is named in a message and
 * gives an empty table; nothing is written but the audit line of a response opened.
 */
export function mountResponses(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/responses', async (req, reply) => {
    const raw: Partial<Record<Field, string>> = {};
    const invalid = new Set<Field>();
    for (const field of FIELDS) {
      const value = req.query[field];
      if (value === undefined || value === '') continue;
      if (typeof value !== 'string' || value.length > 100) invalid.add(field);
      else raw[field] = value;
    }
    const flow = raw.flow ? deps.flows.get(raw.flow) : deps.flows.defaultFlow;
    if (!flow) invalid.add('flow');
    const current = flow ?? deps.flows.defaultFlow;
    const campaigns = [...new Set((await deps.stores.invitations.list()).map((i) => i.campaign))].sort();
    if (raw.campaign && !campaigns.includes(raw.campaign)) invalid.add('campaign');
    if (raw.status && raw.status !== 'complete' && raw.status !== 'partial') invalid.add('status');
    if (raw.channel && !CHANNELS.includes(raw.channel)) invalid.add('channel');
    if (raw.lang && !current.languages.includes(raw.lang)) invalid.add('lang');
    const country = raw.country?.toUpperCase();
    if (country && !Object.hasOwn(m49, country)) invalid.add('country');
    const from = raw.from ? day(raw.from) : null;
    const to = raw.to ? day(raw.to) : null;
    if (raw.from && !from) invalid.add('from');
    if (raw.to && !to) invalid.add('to');
    const page = raw.page ? Number(raw.page) : 1;
    if (!Number.isSafeInteger(page) || page < 1 || !/^\d+$/.test(raw.page ?? '1')) invalid.add('page');

    const member = req.staff!.member;
    const lng = dashboard.views.languageOf(req, member);
    const t = deps.translator.translatorFor(lng);
    const countryQuestion = countryQuestionOf(current);
    let found = { records: [] as ResponseRecord[], total: 0 };
    if (invalid.size === 0) {
      const invitations = raw.campaign
        ? (await deps.stores.invitations.list())
            .filter((i) => i.campaign === raw.campaign)
            .map((i) => i.token)
        : undefined;
      const query: ResponseQuery = {
        flowId: current.id,
        ...(raw.status ? { status: raw.status as 'complete' | 'partial' } : {}),
        ...(raw.channel ? { channel: raw.channel } : {}),
        ...(raw.lang ? { locale: raw.lang } : {}),
        ...(invitations ? { invitations } : {}),
        ...(country
          ? { country: { question: countryQuestion ?? '', codes: countryQuestion ? [country] : [] } }
          : {}),
        ...(from ? { startedFrom: from } : {}),
        ...(to ? { startedBefore: new Date(to.getTime() + 86_400_000) } : {}),
      };
      const scope = await ResponseScope.of(member, deps.stores.invitations);
      found = await deps.stores.responses.page(scope.narrow(query, countryQuestion), {
        skip: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
      });
    }
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const rows = found.records.map((r) => {
      const code = countryQuestion ? countryCodeOf(r.answers[countryQuestion]) : undefined;
      return {
        id: r.id,
        startedAt: r.startedAt,
        status: r.status,
        channel: t({ key: `dashboard:channel.${r.channel}` }),
        language: t({ key: 'common:language.option', params: { code: r.locale } }),
        country: code ? regionName(code, lng) : '',
        answered: Object.values(r.answers).filter((a) => a.status === 'answered').length,
      };
    });
    const keep = (over: Partial<Record<Field, string>>) => {
      const params = new URLSearchParams();
      for (const field of FIELDS) {
        const value = field in over ? over[field] : invalid.has(field) ? undefined : raw[field];
        if (value) params.set(field, value);
      }
      return `/dashboard/responses?${params}`;
    };
    return dashboard.views.send(reply, 'responses', dashboard.context(req, 'responses'), {
      filters: { ...raw, flow: current.id, country: country ?? '' },
      invalid: [...invalid],
      flows: deps.flows.ids(),
      campaigns,
      channels: CHANNELS,
      languages: current.languages.map((code) => ({
        code,
        name: t({ key: 'common:language.option', params: { code } }),
      })),
      countries: Object.keys(m49)
        .filter((c) => (m49 as Record<string, string[]>)[c]!.length > 0)
        .map((code) => ({ code, name: regionName(code, lng) }))
        .sort((a, b) => a.name.localeCompare(b.name, lng)),
      rows,
      total: found.total,
      page,
      pages,
      beyond: invalid.size === 0 && found.total > 0 && rows.length === 0,
      previous: page > 1 && page <= pages ? keep({ page: String(page - 1) }) : null,
      next: page < pages ? keep({ page: String(page + 1) }) : null,
    });
  });

  app.get<{ Params: { id: string } }>('/dashboard/responses/:id', async (req, reply) => {
    const { id } = req.params;
    const record = RESPONSE_ID.test(id) ? await deps.stores.responses.get(id) : null;
    if (!record) return dashboard.message(req, reply, 404, 'refused.not_found');
    const member = req.staff!.member;
    const flow =
      (await deps.flows.version(record.flowId, record.flowVersion)) ?? deps.flows.get(record.flowId);
    const countryQuestion = countryQuestionOf(flow);
    const scope = await ResponseScope.of(member, deps.stores.invitations);
    if (!scope.allowsRecord(record, countryQuestion)) {
      await dashboard.audit(req, 'response.view', 'refused', record.id, { reason: 'scope' });
      return dashboard.message(req, reply, 404, 'refused.not_found');
    }
    await dashboard.audit(req, 'response.view', 'ok', record.id);
    const lng = dashboard.views.languageOf(req, member);
    const t = deps.translator.translatorFor(lng);
    const rows = flow
      ? answerRows(flow, record, t)
      : Object.entries(record.answers).map(([question, answer]) => ({
          question,
          label: question,
          state: answer.status,
          parts: answer.status === 'answered' ? [{ quote: JSON.stringify(answer.value) }] : [],
        }));
    // Besides admins, the interviewer who holds this respondent's follow-up reads their contact.
    const claim = member.role === 'interviewer' ? await deps.stores.claims.get(record.respondent) : null;
    const mayRead = mayReadContact(member, (m) => claim?.interviewer === m.id);
    let contact = null;
    if (record.contactId && mayRead) {
      contact = await deps.stores.contacts.get(record.contactId);
      if (contact) await dashboard.audit(req, 'contact.view', 'ok', record.id);
    }
    return dashboard.views.send(reply, 'response', dashboard.context(req, 'responses'), {
      record,
      rows,
      contact,
      contactHidden: Boolean(record.contactId) && !mayRead,
      channel: t({ key: `dashboard:channel.${record.channel}` }),
      language: t({ key: 'common:language.option', params: { code: record.locale } }),
    });
  });
}
