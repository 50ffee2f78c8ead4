import { randomUUID } from 'node:crypto';
import { next, promptFor, rebase, startSession, type Step } from '../engine/engine.ts';
import type { Flow } from '../engine/flow.ts';
import type { Input, RefusalCode } from '../engine/input.ts';
import type { EngineEvent, Prompt, Refusal, Text } from '../engine/prompt.ts';
import type { Session } from '../engine/session.ts';
import { singleFlow, type Flows } from '../flows/registry.ts';
import type { Jobs } from '../jobs/job-queue.ts';
import { MemoryJobs } from '../jobs/memory-jobs.ts';
import { pseudonym, silentLogger, type Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Keyring } from '../privacy/keyring.ts';
import { RateLimiter, type RateDecision } from '../privacy/rate-limit.ts';
import type { Erased, PersonalData, PersonalDataHolder } from '../privacy/personal-data.ts';
import type { CodingStore } from '../store/coding-store.ts';
import { reopenSession } from '../engine/reopen.ts';
import type { AddressBook } from '../store/address-book.ts';
import { campaignRefusal } from '../campaigns/campaign.ts';
import type { CampaignStore } from '../store/campaign-store.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import type { SendLog } from '../store/send-log.ts';
import {
  TOKEN_PATTERN,
  refusalFor,
  type Invitation,
  type InvitationStore,
  type RedeemRefusal,
} from '../store/invitation-store.ts';
import type { ContactStore, ResponseRecord, ResponseStore } from '../store/response-store.ts';
import { isCorrupt, sessionKey, type CorruptSession, type SessionStore } from '../store/session-store.ts';
import { RecentSessions } from './recent-sessions.ts';
import { ResponseSaver } from './response-saver.ts';
import { answersOf, type SessionMeta } from './response.ts';

export interface Turn {
  channel: string;
  /** The platform's user id. */
  user: string;
  /** The chat to reach the user in, when it differs from the user id. */
  chat?: string;
  /** The platform's language setting, used when a session starts. */
  locale?: string;
  /**
   * An invitation or campaign token. When a session starts with it, the token is checked, the
   * session starts on the invitation's flow, and one use is counted once the session is stored
   * (a turn that fails counts none); a session already under way ignores it.
   */
  invitation?: string;
  /**
   * An invitation already counted for the respondent's session being replaced (a confirmed
   * restart): recorded on the new session, never checked or counted again.
   */
  keptInvitation?: string;
  /**
   * The platform's id of the event behind this turn (a Telegram update id). A platform redelivers
   * an event whose delivery failed, perhaps to another replica, after the first one may already
   * have applied it: the id is saved with the session in the same compare-and-set, and an event
   * seen again is answered with the current prompt instead of being applied twice.
   */
  event?: string;
  /**
   * The channel has already taken this event from the user's allowance (`admit`), at its door,
   * before anything else was done for it: the turn does not take it again.
   */
  admitted?: true;
  input: Input;
  /**
   * A confirmed /restart: a new response starts even after a complete one, when the flow takes
   * more than one per respondent (otherwise the respondent hears their response is complete).
   */
  again?: true;
  /**
   * Called when the input is taken for the question the respondent sees, just before the session
   * is written (at most once per attempt): a platform may acknowledge the action then (Telegram's
   * button press), rather than after the write. The turn may still end refused, when a concurrent
   * turn wrote first, or unavailable, when the write fails; its result says so.
   */
  accepted?: () => void;
  /**
   * Where this turn's lines go: the channel's logger for the event (naming the channel and the
   * event's id). Without it, the service's own logger with the channel.
   */
  log?: Logger;
}

export interface TurnResult {
  /** The flow (at its version) the prompts belong to: render them with it. */
  flow: Flow;
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
  /** The turn would have started a session with an invitation that cannot be used; nothing started. */
  invitationRefused?: RedeemRefusal;
  /** The user sent more than the rate limit allows: nothing was read or changed. */
  rateLimited?: true;
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
  /** Every flow and version sessions may be on (`flow` alone: that one flow). */
  flows?: Flows;
  flow?: Flow;
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
  /**
   * Where saving a finished response again is queued (any replica may do it); an in-process queue
   * by default. The queue's worker runs in every service.
   */
  jobs?: Jobs;
  /** Turn latency, sessions started / completed / withdrawn / abandoned, store errors. */
  metrics?: Metrics;
  /** Invitation tokens: checked and counted when a session starts with one. */
  invitations?: InvitationStore;
  /** Where to reach respondents later: written when a session starts (and the language changes). */
  addresses?: AddressBook;
  /** Seals what queued jobs carry that names a person (a session key). */
  keyring?: Keyring;
  /**
   * Stores holding respondents' data beyond responses, contacts, addresses and codings: shown by
   * /my_data and erased by /delete_my_data with the rest.
   */
  holders?: PersonalDataHolder[];
  /**
   * Updates per user and minute, with a burst of half as many at once (unset or 0: no limit; the app passes USER_UPDATES_PER_MINUTE): past it, a
   * turn changes nothing and the respondent is asked once to slow down. 0 turns the limit off.
   */
  updatesPerMinute?: number;
  /** Campaigns: a token of a closed (or not yet open) campaign starts nothing. */
  campaigns?: Pick<CampaignStore, 'get'>;
  /** Invitees: the one whose token started a session is linked to the respondent (and erased with them). */
  invitees?: Pick<InviteeStore, 'linkRespondent' | 'deleteByRespondent'>;
  /** Reminders sent to respondents: erased with them. */
  sends?: Pick<SendLog, 'deleteByRespondent'>;
}

/** A turn that read a session and then lost the compare-and-set is tried again this often. */
const MAX_ATTEMPTS = 5;
/** Redeliveries come soon and in order, so a short memory per respondent is enough. */
const APPLIED_KEPT = 8;
const notice = (key: string, params?: Text['params']): Text => (params ? { key, params } : { key });

/**
 * The one place that sequences a turn: load the session, apply the engine, save with
 * compare-and-set, and on completion write the response before the session is removed.
 */
export class ConversationService {
  readonly flows: Flows;
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly log: Logger;
  private readonly sessions: RecentSessions;
  private readonly saver: ResponseSaver;
  /** The in-process queue this service made for itself (closed with it), if no jobs were given. */
  private readonly ownJobs: Jobs | null;
  private readonly limiter: RateLimiter | null;

  constructor(private readonly deps: ConversationDeps) {
    if (!deps.flows && !deps.flow) throw new Error('a conversation service needs its flows');
    this.flows = deps.flows ?? singleFlow(deps.flow!);
    this.sessions = new RecentSessions(deps.sessions);
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.log = deps.log ?? silentLogger;
    this.ownJobs = deps.jobs ? null : new MemoryJobs(this.clock);
    const perMinute = deps.updatesPerMinute ?? 0;
    this.limiter =
      perMinute > 0
        ? new RateLimiter({ perMinute, burst: Math.max(1, Math.ceil(perMinute / 2)), clock: this.clock })
        : null;
    this.saver = new ResponseSaver({
      sessions: this.sessions,
      responses: deps.responses,
      contacts: deps.contacts,
      jobs: deps.jobs ?? this.ownJobs!,
      log: this.log,
      clock: this.clock,
      flowOf: async (session) => (await this.flowOf(session)).flow,
      retryAfter: deps.retryAfter ?? 500,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.keyring ? { keyring: deps.keyring } : {}),
    });
  }

  /** The flow respondents get when nothing names another. */
  get flow(): Flow {
    return this.flows.defaultFlow;
  }

  /**
   * The flow a stored session is on, at its version. When that version can no longer be loaded
   * (stored before versions were kept), the session moves onto the current version (`moved`):
   * never left on a question that is gone.
   */
  private async flowOf(session: Session): Promise<{ flow: Flow; moved?: Session }> {
    const flow = await this.flows.version(session.flowId, session.flowVersion);
    if (flow) return { flow };
    const current = this.flows.get(session.flowId);
    if (!current) return { flow: this.flow };
    return { flow: current, moved: rebase(current, session, this.clock()).session };
  }

  /**
   * The flow to show a stored session or response with: its version, else the current version of
   * its flow, else the default flow.
   */
  async flowAt(flowId: string, version: number): Promise<Flow> {
    return (await this.flows.version(flowId, version)) ?? this.flows.get(flowId) ?? this.flow;
  }

  /** The flow a new session starts on: the invitation's, else the default. */
  private startFlow(id: string | undefined): Flow {
    return (id ? this.flows.get(id) : undefined) ?? this.flow;
  }

  respondentOf(channel: string, user: string): string {
    return pseudonym(this.deps.salt ?? '', channel, user);
  }

  /**
   * Takes one event of the user's from their allowance (USER_UPDATES_PER_MINUTE): 'ok', else
   * 'tell' (the first one past it: say so politely) or 'drop' (the rest of a flood: say nothing).
   * A channel calls it at its door, so that a flood costs nothing but this.
   */
  admit(channel: string, user: string): RateDecision {
    const decision = this.limiter?.take(sessionKey(channel, user)) ?? 'ok';
    if (decision !== 'ok') this.deps.metrics?.rateLimited.inc({ channel });
    return decision;
  }

  /** Whether the user's next event would be dropped now (`admit` would say 'drop'); takes nothing. */
  flooding(channel: string, user: string): boolean {
    const dropped = this.limiter?.wouldDrop(sessionKey(channel, user)) ?? false;
    if (dropped) this.deps.metrics?.rateLimited.inc({ channel });
    return dropped;
  }

  async turn(turn: Turn): Promise<TurnResult> {
    const key = sessionKey(turn.channel, turn.user);
    const limited = turn.admitted ? 'ok' : this.admit(turn.channel, turn.user);
    if (limited !== 'ok') {
      return {
        ...this.unavailable(),
        notices: limited === 'tell' ? [notice('common:rate_limited')] : [],
        rateLimited: true,
      };
    }
    const timer = this.deps.metrics?.turnSeconds.startTimer({ channel: turn.channel });
    try {
      return await this.apply(key, turn);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'turn' });
      this.logOf(turn).error(
        { err: error, respondent: this.respondentOf(turn.channel, turn.user) },
        'turn failed',
      );
      return this.unavailable();
    } finally {
      timer?.();
    }
  }

  private unavailable(): TurnResult {
    return {
      flow: this.flow,
      prompt: null,
      before: null,
      events: [],
      notices: [notice('common:unavailable')],
      session: null,
    };
  }

  /**
   * The turn computed from the session this process remembers and written with a compare-and-set
   * on its version, without reading it first: an answer costs one round trip to the store. Only a
   * plain step is guessed (no start, replay, refusal or move to another flow version); anything
   * else goes the usual way, and so does a guess the store refused, with what the store returned
   * in place of a read.
   */
  private async guess(
    key: string,
    turn: Turn,
    now: number,
  ): Promise<{ result: TurnResult } | { stored: Session | CorruptSession | null } | null> {
    const known = this.sessions.remembered(key);
    if (!known || known.status !== 'active' || turn.input.type === 'start') return null;
    if (turn.event !== undefined && wasApplied(known, turn.event)) return null;
    const flow = await this.flows.version(known.flowId, known.flowVersion);
    if (!flow || flow.id !== known.flowId) return null;
    let step = next(flow, known, turn.input, now);
    if (step.refusal || step.session === known) return null;
    if (turn.event !== undefined) step = { ...step, session: withApplied(step.session, turn.event) };
    // The input is taken: the channel may answer the press now, as on the read path.
    turn.accepted?.();
    const written = await this.sessions.swap(key, step.session, known.version);
    if (written !== true) return { stored: written };
    return { result: await this.written(key, turn, flow, step, promptFor(flow, known), [], undefined, now) };
  }

  private async apply(key: string, turn: Turn): Promise<TurnResult> {
    let firstSeen: Session | null | undefined;
    // One instant per turn, however many attempts it takes.
    const now = this.clock();
    const guessed = await this.guess(key, turn, now);
    if (guessed && 'result' in guessed) return guessed.result;
    // What the store returned to a guess it refused: the first attempt's read.
    let returned = guessed;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = returned ? returned.stored : await this.sessions.get(key);
      returned = null;
      const notices: Text[] = [];
      let expected: number | null;
      let step: Step;
      let flow: Flow;
      let before: Prompt | null = null;
      let invitation: string | undefined;
      let stored = read;
      if (stored !== null && !isCorrupt(stored) && stored.status !== 'withdrawn') {
        const found = await this.flowOf(stored);
        if (found.moved) {
          // The version it started on is gone: it goes on, on the current one, where it must.
          if (!(await this.sessions.put(key, found.moved, stored.version))) continue;
          this.logOf(turn).info(
            { flow: found.flow.id, version: found.flow.version },
            'session moved to the current flow version',
          );
          return { ...this.shown(found.flow, found.moved), notices: [notice('common:flow_updated')] };
        }
        if (found.flow.id !== stored.flowId) stored = null;
      }
      // A button whose session is gone (finished, withdrawn or erased) belongs to no question:
      // it is refused as stale, never taken as the start of a new survey; said in the language
      // the respondent finished in, if they did.
      if (stored === null && turn.input.bound) {
        const done = await this.finishedIfReachable(turn, this.flow);
        const refusal = this.refused(this.flow, null, 'stale');
        return done ? { ...refusal, prompt: completedPrompt(done) } : refusal;
      }
      // Gone since this turn first read it: a concurrent turn finished or withdrew it. The input
      // was meant for a question of that session, not for a new survey.
      if (stored === null && firstSeen) return this.refused(this.flow, null, 'busy');
      // A withdrawn session left behind (its delete failed) holds nothing: start afresh over it.
      if (stored === null || isCorrupt(stored) || stored.status === 'withdrawn') {
        const token = this.deps.invitations ? turn.invitation : undefined;
        const invited =
          token || turn.keptInvitation ? await this.readInvitation(token ?? turn.keptInvitation!) : null;
        flow = this.startFlow(invited?.flowId);
        if (!token && turn.keptInvitation) invitation = turn.keptInvitation;
        // One respondent is one response: someone who finished is told so, and nothing starts,
        // unless they confirmed /restart and the flow takes a second response. A token then
        // counts for nothing, so it is not checked either.
        if (!(turn.again && flow.responses.perRespondent === 'many')) {
          const done = await this.finishedIfReachable(turn, flow);
          if (done) return this.alreadyCompleted(flow, done, notice('common:end.already'));
        }
        if (token) {
          const refused = refusalFor(invited, new Date(now)) ?? (await this.campaignRefusal(invited, now));
          if (refused) return this.invitationRefused(refused);
          invitation = token;
        }
        if (stored && isCorrupt(stored)) {
          this.logOf(turn).warn(
            { respondent: this.respondentOf(turn.channel, turn.user) },
            'unreadable session replaced',
          );
          notices.push(notice('common:session_reset'));
        }
        expected = stored ? stored.version : read && !isCorrupt(read) ? read.version : null;
        const locale = turn.input.type === 'language' ? turn.input.locale : turn.locale;
        step = startSession(flow, {
          id: this.newId(),
          locale,
          now,
          meta: this.metaFor({ ...turn, invitation }),
        });
        if (expected !== null) {
          // The replacement continues the stored version, and so must the prompt its buttons carry.
          const session = { ...step.session, version: expected + 1 };
          step = { ...step, session, prompt: promptFor(flow, session) };
        }
      } else {
        flow = (await this.flowOf(stored)).flow;
        if (turn.event !== undefined && wasApplied(stored, turn.event)) {
          return stored.status === 'completed'
            ? this.finishStored(key, flow, stored, turn)
            : this.replayed(flow, stored);
        }
        // A turn bound to nothing (typed text) was meant for the question the respondent saw:
        // if a concurrent turn moved the session on, it is refused rather than applied elsewhere.
        firstSeen ??= stored;
        if (stored.current !== firstSeen.current || stored.step !== firstSeen.step) {
          return this.refused(flow, stored, 'busy');
        }
        if (stored.status === 'completed') return this.finishStored(key, flow, stored, turn);
        before = promptFor(flow, stored);
        step = next(flow, stored, turn.input, now);
        if (step.refusal) return { ...step, flow, before, notices, prompt: step.prompt };
        if (turn.input.type === 'start' && before.kind === 'question' && before.progress) {
          notices.push(notice('common:resumed', { ...before.progress }));
        }
        if (step.session === stored) return { ...step, flow, before, notices };
        expected = stored.version;
        turn.accepted?.();
      }
      if (turn.event !== undefined) step = { ...step, session: withApplied(step.session, turn.event) };
      if (!(await this.sessions.put(key, step.session, expected))) {
        if (turn.input.bound) return this.lostRace(key, flow, turn, read);
        continue;
      }
      return this.written(key, turn, flow, step, before, notices, invitation, now);
    }
    const latest = await this.sessions.get(key);
    const session = latest && !isCorrupt(latest) ? latest : null;
    return this.refused(session ? (await this.flowOf(session)).flow : this.flow, session, 'busy');
  }

  /** What follows a turn's step once it is stored: the invitation counted, the address, the end. */
  private async written(
    key: string,
    turn: Turn,
    flow: Flow,
    step: Step,
    before: Prompt | null,
    notices: Text[],
    invitation: string | undefined,
    now: number,
  ): Promise<TurnResult> {
    if (invitation && invitation !== turn.keptInvitation) {
      // Counted once the session is stored; refused meanwhile (the last use taken by someone
      // else) or failing, the session goes again and nothing is counted.
      const refused = await this.redeem(invitation, now, key, step.session);
      if (refused) return this.invitationRefused(refused);
      await this.linkInvitee(turn, invitation);
    }
    if (before === null) {
      this.count(turn.channel, 'started');
      await this.remember(turn, step.session);
    } else if (step.events.some((e) => e.type === 'language')) await this.remember(turn, step.session);
    if (step.session.status !== 'active') this.count(turn.channel, step.session.status);
    if (step.session.status === 'withdrawn') await this.sessions.delete(key, step.session.version);
    if (step.session.status === 'completed')
      notices.push(await this.saver.finish(key, flow, step.session, this.logOf(turn)));
    return { flow, prompt: step.prompt, before, events: step.events, notices, session: step.session };
  }

  /** An invitation by its token, read without counting a use (null: no such invitation). */
  private async readInvitation(token: string): Promise<Invitation | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    return (await this.deps.invitations?.get(token)) ?? null;
  }

  /** Whether the invitation's campaign takes respondents now (a campaign not stored: it does). */
  private async campaignRefusal(invited: Invitation | null, now: number): Promise<RedeemRefusal | null> {
    if (!invited || !this.deps.campaigns) return null;
    const campaign = await this.deps.campaigns.get(invited.campaign);
    return campaign ? campaignRefusal(campaign, new Date(now)) : null;
  }

  /**
   * Notes which respondent a personal token's invitee became, for the funnel and for erasure; a
   * failure is logged and changes nothing (the session was stored and the use counted).
   */
  private async linkInvitee(turn: Turn, token: string): Promise<void> {
    try {
      await this.deps.invitees?.linkRespondent(token, this.respondentOf(turn.channel, turn.user));
    } catch (error) {
      this.logOf(turn).warn({ err: error }, 'invitee not linked to the respondent');
    }
  }

  /**
   * Counts the use of the invitation a session just started with. Refused (another respondent
   * took the last use meanwhile) or failing, the new session is removed again, so a turn that
   * does not start a survey spends no use.
   */
  private async redeem(
    token: string,
    now: number,
    key: string,
    session: Session,
  ): Promise<RedeemRefusal | null> {
    const invitations = this.deps.invitations;
    if (!invitations) return null;
    try {
      const redeemed = await invitations.redeem(token, new Date(now));
      if (redeemed.ok) return null;
      await this.sessions.delete(key, session.version);
      return redeemed.reason;
    } catch (error) {
      await this.sessions.delete(key, session.version).catch(() => false);
      throw error;
    }
  }

  private invitationRefused(reason: RedeemRefusal): TurnResult {
    return {
      flow: this.flow,
      prompt: null,
      before: null,
      events: [],
      notices: [],
      session: null,
      invitationRefused: reason,
    };
  }

  /**
   * Writes where the respondent can be reached (their chat, their language) to the address book
   * when a session starts or its language changes. A failure is logged and changes nothing:
   * the turn itself was stored.
   */
  private async remember(turn: Turn, session: Session): Promise<void> {
    const addresses = this.deps.addresses;
    if (!addresses) return;
    try {
      await addresses.put({
        respondent: this.respondentOf(turn.channel, turn.user),
        channel: turn.channel,
        chat: turn.chat ?? turn.user,
        locale: session.locale,
        updatedAt: new Date(this.clock()),
      });
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'address' });
      this.logOf(turn).warn({ err: error }, 'address not stored');
    }
  }

  /** A session's prompt, nothing changed. */
  private shown(flow: Flow, session: Session): TurnResult {
    return { flow, prompt: promptFor(flow, session), before: null, events: [], notices: [], session };
  }

  /**
   * A button press whose write lost to another turn: the button is stale now, unless that other
   * turn was this very event delivered twice at once (then it is a replay, not a refusal).
   */
  private async lostRace(
    key: string,
    flow: Flow,
    turn: Turn,
    read: Session | CorruptSession | null,
  ): Promise<TurnResult> {
    const latest = turn.event === undefined ? null : await this.sessions.get(key);
    if (latest && !isCorrupt(latest) && wasApplied(latest, turn.event!)) {
      return latest.status === 'completed'
        ? this.finishStored(key, flow, latest, turn)
        : this.replayed(flow, latest);
    }
    return this.refused(flow, read && !isCorrupt(read) ? read : null, 'stale');
  }

  /** The respondent's latest complete response to a flow (the default one), if any: one indexed read. */
  async finished(channel: string, user: string, flow: Flow = this.flow): Promise<ResponseRecord | null> {
    const mine = await this.deps.responses.byRespondent(this.respondentOf(channel, user), flow.id);
    return mine.filter((r) => r.status === 'complete').at(-1) ?? null;
  }

  /**
   * `finished`, or null while the response store cannot be reached: the survey stays open to new
   * respondents through a database outage (their answers are saved when it is back), at the cost
   * of not recognising, meanwhile, someone who finished before. Reports count a person once.
   */
  private async finishedIfReachable(turn: Turn, flow: Flow): Promise<ResponseRecord | null> {
    try {
      return await this.finished(turn.channel, turn.user, flow);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'find_response' });
      this.logOf(turn).warn({ err: error }, 'completed response not looked up: response store unreachable');
      return null;
    }
  }

  private alreadyCompleted(flow: Flow, done: ResponseRecord, said: Text): TurnResult {
    const { perRespondent, changeAfterCompletion } = flow.responses;
    return {
      flow,
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
    const key = sessionKey(turn.channel, turn.user);
    try {
      const stored = await this.sessions.get(key);
      const done = stored === null ? await this.finished(turn.channel, turn.user) : null;
      if (!done) return await this.apply(key, { ...turn, input: { type: 'start' } });
      const flow = this.flows.get(done.flowId) ?? this.flow;
      if (!flow.responses.changeAfterCompletion)
        return this.alreadyCompleted(flow, done, notice('common:completed.change_closed'));
      const contact = done.contactId ? await this.deps.contacts.get(done.contactId) : null;
      const now = this.clock();
      const session = reopenSession(
        flow,
        {
          id: done.id,
          locale: done.locale,
          answers: answersOf(flow, done, contact),
          startedAt: done.startedAt.getTime(),
          durations: done.durations,
        },
        { now, meta: this.metaFor({ ...turn, ...(done.invitation ? { invitation: done.invitation } : {}) }) },
      );
      if (!session) return this.alreadyCompleted(flow, done, notice('common:end.already'));
      if (!(await this.sessions.put(key, session, null))) return this.refused(flow, null, 'busy');
      this.logOf(turn).info({ respondent: this.respondentOf(turn.channel, turn.user) }, 'response reopened');
      return { ...this.shown(flow, session), notices: [notice('common:completed.changing')] };
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'turn' });
      this.logOf(turn).error({ err: error }, 'reopening a response failed');
      return this.unavailable();
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

  private refused(flow: Flow, session: Session | null, code: RefusalCode): TurnResult {
    return {
      flow,
      prompt: session ? promptFor(flow, session) : null,
      before: null,
      refusal: { code, text: { key: `common:refusal.${code}` } },
      events: [],
      notices: [],
      session,
    };
  }

  private replayed(flow: Flow, session: Session): TurnResult {
    return { ...this.shown(flow, session), replayed: true };
  }

  private metaFor(
    turn: Pick<Turn, 'channel' | 'user' | 'chat'> & { invitation?: string | undefined },
  ): Record<string, string> {
    const meta: SessionMeta = {
      channel: turn.channel,
      respondent: this.respondentOf(turn.channel, turn.user),
      chat: turn.chat ?? turn.user,
      ...(turn.invitation ? { invitation: turn.invitation } : {}),
    };
    return { ...meta };
  }

  /** A completed session whose response was not saved yet (the database was down): try again. */
  private async finishStored(key: string, flow: Flow, session: Session, turn: Turn): Promise<TurnResult> {
    const saved = await this.saver.finish(key, flow, session, this.logOf(turn));
    return { ...this.shown(flow, session), notices: [saved] };
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
          const { flow } = await this.flowOf(session);
          if ((await this.saver.finish(key, flow, session, this.log)).key === 'common:end.completed')
            completed++;
          continue;
        }
        const worthKeeping =
          session.status === 'active' && Object.keys(session.answers).some((id) => id !== 'language');
        if (worthKeeping) await this.saver.save((await this.flowOf(session)).flow, session, 'partial');
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

  /**
   * Erases everything kept about a platform user: session, responses, their codes, contact
   * details, address book entries, the invitee they were invited as and the reminders sent to
   * them, and what every other holder keeps. The session goes first, so
   * no turn of theirs writes anything again meanwhile.
   */
  async erase(channel: string, user: string): Promise<Erased> {
    const session = await this.sessions.delete(sessionKey(channel, user));
    return { session, ...(await this.eraseRespondent(this.respondentOf(channel, user))) };
  }

  /** Erases what the stores keep under a pseudonym (an admin's erasure on request, by pseudonym). */
  async eraseRespondent(respondent: string): Promise<Omit<Erased, 'session'>> {
    const contacts = await this.deps.contacts.deleteByRespondent(respondent);
    const responses = await this.deps.responses.deleteByRespondent(respondent);
    const addresses = (await this.deps.addresses?.deleteByRespondent(respondent)) ?? 0;
    const codings = (await this.deps.codings?.deleteByRespondent(respondent)) ?? 0;
    const more = [{ name: 'codings', count: codings }];
    // Campaigns' records of them: the invitee they were invited as, the reminders sent to them.
    if (this.deps.invitees)
      more.push({ name: 'invitees', count: await this.deps.invitees.deleteByRespondent(respondent) });
    if (this.deps.sends)
      more.push({ name: 'reminders', count: await this.deps.sends.deleteByRespondent(respondent) });
    for (const holder of this.deps.holders ?? [])
      more.push({ name: holder.name, count: await holder.deleteByRespondent(respondent) });
    return { responses, contacts, addresses, more };
  }

  /** Everything kept about a platform user, for /my_data: exactly what the stores hold. */
  async dataOf(channel: string, user: string): Promise<PersonalData> {
    const respondent = this.respondentOf(channel, user);
    const session = await this.current(channel, user);
    const flowIds = new Set([...this.flows.ids(), ...(session ? [session.flowId] : [])]);
    const responses = [];
    for (const flowId of flowIds)
      responses.push(...(await this.deps.responses.byRespondent(respondent, flowId)));
    // A response names its contact (same id): read those, not every contact.
    const contacts = [];
    for (const r of responses) {
      const contact = r.contactId ? await this.deps.contacts.get(r.contactId) : null;
      if (contact) contacts.push(contact);
    }
    const more: Record<string, unknown[]> = {};
    for (const holder of this.deps.holders ?? []) more[holder.name] = await holder.dataOf(respondent);
    return {
      respondent,
      channel,
      session: session && {
        flowId: session.flowId,
        flowVersion: session.flowVersion,
        locale: session.locale,
        answers: session.answers,
      },
      responses,
      contacts,
      addresses: (await this.deps.addresses?.byRespondent(respondent)) ?? [],
      more,
    };
  }

  /**
   * `/stop`: the respondent wants no more messages nobody asked for (reminders, invitations by
   * DM). Recorded on their address, which reminders and invitations skip; someone who never
   * started gets an address holding only that. Starting a new survey later writes a fresh address.
   */
  async optOut(channel: string, user: string, locale = 'en'): Promise<boolean> {
    const addresses = this.deps.addresses;
    if (!addresses) return false;
    const respondent = this.respondentOf(channel, user);
    const at = new Date(this.clock());
    if (await addresses.markUnreachable(respondent, channel, 'stopped', at)) return true;
    await addresses.put({ respondent, channel, chat: user, locale, updatedAt: at });
    return addresses.markUnreachable(respondent, channel, 'stopped', at);
  }

  /** The respondent's session as stored (null when none or unreadable), for read-only views. */
  async current(channel: string, user: string): Promise<Session | null> {
    const stored = await this.sessions.get(sessionKey(channel, user));
    return stored === null || isCorrupt(stored) ? null : stored;
  }

  /**
   * Drops an unfinished session so the respondent can start again; stored responses stay. A
   * completed session whose response is not saved yet is kept, so no answer is lost.
   */
  async discard(channel: string, user: string): Promise<boolean> {
    const key = sessionKey(channel, user);
    const stored = await this.sessions.get(key);
    if (stored === null || (!isCorrupt(stored) && stored.status === 'completed')) return false;
    return this.sessions.delete(key, stored.version ?? undefined);
  }

  /**
   * Notes on the session that the platform refused delivery for good (the user blocked the bot,
   * the chat is gone), so staff and follow-up work know. A change like any other: the version moves.
   */
  async noteUnreachable(channel: string, user: string, reason: string): Promise<boolean> {
    const key = sessionKey(channel, user);
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

  /** Stops this service's own retry queue; the stores and shared jobs are closed by whoever opened them. */
  async close(): Promise<void> {
    await this.ownJobs?.close();
  }
}

/** What a finished respondent is shown: their survey is complete, in the language they took it in. */
function completedPrompt(done: ResponseRecord): Prompt {
  return { kind: 'completed', version: 0, locale: done.locale };
}

function wasApplied(session: Session, event: string): boolean {
  return session.applied.includes(event);
}

function withApplied(session: Session, event: string): Session {
  return { ...session, applied: [...session.applied, event].slice(-APPLIED_KEPT) };
}
