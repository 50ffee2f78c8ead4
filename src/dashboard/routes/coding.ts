import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agreement } from '../../analysis/coding/agreement.ts';
import { CodingQueue, type CodingItem } from '../../analysis/coding/queue.ts';
import { answersToCode } from '../../analysis/cli/code-command.ts';
import { Labels } from '../../analysis/render/labels.ts';
import type { Flow } from '../../engine/flow.ts';
import { FINAL_CODER, type Codebook } from '../../store/coding-store.ts';
import { ResponseScope } from '../scope.ts';
import type { Dashboard } from '../server.ts';
import { countryQuestionOf } from './responses.ts';

type Params = { Params: { question: string }; Querystring: Record<string, unknown> };
const QUESTION = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * Coding of open answers on the web, built for speed: one answer at a time with the question's
 * codebook, a key per code (the same keys as `npm run code -- answers`), Enter saves and moves on,
 * 0 "no code applies", arrows move, u jumps to the next uncoded answer. The coder is the signed-in
 * member. Agreement between two coders (Cohen's kappa per code and pooled, the disagreements) is
 * a page of its own; disagreements are settled with `npm run code -- resolve`.
 */
export function mountCoding(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;

  const flowOf = (req: FastifyRequest<{ Querystring: Record<string, unknown> }>): Flow => {
    const requested = typeof req.query.flow === 'string' ? req.query.flow : '';
    return (requested && deps.flows.get(requested)) || deps.flows.defaultFlow;
  };

  /** The question and its codebook, or null (the caller answers 404). */
  const questionOf = async (flow: Flow, id: string): Promise<Codebook | null> => {
    if (!QUESTION.test(id) || !flow.questions.some((q) => q.id === id && q.type === 'text')) return null;
    return deps.stores.codings.getCodebook(flow.id, id);
  };

  /** The answers this member may code, in the order everyone codes them, with their own codes. */
  const itemsFor = async (req: FastifyRequest, flow: Flow, question: string, coder: string) => {
    const scope = await ResponseScope.of(req.staff!.member, deps.stores.invitations);
    const countryQuestion = countryQuestionOf(flow);
    return answersToCode(deps.stores.responses, deps.stores.codings, flow, question, coder, (r) =>
      scope.allowsRecord(r, countryQuestion),
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/dashboard/coding', async (req, reply) => {
    const flow = flowOf(req);
    const lng = dashboard.views.languageOf(req, req.staff!.member);
    const labels = new Labels(deps.translator, flow, lng);
    const books = new Map((await deps.stores.codings.listCodebooks(flow.id)).map((b) => [b.question, b]));
    const coders = new Map<string, Map<string, number>>();
    for await (const c of deps.stores.codings.scanCodings({ flowId: flow.id })) {
      const counts = coders.get(c.question) ?? new Map<string, number>();
      counts.set(c.coder, (counts.get(c.coder) ?? 0) + 1);
      coders.set(c.question, counts);
    }
    const names = new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
    const questions = flow.questions
      .filter((q) => q.type === 'text')
      .map((q) => ({
        id: q.id,
        label: labels.question(q.id),
        codes: books.get(q.id)?.codes.length ?? 0,
        coders: [...(coders.get(q.id) ?? new Map<string, number>())].map(([coder, count]) => ({
          coder,
          name: names.get(coder) ?? coder,
          count,
        })),
      }));
    return dashboard.views.send(reply, 'coding', dashboard.context(req, 'coding'), {
      flow: flow.id,
      flows: deps.flows.ids(),
      questions,
    });
  });

  const answerPage = async (
    req: FastifyRequest<Params>,
    reply: FastifyReply,
    flow: Flow,
    book: Codebook,
    at: number,
    status = 200,
  ) => {
    const member = req.staff!.member;
    const items = await itemsFor(req, flow, book.question, member.id);
    const queue = new CodingQueue(items, book.codes);
    const position = Math.max(0, Math.min(items.length, at));
    const item: CodingItem | undefined = items[position];
    const lng = dashboard.views.languageOf(req, member);
    const t = deps.translator.translatorFor(lng);
    const base = `/dashboard/coding/${book.question}?flow=${encodeURIComponent(flow.id)}&at=`;
    const uncoded = items.findIndex((x, i) => i > position && x.codes === undefined);
    return dashboard.views.send(
      reply,
      'coding-answer',
      dashboard.context(req, 'coding'),
      {
        flow: flow.id,
        question: book.question,
        label: new Labels(deps.translator, flow, lng).question(book.question),
        item: item ?? null,
        position,
        total: items.length,
        coded: queue.coded,
        codes: book.codes.map((c) => ({
          code: c.code,
          key: queue.keyOf(c.code) ?? '',
          label: c.labels[lng] ?? c.labels.en ?? Object.values(c.labels)[0] ?? c.code,
          description: c.description ?? '',
          checked: item?.codes?.includes(c.code) ?? false,
        })),
        languageName: item ? t({ key: 'common:language.option', params: { code: item.locale } }) : '',
        previous: position > 0 ? `${base}${position - 1}` : null,
        next: position < items.length ? `${base}${position + 1}` : null,
        uncoded: uncoded >= 0 ? `${base}${uncoded}` : null,
      },
      status,
    );
  };

  app.get<Params>('/dashboard/coding/:question', async (req, reply) => {
    const flow = flowOf(req);
    const book = await questionOf(flow, req.params.question);
    if (!book) return dashboard.message(req, reply, 404, 'refused.not_found');
    const at = Number(req.query.at ?? 0);
    return answerPage(req, reply, flow, book, Number.isSafeInteger(at) ? at : 0);
  });

  app.post<{
    Params: { question: string };
    Querystring: Record<string, unknown>;
    Body: Record<string, unknown>;
  }>('/dashboard/coding/:question', async (req, reply) => {
    const flow = flowOf(req);
    const book = await questionOf(flow, req.params.question);
    if (!book) return dashboard.message(req, reply, 404, 'refused.not_found');
    const body = req.body ?? {};
    const picked = body.codes === undefined ? [] : [body.codes].flat();
    const known = new Set(book.codes.map((c) => c.code));
    const member = req.staff!.member;
    const items = await itemsFor(req, flow, book.question, member.id);
    const at = Number(body.at);
    const item = Number.isSafeInteger(at) ? items[at] : undefined;
    // A forged code, an answer out of reach (another scope, erased), a response id that moved:
    // nothing is saved.
    if (
      !item ||
      item.responseId !== body.response ||
      !picked.every((c): c is string => typeof c === 'string' && known.has(c)) ||
      (body.action !== 'save' && body.action !== 'none')
    ) {
      return dashboard.message(req, reply, 400, 'refused.bad_request');
    }
    const codes =
      body.action === 'none' ? [] : book.codes.map((c) => c.code).filter((c) => picked.includes(c));
    await deps.stores.codings.saveCoding({
      flowId: flow.id,
      question: book.question,
      responseId: item.responseId,
      respondent: item.respondent,
      coder: member.id,
      codes,
      at: new Date((deps.clock ?? Date.now)()),
    });
    return reply.redirect(
      `/dashboard/coding/${book.question}?flow=${encodeURIComponent(flow.id)}&at=${at + 1}`,
      303,
    );
  });

  app.get<Params>('/dashboard/coding/:question/agreement', async (req, reply) => {
    const flow = flowOf(req);
    const book = await questionOf(flow, req.params.question);
    if (!book) return dashboard.message(req, reply, 404, 'refused.not_found');
    const codings = [];
    for await (const c of deps.stores.codings.scanCodings({ flowId: flow.id, question: book.question }))
      codings.push(c);
    const coders = [...new Set(codings.map((c) => c.coder))].filter((c) => c !== FINAL_CODER).sort();
    const a = typeof req.query.a === 'string' && coders.includes(req.query.a) ? req.query.a : coders[0];
    const b =
      typeof req.query.b === 'string' && coders.includes(req.query.b)
        ? req.query.b
        : coders.find((c) => c !== a);
    const names = new Map((await deps.directory.list()).map((m) => [m.id, m.name]));
    const result =
      a && b && a !== b
        ? agreement(
            book.codes.map((c) => c.code),
            codings,
            a,
            b,
          )
        : null;
    const lng = dashboard.views.languageOf(req, req.staff!.member);
    const label = (code: string) => {
      const c = book.codes.find((x) => x.code === code);
      return c ? (c.labels[lng] ?? c.labels.en ?? code) : code;
    };
    const fixed = (k: number | null) =>
      k === null
        ? '—'
        : new Intl.NumberFormat(lng, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(k);
    return dashboard.views.send(reply, 'coding-agreement', dashboard.context(req, 'coding'), {
      flow: flow.id,
      question: book.question,
      coders: coders.map((c) => ({ coder: c, name: names.get(c) ?? c })),
      a: a ?? '',
      b: b ?? '',
      nameOf: (c: string) => names.get(c) ?? c,
      result: result && {
        ...result,
        pooled: fixed(result.pooled),
        single: result.single === null ? null : fixed(result.single),
        perCode: result.perCode.map((c) => ({ ...c, label: label(c.code), kappa: fixed(c.kappa) })),
        disagreements: result.disagreements.map((d) => ({
          ...d,
          a: d.a.map(label).join(', '),
          b: d.b.map(label).join(', '),
        })),
      },
    });
  });
}
