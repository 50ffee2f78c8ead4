import {
  backoff,
  checkJobId,
  KEEP_DONE_MS,
  type JobCounts,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  type Jobs,
  type QueueOptions,
} from './job-queue.ts';

interface Entry<T> {
  data: T;
  state: 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';
  attempt: number;
  runAt: number;
  doneAt?: number;
}

/**
 * Jobs in this process only (embedded mode): the same contract as BullMQ's, without surviving a
 * restart (sessions are then in memory too, so nothing that outlives the process is waiting).
 */
class MemoryQueue<T> implements JobQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private handler: JobHandler<T> | null = null;
  private readonly running = new Set<Promise<void>>();
  private readonly started: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
    private readonly clock: () => number,
  ) {}

  async add(data: T, options: JobOptions): Promise<'added' | 'exists'> {
    checkJobId(options.id);
    this.forgetOld();
    if (this.entries.has(options.id)) return 'exists';
    const delay = options.delayMs ?? 0;
    this.entries.set(options.id, {
      data: structuredClone(data),
      state: delay > 0 ? 'delayed' : 'waiting',
      attempt: 0,
      runAt: this.clock() + delay,
    });
    this.pump();
    return 'added';
  }

  work(handler: JobHandler<T>): void {
    if (this.handler) throw new Error(`queue ${this.name} already has a worker`);
    this.handler = handler;
    this.pump();
  }

  async remove(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.state === 'active') return false;
    return this.entries.delete(id);
  }

  async counts(): Promise<JobCounts> {
    const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
    for (const entry of this.entries.values()) counts[entry.state]++;
    return counts;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled(this.running);
  }

  /** Starts what may start now, and sets one timer for the next job that comes due. */
  private pump(): void {
    if (this.closed || !this.handler) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Nothing queued: not even the clock is read (tests run on a clock that counts its readings).
    if (this.entries.size === 0) return;
    const now = this.clock();
    let nextAt = Infinity;
    for (const [id, entry] of this.entries) {
      if (entry.state !== 'waiting' && entry.state !== 'delayed') continue;
      if (entry.runAt > now) {
        nextAt = Math.min(nextAt, entry.runAt);
        continue;
      }
      if (this.running.size >= (this.options.concurrency ?? 1)) break;
      const slotAt = this.nextSlot(now);
      if (slotAt > now) {
        nextAt = Math.min(nextAt, slotAt);
        break;
      }
      this.start(id, entry);
    }
    if (nextAt < Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, nextAt - now));
      this.timer.unref();
    }
  }

  /** When the rate limit lets the next job start. */
  private nextSlot(now: number): number {
    const limit = this.options.limit;
    if (!limit) return now;
    while (this.started.length > 0 && this.started[0]! <= now - limit.durationMs) this.started.shift();
    return this.started.length < limit.max ? now : this.started[0]! + limit.durationMs;
  }

  private start(id: string, entry: Entry<T>): void {
    entry.state = 'active';
    entry.attempt++;
    // The moment the job really starts (not when this pass began): the limit counts those.
    this.started.push(this.clock());
    const run = (async () => {
      try {
        await this.handler!(structuredClone(entry.data), { id, attempt: entry.attempt });
        entry.state = 'completed';
        entry.doneAt = this.clock();
      } catch {
        if (entry.attempt >= (this.options.attempts ?? 5)) {
          entry.state = 'failed';
          entry.doneAt = this.clock();
        } else {
          entry.state = 'delayed';
          entry.runAt = this.clock() + backoff(this.options, entry.attempt);
        }
      }
    })();
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      this.pump();
    });
  }

  private forgetOld(): void {
    const before = this.clock() - KEEP_DONE_MS;
    for (const [id, entry] of this.entries)
      if (entry.doneAt !== undefined && entry.doneAt < before) this.entries.delete(id);
  }
}

export class MemoryJobs implements Jobs {
  readonly kind = 'memory';
  private readonly queues = new Map<string, MemoryQueue<unknown>>();

  constructor(private readonly clock: () => number = Date.now) {}

  queue<T>(name: string, options: QueueOptions = {}): JobQueue<T> {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = new MemoryQueue<unknown>(name, options, this.clock)));
    return queue as JobQueue<T>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
