/**
 * Work that must happen later or again, apart from any update: saving a finished response that
 * could not be saved, sending invitations and reminders. A small port with two implementations:
 * BullMQ on Redis (shared by every replica; survives restarts) and one in this process (embedded,
 * when neither REDIS_URL nor REDIS_CLUSTER_NODES is set).
 */
export interface QueueOptions {
  /** Tries per job, the first included (default 5). */
  attempts?: number;
  /** Pause before the first retry (ms); each further retry waits twice as long (default 1000). */
  backoffMs?: number;
  /** Jobs of this queue run at once in one process (default 1). */
  concurrency?: number;
  /** At most `max` jobs start in any `durationMs`, over every process sharing the queue. */
  limit?: { max: number; durationMs: number };
  /**
   * How long a running job's lock lasts without renewal (ms, default 30 s): a process that dies
   * while running a job leaves it to be taken again, once, by another process after this.
   */
  lockMs?: number;
}

export interface JobOptions {
  /**
   * Deterministic id, of `A-Z a-z 0-9 . _ - @`: a job added again with an id already queued,
   * running or done (kept `KEEP_DONE_MS`) is not added again, so a crash never sends twice.
   */
  id: string;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
}

export interface JobInfo {
  id: string;
  /** 1 on the first try. */
  attempt: number;
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<void>;

export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

export interface JobQueue<T> {
  readonly name: string;
  /** 'exists' when a job with this id is already queued, running or done. */
  add(data: T, options: JobOptions): Promise<'added' | 'exists'>;
  /** Starts running this queue's jobs in this process (once per queue). */
  work(handler: JobHandler<T>): void;
  /**
   * Removes a job that is not running, with its data (an erasure takes the respondent's queued
   * reminders and sends with it). False when there is no such job or it is running; its id is
   * free again afterwards.
   */
  remove(id: string): Promise<boolean>;
  counts(): Promise<JobCounts>;
  /** Stops taking jobs, waits for the running ones, and lets go of the connections. */
  close(): Promise<void>;
}

export interface Jobs {
  /** 'redis' (BullMQ, shared) or 'memory' (this process only). */
  readonly kind: 'redis' | 'memory';
  queue<T>(name: string, options?: QueueOptions): JobQueue<T>;
  close(): Promise<void>;
}

/** How long finished jobs are remembered, so that their ids are not taken again. */
export const KEEP_DONE_MS = 30 * 86_400_000;

const JOB_ID = /^[\w.@-]{1,200}$/;

export function checkJobId(id: string): void {
  if (!JOB_ID.test(id))
    throw new TypeError(`job id ${JSON.stringify(id)} must be 1-200 of A-Z a-z 0-9 . _ - @`);
}

/** The wait before try `attempt + 1`, after `attempt` failed. */
export function backoff(options: QueueOptions, attempt: number): number {
  return (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
}
