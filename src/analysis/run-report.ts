import type { Flow } from '../engine/flow.ts';
import type { Translator } from '../i18n/translator.ts';
import { parseDimension, parseWhere, type Condition, type Dimension } from './dimensions.ts';
import type { Report } from './model.ts';
import { renderHtml, renderHtmlBody, type Sink } from './render/html.ts';
import { renderJson } from './render/json.ts';
import { Labels } from './render/labels.ts';
import { renderMarkdown } from './render/markdown.ts';
import { buildReport, checkCrossable } from './report.ts';
import { onePerRespondent, type ReadCounts } from './respondents.ts';
import { codeKeys, codeLabels, loadContext, type AnalysisContext, type AnalysisStores } from './sources.ts';
import { TextListing } from './texts.ts';

export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a researcher asks for: the CLI's flags, or a dashboard page's filters. */
export interface ReportRequest {
  campaign?: string;
  /** `q3=RU`, `region=150`, `q2!=no`. */
  where?: readonly string[];
  /** `region`, `q1`, `q3=RU`... */
  by?: string;
  /** Pairs to cross-tabulate: `q2a,q9a`. */
  cross?: readonly string[];
  lang: string;
  /** `body`: the HTML report's body alone, for a page that mounts it. */
  format: ReportFormat | 'body';
  /** List every typed answer (default) or leave the texts out. */
  texts?: boolean;
  generatedAt?: Date;
  /** Who may be counted besides the filters asked for (a staff member's scope on the dashboard). */
  scope?: Condition;
}

/** A request read against the flow and its invitations: what the report will filter and split by. */
export interface ReportPlan {
  context: AnalysisContext;
  where: Condition[];
  by?: Dimension;
  crosses: (readonly [Dimension, Dimension])[];
}

/** Reads the request's names against the flow; a bad one throws a DimensionError, nothing read yet. */
export async function planReport(
  stores: AnalysisStores,
  flow: Flow,
  request: ReportRequest,
): Promise<ReportPlan> {
  const context = await loadContext(stores, flow);
  const where: Condition[] = (request.where ?? []).map((w) => parseWhere(flow, w, context.invitations));
  if (request.campaign) where.unshift(parseWhere(flow, `campaign=${request.campaign}`, context.invitations));
  if (request.scope) where.unshift(request.scope);
  const by = request.by ? parseDimension(flow, request.by, context.invitations) : undefined;
  const crosses = (request.cross ?? []).map((pair) => {
    const [a, b, ...rest] = pair.split(',').map((s) => s.trim());
    if (!a || !b || rest.length) throw new Error(`--cross "${pair}": name two questions, as q2a,q9a`);
    const dimensions = [
      parseDimension(flow, a, context.invitations),
      parseDimension(flow, b, context.invitations),
    ] as const;
    dimensions.forEach(checkCrossable);
    return dimensions;
  });
  return { context, where, ...(by ? { by } : {}), crosses };
}

/**
 * Reads the flow's responses once (one per respondent), builds every table and writes the report
 * in the format asked for (planned here unless the caller planned it already).
 */
export async function runReport(
  stores: AnalysisStores,
  flow: Flow,
  translator: Translator,
  request: ReportRequest,
  write: Sink,
  plan?: ReportPlan,
): Promise<Report> {
  const { context, where, by, crosses } = plan ?? (await planReport(stores, flow, request));
  const counts: ReadCounts = { records: 0, superseded: 0 };
  const texts = request.texts === false ? null : new TextListing();
  try {
    const report = await buildReport(
      flow,
      onePerRespondent(stores.responses, { flowId: flow.id }, counts),
      counts,
      {
        where,
        ...(by ? { by } : {}),
        crosses,
        codebooks: codeKeys(context),
        codesOf: context.codesOf,
        ...(texts ? { texts } : {}),
        ...(request.campaign ? { campaign: request.campaign } : {}),
      },
    );
    const labels = new Labels(translator, flow, request.lang, codeLabels(context));
    if (request.format === 'json') await renderJson(report, texts, write, request.generatedAt);
    else if (request.format === 'md') await renderMarkdown(report, labels, texts, write, request.generatedAt);
    else if (request.format === 'body')
      await renderHtmlBody(report, labels, texts, write, request.generatedAt);
    else await renderHtml(report, labels, texts, write, request.generatedAt);
    return report;
  } finally {
    await texts?.dispose();
  }
}
