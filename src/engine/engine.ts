import { evaluate } from './condition.ts';
import { META_TYPES, questionAt, type Flow, type Question } from './flow.ts';
import type { Input, RefusalCode } from './input.ts';
import type { EngineEvent, Prompt, Refusal, Text, TextParam } from './prompt.ts';
import { handlers } from './questions/index.ts';
import type { Context, QuestionHandler } from './questions/handler.ts';
import { SPECIFY_STEP } from './questions/specify.ts';
import { SESSION_SCHEMA_VERSION, type Answer, type Draft, type Session } from './session.ts';

/** What one step gives: the new session, what to show next, and what happened. */
export interface Step {
  session: Session;
  prompt: Prompt;
  events: EngineEvent[];
  /** Set when the input was refused; the session is then unchanged. */
  refusal?: Refusal;
}

/** Time on one question counts at most this much per visit: a respondent who left for days did not think that long. */
const MAX_DURATION_PER_VISIT = 10 * 60_000;

const handlerOf = (q: Question) => handlers[q.type] as QuestionHandler;

/** Starts a session at the flow's first question; `locale` is the platform's guess, if any. */
export function startSession(
  flow: Flow,
  opts: { id: string; locale?: string; now: number; meta?: Record<string, string> },
): Step {
  const locale = pickLocale(flow, opts.locale);
  const empty: Session = {
    schema: SESSION_SCHEMA_VERSION,
    id: opts.id,
    flowId: flow.id,
    flowVersion: flow.version,
    locale,
    status: 'active',
    current: null,
    step: '',
    draft: null,
    answers: {},
    path: [],
    version: 0,
    startedAt: opts.now,
    updatedAt: opts.now,
    promptedAt: opts.now,
    durations: {},
    meta: opts.meta ?? {},
    applied: [],
  };
  const events: EngineEvent[] = [];
  const session = advance(flow, empty, -1, events);
  return { session, prompt: promptFor(flow, session), events };
}

/**
 * Moves a session onto another version of its flow, when the version it started on can no longer
 * be loaded: answers to questions that still exist are kept where they still fit, and the session
 * goes on at the first question that applies and has no fitting answer (never left on a question
 * that is gone). A finished or withdrawn session only changes its version.
 */
export function rebase(flow: Flow, session: Session, now: number): Step {
  const keep = (id: string, answer?: Answer) => {
    const i = flow.index.get(id);
    return i !== undefined && (answer === undefined || fits(flow.questions[i]!, answer));
  };
  const answers = Object.fromEntries(Object.entries(session.answers).filter(([id, a]) => keep(id, a)));
  const durations = Object.fromEntries(Object.entries(session.durations).filter(([id]) => keep(id)));
  const moved: Session = {
    ...session,
    flowId: flow.id,
    flowVersion: flow.version,
    answers,
    durations,
    version: session.version + 1,
    updatedAt: now,
    promptedAt: now,
  };
  const events: EngineEvent[] = [];
  const next =
    session.status === 'active'
      ? advance(flow, { ...moved, path: [], current: null, step: '', draft: null }, -1, events)
      : moved;
  return { session: next, prompt: promptFor(flow, next), events };
}

/** Whether a kept answer's options all still exist in the question (another version may differ). */
function fits(question: Question, answer: Answer): boolean {
  if (answer.status !== 'answered') return true;
  const value = answer.value as { option?: unknown; options?: unknown };
  if (question.type === 'yesno') return answer.value === 'yes' || answer.value === 'no';
  if (question.type === 'single') {
    return value.option === 'other' ? question.other : question.options.includes(String(value.option));
  }
  if (question.type === 'multi' && Array.isArray(value.options)) {
    const known = new Set([...question.options, ...question.exclusive, ...(question.other ? ['other'] : [])]);
    return value.options.every((o) => known.has(String(o)));
  }
  return true;
}

/** The language to use for a platform locale such as "pt-BR" or "ru": a flow language, else the first. */
export function pickLocale(flow: Flow, platformLocale: string | undefined): string {
  const base = platformLocale?.toLowerCase().split(/[-_]/)[0];
  return base && flow.languages.includes(base) ? base : flow.languages[0]!;
}

/**
 * Applies one input. A refused input returns the same session object with a coded reason; an
 * accepted one returns a new session with its version incremented.
 */
export function next(flow: Flow, session: Session, input: Input, now: number): Step {
  const refuse = (code: RefusalCode, params?: Record<string, TextParam>, text?: Text): Step => ({
    session,
    prompt: promptFor(flow, session),
    events: [],
    refusal: { code, text: text ?? { key: `common:refusal.${code}`, ...(params ? { params } : {}) } },
  });
  if (input.type === 'start') return { session, prompt: promptFor(flow, session), events: [] };
  if (input.bound && (input.bound.question !== session.current || input.bound.version !== session.version)) {
    return refuse('stale');
  }
  if (input.type === 'language') {
    if (!flow.languages.includes(input.locale)) return refuse('unknown_language');
    const changed = touch(session, now, { locale: input.locale });
    return done(flow, changed, [{ type: 'language', locale: input.locale }]);
  }
  if (session.status !== 'active' || session.current === null) return refuse('finished');

  const question = questionAt(flow, session.current);
  // "Prefer not to answer" at an "other, please specify" step is about the text, not the question:
  // like back, it returns to the choice with the picks kept (the text can be declined there too).
  const stepBack = input.type === 'back' || (input.type === 'decline' && session.step === SPECIFY_STEP);
  if (stepBack && session.step !== '') {
    // Within a question of several steps (other, currency, contact), back returns to its first
    // step, keeping what was picked there where the question says how (`leave`).
    const ctx: Context = { flow, session, question, step: session.step, draft: session.draft };
    const left = handlerOf(question).leave?.(ctx);
    const back = touch(session, now);
    const arrived = left ? { ...back, ...left } : enter(flow, back, question);
    return done(flow, arrived, [{ type: 'back', question: question.id }]);
  }
  if (input.type === 'back') {
    const previous = session.path.at(-1);
    if (previous === undefined) return refuse('no_back');
    const back = touch(session, now, { path: session.path.slice(0, -1) });
    const arrived = enter(flow, back, questionAt(flow, previous));
    return done(flow, arrived, [{ type: 'back', question: previous }]);
  }
  if (input.type === 'decline') {
    if (question.required && !META_TYPES.has(question.type)) {
      return refuse(
        'required',
        undefined,
        ownText(flow, question, 'required_message', question.requiredMessage),
      );
    }
    if (!isDeclinable(question)) return refuse('not_declinable');
    return done(flow, ...record(flow, touch(session, now), question, { status: 'declined' }));
  }

  const ctx: Context = { flow, session, question, step: session.step, draft: session.draft };
  const outcome = handlerOf(question).apply(ctx, input);
  if ('refuse' in outcome) return refuse(outcome.refuse, outcome.params);
  if ('step' in outcome)
    return done(flow, touch(session, now, { step: outcome.step, draft: outcome.draft }), []);
  if (!satisfiesConstraint(question, session.answers, outcome.value)) {
    return refuse(
      'constraint',
      undefined,
      ownText(flow, question, 'constraint_message', question.constraintMessage),
    );
  }
  return done(
    flow,
    ...record(flow, touch(session, now), question, { status: 'answered', value: outcome.value }),
  );
}

/** Notes, set-up steps and required questions cannot be answered with "prefer not to answer". */
export function isDeclinable(question: Question): boolean {
  return !META_TYPES.has(question.type) && question.type !== 'note' && !question.required;
}

/** Whether a value meets the question's constraint, read with the value in place of its own answer. */
function satisfiesConstraint(
  question: Question,
  answers: Readonly<Record<string, Answer>>,
  value: unknown,
): boolean {
  if (!question.constraint) return true;
  return evaluate(question.constraint, { ...answers, [question.id]: { status: 'answered', value } });
}

/** The question's own text for a refusal when the flow has one, else the common one. */
function ownText(flow: Flow, question: Question, suffix: string, own: boolean | undefined): Text | undefined {
  return own ? { key: `${flow.ns}:${question.id}.${suffix}` } : undefined;
}

function done(flow: Flow, session: Session, events: EngineEvent[]): Step {
  return { session, prompt: promptFor(flow, session), events };
}

/** A copy with the version bumped and the time since the prompt counted on the current question. */
function touch(session: Session, now: number, changes: Partial<Session> = {}): Session {
  const spent = Math.min(Math.max(0, now - session.promptedAt), MAX_DURATION_PER_VISIT);
  const durations =
    session.current === null
      ? session.durations
      : { ...session.durations, [session.current]: (session.durations[session.current] ?? 0) + spent };
  return { ...session, ...changes, durations, version: session.version + 1, updatedAt: now, promptedAt: now };
}

/** Stores an answer to the current question and moves on. */
function record(flow: Flow, session: Session, question: Question, answer: Answer): [Session, EngineEvent[]] {
  const events: EngineEvent[] = [
    answer.status === 'declined'
      ? { type: 'declined', question: question.id }
      : { type: 'answered', question: question.id, answer },
  ];
  if (question.type === 'consent' && answer.status === 'answered' && answer.value === 'no') {
    // Nothing is kept of a respondent who does not consent.
    events.push({ type: 'withdrawn' });
    const withdrawn = { ...session, status: 'withdrawn' as const, answers: {}, path: [], current: null };
    return [{ ...withdrawn, step: '', draft: null, durations: {} }, events];
  }
  let next: Session = {
    ...session,
    answers: { ...session.answers, [question.id]: answer },
    path: [...session.path, question.id],
  };
  if (question.type === 'language' && answer.status === 'answered') {
    next = { ...next, locale: answer.value as string };
  }
  return [advance(flow, next, flow.index.get(question.id)!, events), events];
}

/**
 * Walks forward from `from` to the next question that applies and has no answer that still fits.
 * Answers of questions that no longer apply are removed, so a completed session never holds an
 * answer whose condition is false; answers kept from before a `back` are passed over.
 */
function advance(flow: Flow, session: Session, from: number, events: EngineEvent[]): Session {
  let answers = session.answers;
  let durations = session.durations;
  let path = session.path;
  // A question that no longer applies keeps neither its answer nor the time spent on it.
  const drop = (id: string) => {
    if (id in answers) {
      answers = { ...answers };
      delete answers[id];
    }
    if (id in durations) {
      durations = { ...durations };
      delete durations[id];
    }
  };
  for (let i = from + 1; i < flow.questions.length; i++) {
    const question = flow.questions[i]!;
    const view = { ...session, answers, durations };
    const handler = handlerOf(question);
    if (question.when && !evaluate(question.when, answers)) {
      drop(question.id);
      events.push({ type: 'skipped', question: question.id });
      continue;
    }
    const auto = handler.autoAnswer?.({ flow, question, session: view }) ?? null;
    if (auto === 'skip') {
      drop(question.id);
      events.push({ type: 'skipped', question: question.id });
      continue;
    }
    if (auto) {
      const answer: Answer = { status: 'answered', value: auto.value, auto: true };
      answers = { ...answers, [question.id]: answer };
      events.push({ type: 'answered', question: question.id, answer });
      continue;
    }
    const kept = answers[question.id];
    const fits =
      kept !== undefined &&
      (kept.status === 'declined' ||
        ((handler.stillValid?.({ flow, question, session: view }, kept.value) ?? true) &&
          satisfiesConstraint(question, answers, kept.value)));
    if (fits) {
      path = [...path, question.id];
      continue;
    }
    return enter(flow, { ...session, answers, durations, path }, question);
  }
  events.push({ type: 'completed' });
  return { ...session, answers, durations, path, status: 'completed', current: null, step: '', draft: null };
}

/** Makes `question` the current one, at its first step. */
function enter(flow: Flow, session: Session, question: Question): Session {
  const handler = handlerOf(question);
  const start: { step: string; draft: Draft | null } = handler.start?.({ flow, question, session }) ?? {
    step: '',
    draft: null,
  };
  return { ...session, current: question.id, ...start };
}

/** The prompt for the session as it stands. */
export function promptFor(flow: Flow, session: Session): Prompt {
  const base = { version: session.version, locale: session.locale };
  if (session.status === 'withdrawn') return { kind: 'withdrawn', ...base };
  if (session.status === 'completed' || session.current === null) return { kind: 'completed', ...base };
  const question = questionAt(flow, session.current);
  const view = handlerOf(question).view({
    flow,
    session,
    question,
    step: session.step,
    draft: session.draft,
  });
  const previous = session.answers[question.id];
  return {
    kind: 'question',
    question: question.id,
    type: question.type,
    step: session.step,
    text: view.text,
    ...(view.hint ? { hint: view.hint } : {}),
    ...(question.group && session.step === ''
      ? { heading: { key: `${flow.ns}:${question.group}.heading` } }
      : {}),
    ...(question.hint && session.step === '' ? { help: { key: `${flow.ns}:${question.id}.hint` } } : {}),
    choices: view.choices,
    accepts: view.accepts,
    multiple: view.multiple ?? false,
    // At "please specify", the choice stands: the text can be declined with its own button.
    declinable: isDeclinable(question) && session.step !== SPECIFY_STEP,
    canGoBack: session.path.length > 0,
    progress: META_TYPES.has(question.type) ? null : progress(flow, session, question),
    ...(previous ? { previous } : {}),
    draft: session.draft,
    ...base,
  };
}

/**
 * "Question 5 of about 17": the position among the questions answered so far, and how many of
 * the remaining ones apply given the answers so far. Bounded by the flow's size, not the answers.
 */
/** A condition reading a question not answered yet may still come true: counted as applying. */
function undecided(flow: Flow, id: string, session: Session): boolean {
  return (flow.refs.get(id) ?? []).some((ref) => !(ref in session.answers));
}

function progress(flow: Flow, session: Session, question: Question): { position: number; total: number } {
  const position = session.path.length - flow.metaCount + 1;
  let remaining = 0;
  for (let i = flow.index.get(question.id)! + 1; i < flow.questions.length; i++) {
    const q = flow.questions[i]!;
    if (!q.when || evaluate(q.when, session.answers) || undecided(flow, q.id, session)) remaining++;
  }
  return { position, total: position + remaining };
}
