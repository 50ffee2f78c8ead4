import type { Flow, Question } from './flow.ts';
import type { QuestionHandler } from './questions/handler.ts';
import { handlers } from './questions/index.ts';
import { SESSION_SCHEMA_VERSION, type Answer, type Session } from './session.ts';

/** What a complete response gives back to reopen it. */
export interface Reopened {
  id: string;
  locale: string;
  answers: Record<string, Answer>;
  startedAt: number;
  durations: Record<string, number>;
}

/**
 * A complete response opened again to be changed: an active session with its answers, at the
 * last question answered (its answer shown as the earlier one), every question before it on the
 * way back. The respondent goes back to what they want to change; on the way forward, answers
 * that still fit are passed over, as after `back`. Null when nothing was answered.
 */
export function reopenSession(
  flow: Flow,
  response: Reopened,
  opts: { now: number; meta: Record<string, string> },
): Session | null {
  const answers: Record<string, Answer> = {};
  const path: string[] = [];
  for (const q of flow.questions) {
    const answer = response.answers[q.id];
    if (!answer) continue;
    answers[q.id] = answer;
    // Answers the engine gave itself are given again on the way forward; they are not stops.
    if (!(answer.status === 'answered' && answer.auto)) path.push(q.id);
  }
  const last = path.pop();
  if (last === undefined) return null;
  const session: Session = {
    schema: SESSION_SCHEMA_VERSION,
    id: response.id,
    flowId: flow.id,
    flowVersion: flow.version,
    locale: response.locale,
    status: 'active',
    current: last,
    step: '',
    draft: null,
    answers,
    path,
    version: 0,
    startedAt: response.startedAt,
    updatedAt: opts.now,
    promptedAt: opts.now,
    durations: { ...response.durations },
    meta: opts.meta,
    applied: [],
  };
  const question = flow.questions[flow.index.get(last)!]!;
  const start = (handlers[question.type] as QuestionHandler<Question>).start?.({ flow, question, session });
  return start ? { ...session, ...start } : session;
}
