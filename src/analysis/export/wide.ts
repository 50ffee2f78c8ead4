import type { Flow } from '../../engine/flow.ts';
import type { Answer } from '../../engine/session.ts';
import type { ResponseRecord } from '../../store/response-store.ts';
import type { InvitationsByToken } from '../dimensions.ts';
import type { CodesOf } from '../report.ts';
import { statesOf, surveyQuestions } from '../states.ts';
import { readInteger } from './cells.ts';
import {
  branchingProblem,
  questionColumns,
  type Complain,
  type QuestionColumns,
  type Variable,
} from './layout.ts';

/** One row per respondent: the response's own fields, the questions' variables, then times. */
export interface WideLayout {
  flow: Flow;
  variables: Variable[];
  encode(record: ResponseRecord): string[];
  /** A record from a row's cells (by variable name), or null after complaining. */
  decode(cell: (name: string) => string | undefined, complain: Complain): DecodedRow | null;
}

export interface DecodedRow {
  record: ResponseRecord;
  /** Codes the row carries for coded questions. */
  codes: Map<string, string[]>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const STATUS = ['complete', 'partial'] as const;

function meta(
  name: string,
  type: Variable['type'],
  width: number,
  extra: Partial<Variable> & { label?: Variable['label'] } = {},
): Variable {
  return { name, type, width, label: (L) => L.t(`export.${name}`), missing: [], ...extra };
}

/** The export's layout for a flow: the same for every row, so any two exports line up. */
export function wideLayout(
  flow: Flow,
  codebooks: ReadonlyMap<string, readonly string[]>,
  context: { invitations: InvitationsByToken; codesOf: CodesOf } = {
    invitations: new Map(),
    codesOf: () => undefined,
  },
): WideLayout {
  const questions = surveyQuestions(flow);
  const groups = questions
    .map((q) => questionColumns(flow, q, codebooks))
    .filter((g): g is QuestionColumns => g !== null);
  const head: Variable[] = [
    meta('response_id', 'string', 64),
    meta('respondent', 'string', 64),
    meta('status', 'numeric', 1, {
      values: (L) => [
        { value: 1, label: L.t('export.complete') },
        { value: 2, label: L.t('export.partial') },
      ],
    }),
    meta('flow_version', 'numeric', 4),
    meta('language', 'string', 8),
    meta('channel', 'string', 16),
    meta('invitation', 'string', 64),
    meta('campaign', 'string', 64, { derived: true }),
    meta('coordinator', 'string', 64, { derived: true }),
    meta('started_at', 'string', 24),
    meta('updated_at', 'string', 24),
    meta('finished_at', 'string', 24),
  ];
  const times: Variable[] = questions.map((q) => ({
    name: `t_${q.id}`,
    type: 'numeric',
    width: 10,
    question: q.id,
    label: (L) => L.t('export.time', { question: q.id }),
    missing: [],
  }));
  const variables = [...head, ...groups.flatMap((g) => g.variables), ...times];
  const indexOfGroup = new Map(groups.map((g) => [g.question.id, g]));

  return {
    flow,
    variables,
    encode(record) {
      const { states } = statesOf(questions, record);
      const invitation = record.invitation ? context.invitations.get(record.invitation) : undefined;
      const row = [
        record.id,
        record.respondent,
        String(STATUS.indexOf(record.status) + 1),
        String(record.flowVersion),
        record.locale,
        record.channel,
        record.invitation ?? '',
        invitation?.campaign ?? '',
        invitation?.coordinator ?? '',
        record.startedAt.toISOString(),
        record.updatedAt.toISOString(),
        record.finishedAt?.toISOString() ?? '',
      ];
      questions.forEach((q, i) => {
        const g = indexOfGroup.get(q.id);
        if (!g) return;
        const state = states[i]!;
        const codes =
          q.type === 'text' && state.kind === 'answered' ? context.codesOf(q.id, record.id) : undefined;
        row.push(...g.encode(state, codes));
      });
      for (const q of questions) {
        const ms = record.durations[q.id];
        row.push(typeof ms === 'number' ? String(ms) : '');
      }
      return row;
    },
    decode(cell, complain) {
      let ok = true;
      const fail = (name: string, message: string) => {
        complain(name, message);
        ok = false;
      };
      const id = (cell('response_id') ?? '').trim();
      if (!id) fail('response_id', 'a response id is needed');
      const status = readInteger(cell('status') ?? '1');
      if (status !== 1 && status !== 2)
        fail('status', `"${cell('status')}" is not 1 (complete) or 2 (unfinished)`);
      const version = readInteger(cell('flow_version') ?? String(flow.version));
      if (version === null || version < 1)
        fail('flow_version', `"${cell('flow_version')}" is not a version number`);
      const locale = (cell('language') ?? flow.languages[0]!).trim();
      if (!flow.languages.includes(locale))
        fail('language', `"${locale}" is not one of ${flow.languages.join(', ')}`);
      const date = (name: string, fallback?: string): Date | undefined => {
        const text = (cell(name) ?? fallback ?? '').trim();
        if (!text) return undefined;
        if (!ISO_DATE.test(text) || Number.isNaN(Date.parse(text))) {
          fail(name, `"${text}" is not a UTC time such as 2025-03-01T10:00:00.000Z`);
          return undefined;
        }
        return new Date(text);
      };
      const startedAt = date('started_at') ?? new Date(0);
      const updatedAt = date('updated_at') ?? startedAt;
      const finishedAt = date('finished_at');

      const answers: Record<string, Answer> = {};
      const codes = new Map<string, string[]>();
      const onQuestion: Complain = (name, message) => fail(name, message);
      for (const g of groups) {
        const cells = g.variables.map((v) => cell(v.name));
        const answer = g.decode(cells, onQuestion);
        if (answer === null) ok = false;
        else if (answer) answers[g.question.id] = answer;
        const coded = g.decodeCodes?.(cells, onQuestion);
        if (coded === null) ok = false;
        else if (coded && answer?.status === 'answered') codes.set(g.question.id, coded);
      }
      // Branching is checked on answers read without a problem: one bad cell is one problem.
      if (ok) {
        for (const g of groups) {
          const problem = branchingProblem(g.question, answers);
          if (problem) fail(g.variables[0]!.name, problem);
        }
      }
      const durations: Record<string, number> = {};
      for (const q of questions) {
        const text = cell(`t_${q.id}`);
        if (text === undefined || text === '') continue;
        const ms = readInteger(text);
        if (ms === null || ms < 0) fail(`t_${q.id}`, `"${text}" is not a number of milliseconds`);
        else durations[q.id] = ms;
      }
      if (!ok) return null;
      const record: ResponseRecord = {
        id,
        flowId: flow.id,
        flowVersion: version!,
        locale,
        channel: (cell('channel') ?? '').trim() || 'import',
        respondent: (cell('respondent') ?? '').trim() || `import:${id}`,
        ...(cell('invitation')?.trim() ? { invitation: cell('invitation')!.trim() } : {}),
        status: STATUS[status! - 1]!,
        answers: withMeta(flow, locale, answers),
        durations,
        startedAt,
        updatedAt,
        ...(finishedAt ? { finishedAt } : {}),
      };
      return { record, codes };
    },
  };
}

/** The language and consent steps a stored response has before its answers. */
function withMeta(flow: Flow, locale: string, answers: Record<string, Answer>): Record<string, Answer> {
  const out: Record<string, Answer> = {};
  for (const q of flow.questions) {
    if (q.type === 'language') out[q.id] = { status: 'answered', value: locale };
    else if (q.type === 'consent') out[q.id] = { status: 'answered', value: 'yes' };
  }
  return { ...out, ...answers };
}
