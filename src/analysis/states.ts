import { evaluate } from '../engine/condition.ts';
import { META_TYPES, type Flow, type Question } from '../engine/flow.ts';
import type { ResponseRecord } from '../store/response-store.ts';

/** Where a respondent stands with one question. Every question's table counts all four. */
export type QuestionState =
  | { kind: 'answered'; value: unknown; auto: boolean }
  | { kind: 'declined' }
  /** Skipped by branching: the question did not apply to this respondent. */
  | { kind: 'not_applicable' }
  /** The respondent stopped before it. */
  | { kind: 'not_reached' };

export type StateKind = QuestionState['kind'];
export const STATE_KINDS: readonly StateKind[] = ['answered', 'declined', 'not_applicable', 'not_reached'];

/** The questions a report has a table for: the survey itself, not the language and consent steps. */
export function surveyQuestions(flow: Flow): Question[] {
  return flow.questions.filter((q) => !META_TYPES.has(q.type));
}

/**
 * Each survey question's state for one response, and for an unfinished one the question it
 * stopped at. A complete response skipped every question it lacks. In an unfinished one, a
 * missing question before the last answer was skipped; after it, a question is "not applicable"
 * only when its condition can already be decided and is false, otherwise "not reached".
 */
export function statesOf(
  questions: readonly Question[],
  record: Pick<ResponseRecord, 'status' | 'answers'>,
): { states: QuestionState[]; stoppedAt: string | null } {
  const { answers } = record;
  let last = -1;
  if (record.status === 'partial') {
    for (let i = questions.length - 1; i >= 0; i--) {
      if (answers[questions[i]!.id]) {
        last = i;
        break;
      }
    }
  }
  let stoppedAt: string | null = null;
  const states = questions.map((q, i): QuestionState => {
    const answer = answers[q.id];
    if (answer?.status === 'answered')
      return { kind: 'answered', value: answer.value, auto: answer.auto === true };
    if (answer?.status === 'declined') return { kind: 'declined' };
    if (record.status === 'complete' || i < last) return { kind: 'not_applicable' };
    if (q.when && decided(q.when, answers) && !evaluate(q.when, answers)) return { kind: 'not_applicable' };
    stoppedAt ??= q.id;
    return { kind: 'not_reached' };
  });
  return { states, stoppedAt };
}

/** Whether every question a condition reads has an answer or a decline. */
function decided(cond: NonNullable<Question['when']>, answers: ResponseRecord['answers']): boolean {
  if (cond.q !== undefined && !answers[cond.q]) return false;
  return [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])].every((c) =>
    decided(c, answers),
  );
}
