import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Condition } from '../../analysis/dimensions.ts';
import { DimensionError } from '../../analysis/dimensions.ts';
import { writeRScript } from '../../analysis/export/r-script.ts';
import { writeSps } from '../../analysis/export/spss.ts';
import type { Sink } from '../../analysis/render/html.ts';
import { Labels } from '../../analysis/render/labels.ts';
import {
  EXPORT_FORMATS,
  exportCsv,
  exportJsonl,
  exportXlsx,
  prepareExport,
  type ExportFormat,
} from '../../analysis/run-export.ts';
import {
  planReport,
  REPORT_FORMATS,
  runReport,
  type ReportFormat,
  type ReportRequest,
} from '../../analysis/run-report.ts';
import type { Flow } from '../../engine/flow.ts';
import { ResponseScope } from '../scope.ts';
import type { Dashboard } from '../server.ts';
import { countryQuestionOf } from './responses.ts';

type Query = { Querystring: Record<string, unknown> };

/** Splits the page offers besides the flow's own choice questions. */
const SPLITS = ['region', 'subregion', 'arab', 'language', 'channel', 'campaign', 'coordinator'] as const;
/** Exports a browser downloads; SPSS syntax and the R script read the CSV download beside them. */
const WEB_EXPORTS = ['csv', 'xlsx', 'spss', 'r', 'jsonl'] as const satisfies readonly ExportFormat[];
const MAX_CROSSES = 3;
const MAX_FILTERS = 10;
const FILTER = /^[\p{L}\p{N}_.,:+\- ]{1,80}(!?=)[\p{L}\p{N}_.,:+\- ]{1,80}$/u;

const FILES: Record<ReportFormat | (typeof WEB_EXPORTS)[number], { type: string; ext: string }> = {
  html: { type: 'text/html; charset=utf-8', ext: 'html' },
  md: { type: 'text/markdown; charset=utf-8', ext: 'md' },
  json: { type: 'application/json; charset=utf-8', ext: 'json' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  jsonl: { type: 'application/x-ndjson; charset=utf-8', ext: 'jsonl' },
  spss: { type: 'text/plain; charset=utf-8', ext: 'sps' },
  r: { type: 'text/plain; charset=utf-8', ext: 'R' },
};

/** What the filter form asked for, read strictly: anything else is a bad request, never guessed. */
interface Asked {
  flow: Flow;
  campaign: string;
  where: string[];
  by: string;
  /** Pairs to cross-tabulate, `q2a,q9a`. */
  cross: string[];
  lang: string;
  texts: boolean;
  invalid: boolean;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/**
 * The Reports page: the report `npm run report` writes, live over the stored responses, with the
 * same filters and splits, in the reader's language; the report and the exports as files. Every
 * member sees only the respondents of their scope (campaigns, regions), as on the other pages;
 * exports (one row per respondent) are for admins and coordinators, and each is audited.
 */
export function mountReports(app: FastifyInstance, dashboard: Dashboard): void {
  const { deps } = dashboard;
  const stores = {
    responses: deps.stores.responses,
    invitations: deps.stores.invitations,
    codings: deps.stores.codings,
  };

  const ask = (req: FastifyRequest<Query>): Asked => {
    const q = req.query;
    const requested = text(q.flow);
    const flow = (requested && deps.flows.get(requested)) || deps.flows.defaultFlow;
    const where = text(q.where)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const campaign = text(q.campaign);
    const by = text(q.by);
    const cross = text(q.cross)
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, ''))
      .filter(Boolean);
    const lang = text(q.lang) || dashboard.views.languageOf(req, req.staff!.member);
    const invalid =
      (requested !== '' && requested !== flow.id) ||
      where.length > MAX_FILTERS ||
      where.some((w) => !FILTER.test(w)) ||
      (campaign !== '' && !/^[\p{L}\p{N}_.:\- ]{1,80}$/u.test(campaign)) ||
      (by !== '' && !/^[\p{L}\p{N}_]{1,40}(=[\p{L}\p{N}_.\-]{1,40})?$/u.test(by)) ||
      cross.length > MAX_CROSSES ||
      cross.some((c) => !/^[\p{L}\p{N}_]{1,40},[\p{L}\p{N}_]{1,40}$/u.test(c)) ||
      !deps.translator.languages.includes(lang);
    return {
      flow,
      campaign,
      where,
      by,
      cross,
      lang: deps.translator.languages.includes(lang) ? lang : 'en',
      texts: q.texts === '1',
      invalid,
    };
  };

  /** The member's scope as a condition on responses (none when they see everything). */
  const scopeOf = async (req: FastifyRequest, flow: Flow): Promise<Condition | undefined> => {
    const member = req.staff!.member;
    const scope = await ResponseScope.of(member, deps.stores.invitations);
    if (scope.unlimited) return undefined;
    const countryQuestion = countryQuestionOf(flow);
    const named = [
      ...member.scope.campaigns.map((c) => `campaign=${c}`),
      ...member.scope.regions.map((r) => `region=${r}`),
    ];
    return {
      // Shown among the report's filters, so a scoped reader sees why the totals are smaller.
      text: `scope: ${named.join(', ')}`,
      test: (r) => scope.allowsRecord(r, countryQuestion),
    };
  };

  const requestOf = async (req: FastifyRequest, a: Asked, format: ReportRequest['format']) => {
    const scope = await scopeOf(req, a.flow);
    return {
      lang: a.lang,
      format,
      texts: a.texts,
      where: a.where,
      cross: a.cross,
      ...(a.campaign ? { campaign: a.campaign } : {}),
      ...(a.by ? { by: a.by } : {}),
      ...(scope ? { scope } : {}),
      generatedAt: new Date((deps.clock ?? Date.now)()),
    } satisfies ReportRequest;
  };

  const page = async (
    req: FastifyRequest<Query>,
    reply: FastifyReply,
    a: Asked,
    body: string,
    status = 200,
  ) => {
    const campaigns = [...new Set((await deps.stores.invitations.list()).map((i) => i.campaign))].sort();
    const labels = new Labels(deps.translator, a.flow, dashboard.views.languageOf(req, req.staff!.member));
    const questions = a.flow.questions
      .filter((q) => ['yesno', 'single', 'multi', 'country'].includes(q.type))
      .map((q) => ({ value: q.id, name: `${q.id}. ${labels.question(q.id)}` }));
    const keep = new URLSearchParams({
      flow: a.flow.id,
      campaign: a.campaign,
      where: a.where.join('\n'),
      by: a.by,
      cross: a.cross.join('\n'),
      lang: a.lang,
      texts: a.texts ? '1' : '',
    });
    return dashboard.views.send(
      reply,
      'reports',
      dashboard.context(req, 'reports'),
      {
        asked: { ...a, flow: a.flow.id, where: a.where.join('\n'), cross: a.cross.join('\n') },
        flows: deps.flows.ids(),
        campaigns,
        splits: [...SPLITS.map((s) => ({ value: s, name: labels.t(`dimension.${s}`) })), ...questions],
        languages: deps.translator.languages.map((code) => ({
          code,
          name: labels.language(code),
        })),
        formats: REPORT_FORMATS,
        exports: WEB_EXPORTS,
        mayExport: ['admin', 'coordinator'].includes(req.staff!.member.role),
        query: keep.toString(),
        report: body,
      },
      status,
    );
  };

  app.get<Query>('/dashboard/reports', async (req, reply) => {
    const a = ask(req);
    if (a.invalid) return page(req, reply, a, '', 400);
    const request = await requestOf(req, a, 'body');
    let plan;
    try {
      plan = await planReport(stores, a.flow, request);
    } catch (error) {
      if (!(error instanceof DimensionError)) throw error;
      return page(req, reply, { ...a, invalid: true }, '', 400);
    }
    // The page's report is built in memory: it holds the tables, and typed answers only when asked.
    const chunks: string[] = [];
    await runReport(stores, a.flow, deps.translator, request, (c) => void chunks.push(c), plan);
    return page(req, reply, a, chunks.join(''));
  });

  /** Streams a file to the browser as it is written, waiting when the connection is slow. */
  const download = async (
    reply: FastifyReply,
    name: string,
    format: keyof typeof FILES,
    write: (sink: Sink, stream: PassThrough) => Promise<unknown>,
    /** The writer ends the stream itself (exceljs pipes its zip into it and ends it). */
    endsItself = false,
  ) => {
    const stream = new PassThrough();
    const sink: Sink = async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    };
    write(sink, stream).then(
      () => endsItself || stream.end(),
      (error: unknown) => {
        deps.log.error({ err: error }, 'a dashboard download failed while streaming');
        stream.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}.${FILES[format].ext}"`)
      .type(FILES[format].type)
      .send(stream);
  };

  const fileName = (a: Asked, what: string) =>
    `${a.flow.id}-${what}-${new Date((deps.clock ?? Date.now)()).toISOString().slice(0, 10)}`;

  app.get<Query>('/dashboard/reports/file', async (req, reply) => {
    const a = ask(req);
    const format = (text(req.query.format) || 'html') as ReportFormat;
    if (a.invalid || !REPORT_FORMATS.includes(format))
      return dashboard.message(req, reply, 400, 'refused.bad_request');
    const request = await requestOf(req, a, format);
    let plan;
    try {
      plan = await planReport(stores, a.flow, request);
    } catch (error) {
      if (!(error instanceof DimensionError)) throw error;
      return dashboard.message(req, reply, 400, 'refused.bad_request');
    }
    await dashboard.audit(req, 'report.download', 'ok', a.flow.id, { format });
    return download(reply, fileName(a, 'report'), format, (sink) =>
      runReport(stores, a.flow, deps.translator, request, sink, plan),
    );
  });

  app.get<Query>('/dashboard/exports/file', async (req, reply) => {
    const a = ask(req);
    const format = (text(req.query.format) || 'csv') as (typeof WEB_EXPORTS)[number];
    if (
      a.invalid ||
      !(WEB_EXPORTS as readonly string[]).includes(format) ||
      !EXPORT_FORMATS.includes(format)
    ) {
      return dashboard.message(req, reply, 400, 'refused.bad_request');
    }
    const scope = await scopeOf(req, a.flow);
    let prepared;
    try {
      prepared = await prepareExport(stores, a.flow, deps.translator, {
        lang: a.lang,
        where: a.where,
        ...(a.campaign ? { campaign: a.campaign } : {}),
        ...(scope ? { scope } : {}),
      });
    } catch (error) {
      if (!(error instanceof DimensionError)) throw error;
      return dashboard.message(req, reply, 400, 'refused.bad_request');
    }
    await dashboard.audit(req, 'export.download', 'ok', a.flow.id, { format });
    const name = fileName(a, 'responses');
    // The syntax and the script read the CSV downloaded beside them, under the name it is given.
    const csvFile = `${name}.csv`;
    return download(
      reply,
      name,
      format,
      async (sink, stream) => {
        if (format === 'csv') return exportCsv(prepared, sink);
        if (format === 'jsonl') return exportJsonl(prepared, sink);
        if (format === 'spss') return sink(writeSps(prepared.layout, prepared.labels, csvFile));
        if (format === 'r') return sink(writeRScript(prepared.layout, prepared.labels, csvFile));
        return exportXlsx(prepared, { stream });
      },
      format === 'xlsx',
    );
  });
}
