import type { Writable } from 'node:stream';
import type { Flow } from '../engine/flow.ts';
import type { Translator } from '../i18n/translator.ts';
import type { ResponseRecord } from '../store/response-store.ts';
import { parseWhere, type Condition } from './dimensions.ts';
import { writeWideCsv } from './export/csv.ts';
import { writeLongJsonl } from './export/jsonl.ts';
import { writeRScript } from './export/r-script.ts';
import { writeSps } from './export/spss.ts';
import { wideLayout, type WideLayout } from './export/wide.ts';
import type { Sink } from './render/html.ts';
import { Labels } from './render/labels.ts';
import { onePerRespondent } from './respondents.ts';
import { codeKeys, codeLabels, loadContext, type AnalysisContext, type AnalysisStores } from './sources.ts';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'spss', 'r', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  campaign?: string;
  where?: readonly string[];
  lang: string;
  /** Who may be exported besides the filters asked for (a staff member's scope on the dashboard). */
  scope?: Condition;
}

/** Everything an export needs, read once: the layout, labels, and the respondents to stream. */
export interface Prepared {
  layout: WideLayout;
  labels: Labels;
  context: AnalysisContext;
  /** One response per respondent, filtered as asked, streamed. */
  records(): AsyncIterable<ResponseRecord>;
}

export async function prepareExport(
  stores: AnalysisStores,
  flow: Flow,
  translator: Translator,
  request: ExportRequest,
): Promise<Prepared> {
  const context = await loadContext(stores, flow);
  const where: Condition[] = (request.where ?? []).map((w) => parseWhere(flow, w, context.invitations));
  if (request.campaign) where.push(parseWhere(flow, `campaign=${request.campaign}`, context.invitations));
  if (request.scope) where.push(request.scope);
  const layout = wideLayout(flow, codeKeys(context), context);
  const labels = new Labels(translator, flow, request.lang, codeLabels(context));
  return {
    layout,
    labels,
    context,
    async *records() {
      for await (const r of onePerRespondent(stores.responses, { flowId: flow.id })) {
        if (where.every((c) => c.test(r))) yield r;
      }
    },
  };
}

/** The wide CSV. */
export const exportCsv = (p: Prepared, write: Sink) => writeWideCsv(p.layout, p.records(), write);

/** SPSS syntax and the CSV it reads (`csvFile` is the name the syntax gives it). */
export async function exportSpss(
  p: Prepared,
  csvFile: string,
  writeSyntax: Sink,
  writeCsv: Sink,
): Promise<number> {
  await writeSyntax(writeSps(p.layout, p.labels, csvFile));
  return writeWideCsv(p.layout, p.records(), writeCsv);
}

/** An R script and the CSV it reads. */
export async function exportR(
  p: Prepared,
  csvFile: string,
  writeScript: Sink,
  writeCsv: Sink,
): Promise<number> {
  await writeScript(writeRScript(p.layout, p.labels, csvFile));
  return writeWideCsv(p.layout, p.records(), writeCsv);
}

/** The workbook; exceljs (about 30 MB once loaded) is loaded only for it. */
export async function exportXlsx(
  p: Prepared,
  target: { filename: string } | { stream: Writable },
): Promise<number> {
  const { writeXlsx } = await import('./export/xlsx.ts');
  return writeXlsx(p.layout, p.labels, p.records(), target);
}

export const exportJsonl = (p: Prepared, write: Sink) => writeLongJsonl(p.layout.flow, p.records(), write);
