import { randomUUID } from 'node:crypto';
import { next, promptFor, startSession, type Step } from '../engine/engine.ts';
import type { Flow } from '../engine/flow.ts';
import type { Input, RefusalCode } from '../engine/input.ts';
import type { EngineEvent, Prompt, Refusal, Text } from '../engine/prompt.ts';
import type { Session } from '../engine/session.ts';
import { pseudonym, silentLogger, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { CodingStore } from '../store/coding-store.ts';
import { reopenSession } from '../engine/reopen.ts';
import type { ContactStore, ResponseRecord, ResponseStore } from '../store/response-store.ts';
import { isCorrupt, sessionKey, type CorruptSession, type SessionStore } from '../store/session-store.ts';
import { RecentSessions } from './recent-sessions.ts';
import { answersOf, toRecords, type SessionMeta } from './response.ts';

export interface Turn {
  channel: string;
  /** The platform's user id. */
  user: string;
  /** The chat to reach the user in, when it differs from the user id. */
  chat?: string;
  /** The platform's language setting, used when a session starts. */
  locale?: string;
  /** An invitation or campaign token, recorded on a session that starts with it. */
  invitation?: string;
  /**
   * The platform's id of the event behind this turn (a Telegram update id). A platform redelivers
   * an event whose delivery failed, perhaps to another replica, after the first one may already
   * have applied it: the id is saved with the session in the same compare-and-set, and an event
   * seen again is answered with the current prompt instead of being applied twice.
   */
  event?: string;
  input: Input;
  /**
   * A confirmed /restart: a new response starts even after a complete one, when the flow takes
   * more than one per respondent (otherwise the respondent hears their response is complete).
   */
  again?: true;
  /**
   * Where this turn's lines go: the channel's logger for the event (naming the channel and the
   * event's id). Without it, the service's own logger with the channel.
   */
  log?: Logger;
}

export interface TurnResult {
  /** What to show now; null only when the stores could not be reached. */
  prompt: Prompt | null;
  /** The prompt the input was applied to, so a channel can mark that message as answered. */
  before: Prompt | null;
  refusal?: Refusal;
  events: EngineEvent[];
  /** Messages to show before the prompt (welcome back, saved later, unavailable...). */
  notices: Text[];
  session: Session | null;
  /** The turn's event was applied before (a redelivery): nothing changed; show the prompt again. */
  replayed?: true;
  /** The respondent has no session and has completed the survey: what they may do about it. */
  completed?: Completed;
}

/** A respondent's complete response, as offered back to them after completion. */
export interface Completed {
  /** The response's id. */
  response: string;
  locale: string;
  /** The flow lets them reopen it and change their answers (the same record is replaced). */
  canChange: boolean;
  /** The flow takes a second response from them, started by a confirmed /restart. */
  canRestart: boolean;
}

export interface ConversationDeps {
  flow: Flow;
  sessions: SessionStore;
  responses: ResponseStore;
  contacts: ContactStore;
  /** Codes given to the respondent's open answers: erased with the answers. */
  codings?: Pick<CodingStore, 'deleteByRespondent'>;
  clock?: () => number;
  newId?: () => string;
  /** Salt of respondent pseudonyms; keep it secret and stable. */
  salt?: string;
  log?: Logger;
  /** Sessions idle this long are archived as partial responses (ms). */
  abandonAfter?: number;
  /** First pause before saving a finished response again after the response store failed (ms). */
  retryAfter?: number;
  /** Turn latency, sessions started / completed / withdrawn / abandoned, store errors. */
  metrics?: Metrics;
}

/** A turn that read a session and then lost the compare-and-set is tried again this often. */
const MAX_ATTEMPTS = 5;
/** Session meta key holding the ids of the last events applied, space-separated, newest last. */
const APPLIED = 'applied';
/** Redeliveries come soon and in order, so a short memory per respondent is enough. */
const APPLIED_KEPT = 8;
const notice = (key: string, params?: Text['params']): Text => (params ? { key, params } : { key });

/**
 * The one place that sequences a turn: load the session, apply the engine, save with
 * compare-and-set, and on completion write the response before the session is removed.
 */
export class ConversationService {
  readonly flow: Flow;
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly log: Logger;
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly sessions: RecentSessions;

  constructor(private readonly deps: ConversationDeps) {
    this.flow = deps.flow;
    this.sessions = new RecentSessions(deps.sessions);
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.log = deps.log ?? silentLogger;
  }

  respondentOf(channel: string, user: string): string {
    return pseudonym(this.deps.salt ?? '', channel, user);
  }

  async turn(turn: Turn): Promise<TurnResult> {
    const key = sessionKey(this.flow.id, turn.channel, turn.user);
    const timer = this.deps.metrics?.turnSeconds.startTimer({ channel: turn.channel });
    try {
      return await this.apply(key, turn);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'turn' });
      this.logOf(turn).error(
        { err: error, respondent: this.respondentOf(turn.channel, turn.user) },
        'turn failed',
      );
      return {
        prompt: null,
        before: null,
        events: [],
        notices: [notice('common:unavailable')],
        session: null,
      };
    } finally {
      timer?.();
    }
  }

  private async apply(key: string, turn: Turn): Promise<TurnResult> {
    let firstSeen: Session | null | undefined;
    // One instant per turn, however many attempts it takes.
    const now = this.clock();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.sessions.get(key);
      const notices: Text[] = [];
      let expected: number | null;
      let step: Step;
      let before: Prompt | null = null;
      // A button whose session is gone (finished, withdrawn or erased) belongs to no question:
      // it is refused as stale, never taken as the start of a new survey; said in the language
      // the respondent finished in, if they did.
      if (stored === null && turn.input.bound) {
        const done = await this.finishedIfReachable(turn);
        const refusal = this.refused(null, 'stale');
        return done ? { ...refusal, prompt: completedPrompt(done) } : refusal;
      }
      // Gone since this turn first read it: a concurrent turn finished or withdrew it. The input
      // was meant for a question of that session, not for a new survey.
      if (stored === null && firstSeen) return this.refused(null, 'busy');
      // One respondent is one response: someone who finished is told so, and nothing starts,
      // unless they confirmed /restart and the flow takes a second response.
      if (stored === null && !(turn.again && this.flow.responses.perRespondent === 'many')) {
        const done = await this.finishedIfReachable(turn);
        if (done) return this.alreadyCompleted(done, notice('common:end.already'));
      }
      // A withdrawn session left behind (its delete failed) holds nothing: start afresh over it.
      if (stored === null || isCorrupt(stored) || stored.status === 'withdrawn') {
        if (stored && isCorrupt(stored)) {
          this.logOf(turn).warn(
            { respondent: this.respondentOf(turn.channel, turn.user) },
            'unreadable session replaced',
          );
          notices.push(notice('common:session_reset'));
        }
        expected = stored ? stored.version : null;
        const locale = turn.input.type === 'language' ? turn.input.locale : turn.locale;
        step = startSession(this.flow, {
          id: this.newId(),
          locale,
          now,
          meta: this.metaFor(turn),
        });
        if (stored) {
          // The replacement continues the stored version, and so must the prompt its buttons carry.
          const session = { ...step.session, version: (stored.version ?? 0) + 1 };
          step = { ...step, session, prompt: promptFor(this.flow, session) };
        }
      } else {
        if (turn.event !== undefined && wasApplied(stored, turn.event)) {
          return stored.status === 'completed' ? this.finishStored(key, stored, turn) : this.replayed(stored);
        }
        // A turn bound to nothing (typed text) was meant for the question the respondent saw:
        // if a concurrent turn moved the session on, it is refused rather than applied elsewhere.
        firstSeen ??= stored;
        if (stored.current !== firstSeen.current || stored.step !== firstSeen.step) {
          return this.refused(stored, 'busy');
        }
        if (stored.status === 'completed') return this.finishStored(key, stored, turn);
        before = promptFor(this.flow, stored);
        step = next(this.flow, stored, turn.input, now);
        if (step.refusal) return { ...step, before, notices, prompt: step.prompt };
        if (turn.input.type === 'start' && before.kind === 'question' && before.progress) {
          notices.push(notice('common:resumed', { ...before.progress }));
        }
        if (step.session === stored) return { ...step, before, notices };
        expected = stored.version;
      }
      if (turn.event !== undefined) step = { ...step, session: withApplied(step.session, turn.event) };
      if (!(await this.sessions.put(key, step.session, expected))) {
        if (turn.input.bound) return this.lostRace(key, turn, stored);
        continue;
      }
      if (before === null) this.count(turn.channel, 'started');
      if (step.session.status !== 'active') this.count(turn.channel, step.session.status);
      if (step.session.status === 'withdrawn') await this.sessions.delete(key, step.session.version);
      if (step.session.status === 'completed')
        notices.push(await this.finish(key, step.session, () => this.logOf(turn)));
      return { prompt: step.prompt, before, events: step.events, notices, session: step.session };
    }
    const latest = await this.sessions.get(key);
    return this.refused(latest && !isCorrupt(latest) ? latest : null, 'busy');
  }

  /**
   * A button press whose write lost to another turn: the button is stale now, unless that other
   * turn was this very event delivered twice at once (then it is a replay, not a refusal).
   */
  private async lostRace(
    key: string,
    turn: Turn,
    read: Session | CorruptSession | null,
  ): Promise<TurnResult> {
    const latest = turn.event === undefined ? null : await this.sessions.get(key);
    if (latest && !isCorrupt(latest) && wasApplied(latest, turn.event!)) {
      return latest.status === 'completed' ? this.finishStored(key, latest, turn) : this.replayed(latest);
    }
    return this.refused(read && !isCorrupt(read) ? read : null, 'stale');
  }

  /** The respondent's latest complete response to this flow, if any (one indexed read). */
  async finished(channel: string, user: string): Promise<ResponseRecord | null> {
    const mine = await this.deps.responses.byRespondent(this.respondentOf(channel, user), this.flow.id);
    return mine.filter((r) => r.status === 'complete').at(-1) ?? null;
  }

  /**
   * `finished`, or null while the response store cannot be reached: the survey stays open to new
   * respondents through a database outage (their answers are saved when it is back), at the cost
   * of not recognising, meanwhile, someone who finished before. Reports count a person once.
   */
  private async finishedIfReachable(turn: Turn): Promise<ResponseRecord | null> {
    try {
      return await this.finished(turn.channel, turn.user);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'find_response' });
      this.logOf(turn).warn({ err: error }, 'completed response not looked up: response store unreachable');
      return null;
    }
  }

  private alreadyCompleted(done: ResponseRecord, said: Text): TurnResult {
    const { perRespondent, changeAfterCompletion } = this.flow.responses;
    return {
      prompt: completedPrompt(done),
      before: null,
      events: [],
      notices: [said],
      session: null,
      completed: {
        response: done.id,
        locale: done.locale,
        canChange: changeAfterCompletion,
        canRestart: perRespondent === 'many',
      },
    };
  }

  /**
   * Opens the respondent's complete response again to change it, when the flow allows: the new
   * session is that response (its id), so completing it replaces the same record. A respondent
   * with a session in progress just sees its question; one who completed nothing starts.
   */
  async reopen(turn: Omit<Turn, 'input' | 'again'>): Promise<TurnResult> {
    const key = sessionKey(this.flow.id, turn.channel, turn.user);
    try {
      const stored = await this.sessions.get(key);
      const done = stored === null ? await this.finished(turn.channel, turn.user) : null;
      if (!done) return await this.apply(key, { ...turn, input: { type: 'start' } });
      if (!this.flow.responses.changeAfterCompletion)
        return this.alreadyCompleted(done, notice('common:completed.change_closed'));
      const contact = done.contactId ? await this.deps.contacts.get(done.contactId) : null;
      const now = this.clock();
      const session = reopenSession(
        this.flow,
        {
          id: done.id,
          locale: done.locale,
          answers: answersOf(this.flow, done, contact),
          startedAt: done.startedAt.getTime(),
          durations: done.durations,
        },
        { now, meta: this.metaFor({ ...turn, ...(done.invitation ? { invitation: done.invitation } : {}) }) },
      );
      if (!session) return this.alreadyCompleted(done, notice('common:end.already'));
      if (!(await this.sessions.put(key, session, null))) return this.refused(null, 'busy');
      this.logOf(turn).info({ respondent: this.respondentOf(turn.channel, turn.user) }, 'response reopened');
      return {
        prompt: promptFor(this.flow, session),
        before: null,
        events: [],
        notices: [notice('common:completed.changing')],
        session,
      };
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'turn' });
      this.logOf(turn).error({ err: error }, 'reopening a response failed');
      return {
        prompt: null,
        before: null,
        events: [],
        notices: [notice('common:unavailable')],
        session: null,
      };
    }
  }

  /** The logger of a turn's lines; made only when a line is written. */
  private logOf(turn: Pick<Turn, 'channel' | 'log'>): Logger {
    return turn.log ?? this.log.child({ channel: turn.channel });
  }

  /** A session event for the metrics; the channel is one of a closed set (never an id). */
  private count(channel: string, event: 'started' | 'completed' | 'withdrawn' | 'abandoned'): void {
    this.deps.metrics?.sessions.inc({ channel, event });
  }

  private refused(session: Session | null, code: RefusalCode): TurnResult {
    return {
      prompt: session ? promptFor(this.flow, session) : null,
      before: null,
      refusal: { code, text: { key: `common:refusal.${code}` } },
      events: [],
      notices: [],
      session,
    };
  }

  private replayed(session: Session): TurnResult {
    return {
      prompt: promptFor(this.flow, session),
      before: null,
      events: [],
      notices: [],
      session,
      replayed: true,
    };
  }

  private metaFor(turn: Pick<Turn, 'channel' | 'user' | 'chat' | 'invitation'>): Record<string, string> {
    const meta: SessionMeta = {
      channel: turn.channel,
      respondent: this.respondentOf(turn.channel, turn.user),
      chat: turn.chat ?? turn.user,
      ...(turn.invitation ? { invitation: turn.invitation } : {}),
    };
    return { ...meta };
  }

  /** A completed session whose response was not saved yet (the database was down): try again. */
  private async finishStored(key: string, session: Session, turn: Turn): Promise<TurnResult> {
    const saved = await this.finish(key, session, () => this.logOf(turn));
    return { prompt: promptFor(this.flow, session), before: null, events: [], notices: [saved], session };
  }

  /**
   * Saves the response (and contact) and only then removes the session. When the response store
   * fails, the session stays and a retry with backoff saves it later, exactly once (the response
   * id is the session id, so a repeated save updates the same record). When only the removal
   * fails, the answers are saved: the respondent is told so, and the retry removes it later.
   */
  private async finish(key: string, session: Session, logOf: () => Logger): Promise<Text> {
    try {
      await this.saveRecords(session, 'complete');
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'save_response' });
      const log = logOf();
      log.error({ err: error, session: session.id }, 'response not saved; will retry');
      this.scheduleRetry(key, session, 1, log);
      return notice('common:end.saved_later');
    }
    try {
      await this.sessions.delete(key, session.version);
      this.clearRetry(key);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'delete_session' });
      const log = logOf();
      log.warn({ err: error, session: session.id }, 'response saved, session not removed yet; will retry');
      this.scheduleRetry(key, session, 1, log);
    }
    return notice('common:end.completed');
  }

  private async saveRecords(session: Session, status: 'complete' | 'partial'): Promise<void> {
    const { response, contact } = toRecords(this.flow, session, status, new Date(this.clock()));
    if (contact) await this.deps.contacts.save(contact);
    await this.deps.responses.save(response);
  }

  /** Saves the response again later, logging to the logger of the turn that finished it. */
  private scheduleRetry(key: string, session: Session, attempt: number, log: Logger): void {
    this.clearRetry(key);
    const delay = Math.min(60_000, (this.deps.retryAfter ?? 500) * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.retries.delete(key);
      void this.saveRecords(session, 'complete')
        .then(() => this.sessions.delete(key, session.version))
        .then(() => log.info({ session: session.id }, 'response saved after retry'))
        .catch(() => {
          this.deps.metrics?.storeErrors.inc({ operation: 'retry_response' });
          this.scheduleRetry(key, session, attempt + 1, log);
        });
    }, delay);
    timer.unref();
    this.retries.set(key, timer);
  }

  private clearRetry(key: string): void {
    clearTimeout(this.retries.get(key));
    this.retries.delete(key);
  }

  /**
   * Archives sessions idle longer than `abandonAfter` as partial responses (they stay resumable),
   * and saves completed sessions whose response is still missing. Returns how many were written.
   * Sessions with nothing to archive are marked too, so they do not fill every later page. One
   * that fails is left for the next sweep; the first error is rethrown once the others are done.
   */
  async sweep(limit = 500): Promise<{ archived: number; completed: number }> {
    const before = this.clock() - (this.deps.abandonAfter ?? 48 * 3600_000);
    let archived = 0;
    let completed = 0;
    let failure: unknown = null;
    for (const { key, session } of await this.sessions.idle(before, limit)) {
      try {
        if (session.status === 'completed') {
          if ((await this.finish(key, session, () => this.log)).key === 'common:end.completed') completed++;
          continue;
        }
        const worthKeeping =
          session.status === 'active' && Object.keys(session.answers).some((id) => id !== 'language');
        if (worthKeeping) await this.saveRecords(session, 'partial');
        await this.sessions.markArchived(key, session.version);
        if (worthKeeping) {
          archived++;
          this.count(session.meta.channel ?? 'unknown', 'abandoned');
        }
      } catch (error) {
        this.deps.metrics?.storeErrors.inc({ operation: 'sweep' });
        failure ??= error;
      }
    }
    if (failure) throw failure;
    return { archived, completed };
  }

  /** Erases everything kept about a platform user: session, responses, their codes and contact details. */
  async erase(
    channel: string,
    user: string,
  ): Promise<{ session: boolean; responses: number; contacts: number }> {
    const respondent = this.respondentOf(channel, user);
    const key = sessionKey(this.flow.id, channel, user);
    this.clearRetry(key);
    const session = await this.sessions.delete(key);
    const contacts = await this.deps.contacts.deleteByRespondent(respondent);
    const responses = await this.deps.responses.deleteByRespondent(respondent);
    await this.deps.codings?.deleteByRespondent(respondent);
    return { session, responses, contacts };
  }

  /** The respondent's session as stored (null when none or unreadable), for read-only views. */
  async current(channel: string, user: string): Promise<Session | null> {
    const stored = await this.sessions.get(sessionKey(this.flow.id, channel, user));
    return stored === null || isCorrupt(stored) ? null : stored;
  }

  /**
   * Drops an unfinished session so the respondent can start again; stored responses stay. A
   * completed session whose response is not saved yet is kept, so no answer is lost.
   */
  async discard(channel: string, user: string): Promise<boolean> {
    const key = sessionKey(this.flow.id, channel, user);
    const stored = await this.sessions.get(key);
    if (stored === null || (!isCorrupt(stored) && stored.status === 'completed')) return false;
    return this.sessions.delete(key, stored.version ?? undefined);
  }

  /**
   * Notes on the session that the platform refused delivery for good (the user blocked the bot,
   * the chat is gone), so staff and follow-up work know. A change like any other: the version moves.
   */
  async noteUnreachable(channel: string, user: string, reason: string): Promise<boolean> {
    const key = sessionKey(this.flow.id, channel, user);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.sessions.get(key);
      if (stored === null || isCorrupt(stored)) return false;
      if (stored.meta.unreachable === reason) return true;
      const meta = {
        ...stored.meta,
        unreachable: reason,
        unreachableAt: new Date(this.clock()).toISOString(),
      };
      if (await this.sessions.put(key, { ...stored, meta, version: stored.version + 1 }, stored.version)) {
        return true;
      }
    }
    return false;
  }

  /** Stops pending retries; the stores are closed by whoever opened them. */
  close(): void {
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }
}

/** What a finished respondent is shown: their survey is complete, in the language they took it in. */
function completedPrompt(done: ResponseRecord): Prompt {
  return { kind: 'completed', version: 0, locale: done.locale };
}

function wasApplied(session: Session, event: string): boolean {
  return (session.meta[APPLIED] ?? '').split(' ').includes(event);
}

function withApplied(session: Session, event: string): Session {
  const applied = [...(session.meta[APPLIED] ?? '').split(' ').filter(Boolean), event].slice(-APPLIED_KEPT);
  return { ...session, meta: { ...session.meta, [APPLIED]: applied.join(' ') } };
}
