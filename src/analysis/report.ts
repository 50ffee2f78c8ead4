import type { Flow, Question } from '../engine/flow.ts';
import { neutralizeBidi } from '../safe-text.ts';
import type { ResponseRecord } from '../store/response-store.ts';
import { readMulti, readRanking, readSingle, readText } from './answers.ts';
import { DimensionError, type Condition, type Dimension } from './dimensions.ts';
import type { Count, CrossTab, Group, QuestionTable, Report } from './model.ts';
import type { ReadCounts } from './respondents.ts';
import { statesOf, surveyQuestions, type QuestionState } from './states.ts';
import { chiSquare } from './stats.ts';
import { AmountTally } from './tallies/amount.ts';
import { ChoiceTally, choiceKeys } from './tallies/choice.ts';
import { CountryTally } from './tallies/country.ts';
import { MultiTally, multiKeys } from './tallies/multi.ts';
import { RankingTally } from './tallies/ranking.ts';
import { TextTally } from './tallies/text.ts';
import { KeyCounts, type Tally } from './tally.ts';
import { answersList, othersList, type TextListing } from './texts.ts';

/** The group of respondents without a value on the split's dimension (declined, not asked...). */
export const MISSING = '(missing)';

/** The resolved codes of one coded answer, or 'disputed'; undefined when not coded. */
export type CodesOf = (question: string, responseId: string) => readonly string[] | 'disputed' | undefined;

export interface ReportOptions {
  where?: readonly Condition[];
  by?: Dimension;
  crosses?: readonly (readonly [Dimension, Dimension])[];
  /** Question id → the codes of its codebook, for the questions that have one. */
  codebooks?: ReadonlyMap<string, readonly string[]>;
  codesOf?: CodesOf;
  /** Where the texts go to be listed; none: not listed. */
  texts?: TextListing;
  campaign?: string;
}

function tallyFor(flow: Flow, question: Question, codebooks: ReportOptions['codebooks']): Tally {
  switch (question.type) {
    case 'yesno':
    case 'single':
    case 'contact':
      return new ChoiceTally(question);
    case 'multi':
      return new MultiTally(question);
    case 'ranking':
      return new RankingTally(flow, question);
    case 'amount':
      return new AmountTally(question);
    case 'country':
      return new CountryTally(question);
    case 'text':
      return new TextTally(question, codebooks?.get(question.id) ?? null);
    default:
      throw new Error(`no table for ${question.type} questions`);
  }
}

/** The order of a dimension's groups: the flow's options where it has them. */
function knownKeys(flow: Flow, dimension: Dimension): string[] {
  if (dimension.value !== undefined) return [dimension.value, 'rest'];
  const q = dimension.question ? flow.questions.find((x) => x.id === dimension.question) : undefined;
  if (!q) return [];
  if (q.type === 'multi') return [...multiKeys(q), ...q.exclusive];
  if (q.type === 'yesno' || q.type === 'single' || q.type === 'contact') return choiceKeys(q);
  return [];
}

/** A dimension a cross-tab can use: one group per respondent, else a DimensionError. */
export function checkCrossable(d: Dimension): void {
  if (d.multiple) {
    throw new DimensionError(
      `${d.name} allows several answers, so one respondent would count in several cells; ` +
        `cross-tabulate one option against the rest instead (${d.name}=<option>)`,
    );
  }
}

/**
 * Builds every table in one pass over the responses, holding counts (and the numbers medians
 * need), never the responses: a report over 100,000 responses holds what its tables hold.
 */
export async function buildReport(
  flow: Flow,
  records: AsyncIterable<ResponseRecord>,
  counts: ReadCounts,
  opts: ReportOptions = {},
): Promise<Report> {
  for (const pair of opts.crosses ?? []) pair.forEach(checkCrossable);
  const questions = surveyQuestions(flow);
  const newTallies = () => questions.map((q) => tallyFor(flow, q, opts.codebooks));
  const total = newTallies();
  const groups = new Map<string, { respondents: number; tallies: Tally[] }>();
  const crosses = (opts.crosses ?? []).map(([rows, columns]) => ({
    rows,
    columns,
    cells: new Map<string, Map<string, number>>(),
    missing: 0,
  }));
  const summary = {
    respondents: 0,
    complete: 0,
    partial: 0,
    versions: new KeyCounts([]),
    languages: new KeyCounts(flow.languages),
    channels: new KeyCounts([]),
    stoppedAt: new KeyCounts(questions.map((q) => q.id)),
  };

  for await (const record of records) {
    if (opts.where && !opts.where.every((c) => c.test(record))) continue;
    summary.respondents++;
    summary[record.status]++;
    summary.versions.add(String(record.flowVersion));
    summary.languages.add(record.locale);
    summary.channels.add(record.channel);
    const { states, stoppedAt } = statesOf(questions, record);
    if (stoppedAt) summary.stoppedAt.add(stoppedAt);

    let groupKeys: string[] = [];
    if (opts.by) {
      groupKeys = opts.by.keysOf(record);
      if (groupKeys.length === 0) groupKeys = [MISSING];
      for (const key of groupKeys) {
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { respondents: 0, tallies: newTallies() }));
        group.respondents++;
      }
    }
    questions.forEach((q, i) => {
      const state = states[i]!;
      const codes =
        q.type === 'text' && state.kind === 'answered' ? opts.codesOf?.(q.id, record.id) : undefined;
      const seen = { record, ...(codes ? { codes } : {}) };
      total[i]!.add(state, seen);
      for (const key of groupKeys) groups.get(key)!.tallies[i]!.add(state, seen);
      if (opts.texts) listTexts(opts.texts, q, state, record, codes, opts.by ? groupKeys : undefined);
    });
    const room = opts.texts?.drained();
    if (room) await room;
    for (const cross of crosses) {
      const [row] = cross.rows.keysOf(record);
      const [column] = cross.columns.keysOf(record);
      if (row === undefined || column === undefined) {
        cross.missing++;
        continue;
      }
      let cells = cross.cells.get(row);
      if (!cells) cross.cells.set(row, (cells = new Map()));
      cells.set(column, (cells.get(column) ?? 0) + 1);
    }
  }

  const tables = (tallies: Tally[]): QuestionTable[] => tallies.map((t) => t.table());
  const report: Report = {
    flow: { id: flow.id, version: flow.version },
    filters: {
      ...(opts.campaign ? { campaign: opts.campaign } : {}),
      where: (opts.where ?? []).map((c) => c.text),
    },
    records: counts.records,
    superseded: counts.superseded,
    respondents: summary.respondents,
    complete: summary.complete,
    partial: summary.partial,
    versions: summary.versions.ranked(),
    languages: summary.languages.rows(),
    channels: summary.channels.ranked(),
    stoppedAt: summary.stoppedAt.rows().filter((c) => c.count > 0),
    questions: tables(total),
    crosstabs: crosses.map((c) => crossTab(flow, c)),
  };
  if (opts.by) {
    const order = orderKeys(
      knownKeys(flow, opts.by),
      [...groups].map(([key, g]) => ({ key, count: g.respondents })),
    );
    report.split = {
      dimension: info(opts.by),
      overlapping: opts.by.multiple,
      groups: order.map((key): Group => {
        const g = groups.get(key)!;
        return { key, respondents: g.respondents, questions: tables(g.tallies) };
      }),
    };
  }
  return report;
}

/** Known keys first in their order, then the others by size; the missing group last. */
function orderKeys(known: readonly string[], present: Count[]): string[] {
  const has = new Set(present.map((p) => p.key));
  const first = known.filter((k) => has.has(k));
  const rest = present
    .filter((p) => !known.includes(p.key) && p.key !== MISSING)
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
    .map((p) => p.key);
  return [...first, ...rest, ...(has.has(MISSING) ? [MISSING] : [])];
}

function info(d: Dimension) {
  return {
    name: d.name,
    kind: d.kind,
    ...(d.question ? { question: d.question } : {}),
    ...(d.value !== undefined ? { value: d.value } : {}),
  };
}

function crossTab(
  flow: Flow,
  c: { rows: Dimension; columns: Dimension; cells: Map<string, Map<string, number>>; missing: number },
): CrossTab {
  const rowTotals: Count[] = [...c.cells].map(([key, cells]) => ({
    key,
    count: [...cells.values()].reduce((a, b) => a + b, 0),
  }));
  const columnTotals = new Map<string, number>();
  for (const cells of c.cells.values()) {
    for (const [key, n] of cells) columnTotals.set(key, (columnTotals.get(key) ?? 0) + n);
  }
  const rowKeys = orderKeys(knownKeys(flow, c.rows), rowTotals);
  const columnKeys = orderKeys(
    knownKeys(flow, c.columns),
    [...columnTotals].map(([key, count]) => ({ key, count })),
  );
  const counts = rowKeys.map((r) => columnKeys.map((k) => c.cells.get(r)?.get(k) ?? 0));
  return {
    rows: info(c.rows),
    columns: info(c.columns),
    rowKeys,
    columnKeys,
    counts,
    n: rowTotals.reduce((a, r) => a + r.count, 0),
    missing: c.missing,
    test: chiSquare(counts),
  };
}

/** Sends a response's texts to the listing (without direction controls, as staff see answers). */
function listTexts(
  texts: TextListing,
  q: Question,
  state: QuestionState,
  record: ResponseRecord,
  codes: readonly string[] | 'disputed' | undefined,
  groups: string[] | undefined,
): void {
  if (state.kind !== 'answered') return;
  const base = { id: record.id, locale: record.locale, ...(groups ? { groups } : {}) };
  if (q.type === 'text') {
    const text = readText(state.value);
    if (text && 'text' in text) {
      texts.add(answersList(q.id), {
        ...base,
        text: neutralizeBidi(text.text),
        ...(text.links ? { links: text.links } : {}),
        ...(codes ? { codes } : {}),
      });
    }
    return;
  }
  const other =
    q.type === 'single'
      ? readSingle(state.value)?.other
      : q.type === 'multi'
        ? readMulti(state.value)?.other
        : q.type === 'ranking'
          ? readRanking(state.value)?.other
          : undefined;
  if (other !== undefined) texts.add(othersList(q.id), { ...base, text: neutralizeBidi(other) });
}
