import type { Flow } from '../engine/flow.ts';
import type { Text } from '../engine/prompt.ts';
import type { Session } from '../engine/session.ts';
import type { JobQueue, Jobs } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Keyring } from '../privacy/keyring.ts';
import type { ContactStore, ResponseStore } from '../store/response-store.ts';
import { isCorrupt } from '../store/session-store.ts';
import type { RecentSessions } from './recent-sessions.ts';
import { toRecords } from './response.ts';

/** A finished response to save again: the session stays in the store until it is saved. */
interface SaveJob {
  /** The session key (it names the platform user), sealed when a keyring is given: jobs sit in Redis. */
  key: string;
  session: string;
  version: number;
  /** The fields of the finishing turn's log lines (channel, update id), so the retry's lines carry them. */
  log: Record<string, string | number>;
}

/** Tries of a failed save: the pauses double from `retryAfter`; the sweep is the backstop after. */
const SAVE_ATTEMPTS = 12;

export interface SaverDeps {
  sessions: RecentSessions;
  responses: ResponseStore;
  contacts: ContactStore;
  jobs: Jobs;
  log: Logger;
  clock: () => number;
  /** The flow a stored session is on (its version), to turn it into records. */
  flowOf: (session: Session) => Promise<Flow>;
  /** First pause before saving again (ms). */
  retryAfter: number;
  metrics?: Metrics;
  /** Seals the session key in queued jobs. */
  keyring?: Keyring;
}

/**
 * Writes finished sessions to the response store, and only then removes them. When the response
 * store fails, the session stays and a queued job (any replica's) saves it later, exactly once:
 * the response id is the session id, so a repeated save updates the same record.
 */
export class ResponseSaver {
  private readonly saves: JobQueue<SaveJob>;

  constructor(private readonly deps: SaverDeps) {
    this.saves = deps.jobs.queue<SaveJob>('save-response', {
      attempts: SAVE_ATTEMPTS,
      backoffMs: deps.retryAfter,
      concurrency: 4,
    });
    this.saves.work((job) => this.saveAgain(job));
  }

  /**
   * Saves the response (and contact) and removes the session. Says what the respondent hears:
   * completed, or saved later when the store failed. When only the removal fails, the answers
   * are saved: the respondent is told so, and the queued job removes the session later.
   */
  async finish(key: string, flow: Flow, session: Session, log: Logger): Promise<Text> {
    try {
      await this.save(flow, session, 'complete');
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'save_response' });
      log.error({ err: error, session: session.id }, 'response not saved; will retry');
      await this.queue(key, session, log);
      return { key: 'common:end.saved_later' };
    }
    try {
      await this.deps.sessions.delete(key, session.version);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'delete_session' });
      log.warn({ err: error, session: session.id }, 'response saved, session not removed yet; will retry');
      await this.queue(key, session, log);
    }
    return { key: 'common:end.completed' };
  }

  /** The response and, when the respondent left them, the contact details apart. */
  async save(flow: Flow, session: Session, status: 'complete' | 'partial'): Promise<void> {
    const { response, contact } = toRecords(flow, session, status, new Date(this.deps.clock()));
    if (contact) await this.deps.contacts.save(contact);
    await this.deps.responses.save(response);
  }

  /**
   * Queues saving the response again, once per session version. The queue failing too is
   * logged: the sweep saves completed sessions later.
   */
  private async queue(key: string, session: Session, log: Logger): Promise<void> {
    const sealed = this.deps.keyring ? this.deps.keyring.seal(key, 'job.session-key') : key;
    const job: SaveJob = { key: sealed, session: session.id, version: session.version, log: fieldsOf(log) };
    try {
      await this.saves.add(job, {
        id: `save-response.${session.id}.${session.version}`,
        delayMs: this.deps.retryAfter,
      });
    } catch (error) {
      log.error({ err: error, session: session.id }, 'response save not queued; the sweep will save it');
    }
  }

  /**
   * The queued save: reads the session again (it stays in the store until saved), saves its
   * response and removes it. Nothing to do when it is gone or moved on (erased, saved meanwhile).
   */
  private async saveAgain(job: SaveJob): Promise<void> {
    const own = this.deps.log.bindings?.() ?? {};
    const log = this.deps.log.child(
      Object.fromEntries(Object.entries(job.log).filter(([name]) => !(name in own))),
    );
    // A job queued before sealing was on holds the key in clear, which `open` returns as it is.
    const key = this.deps.keyring ? this.deps.keyring.open(job.key, 'job.session-key') : job.key;
    const stored = await this.deps.sessions.get(key);
    if (stored === null || isCorrupt(stored) || stored.id !== job.session || stored.status !== 'completed')
      return;
    try {
      await this.save(await this.deps.flowOf(stored), stored, 'complete');
      await this.deps.sessions.delete(key, stored.version);
    } catch (error) {
      this.deps.metrics?.storeErrors.inc({ operation: 'retry_response' });
      throw error;
    }
    log.info({ session: stored.id }, 'response saved after retry');
  }
}

/** A logger's own fields that are plain values (its channel, update id): never data of a turn. */
function fieldsOf(log: Logger): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(log.bindings?.() ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') fields[name] = value;
  }
  return fields;
}
