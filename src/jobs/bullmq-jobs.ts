import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Cluster } from 'ioredis';
import type { Logger } from '../log.ts';
import { redisClient, type RedisTarget } from '../store/redis-connection.ts';
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

export interface BullmqJobsOptions {
  /** One Redis's URL, or the nodes of a Redis Cluster. */
  target: RedisTarget;
  /** The bot's REDIS_PREFIX; queues live under `<prefix>{jobs}:<queue>:...`. */
  prefix: string;
  log: Logger;
}

/**
 * Jobs in Redis with BullMQ, shared by every replica: a job id is taken once (BullMQ keeps a
 * job's id while the job is kept), retries back off exponentially, the rate limit holds over all
 * workers of a queue, and a job whose process died is taken again once its lock expires (once:
 * `maxStalledCount` 1). The `{jobs}` hash tag in the prefix keeps every queue's keys in one Redis
 * Cluster slot, as BullMQ's cluster guide asks (its scripts touch several keys of a queue).
 */
class BullmqQueue<T> implements JobQueue<T> {
  private readonly queue: Queue;
  private worker: Worker | null = null;
  /** Cluster clients made for the queue and its worker: BullMQ leaves clients it was given open. */
  private readonly clients: Cluster[] = [];

  constructor(
    readonly name: string,
    private readonly settings: BullmqJobsOptions,
    private readonly options: QueueOptions,
  ) {
    this.queue = new Queue(name, { connection: this.connection(), prefix: prefixOf(settings) });
    this.queue.on('error', (error) => settings.log.warn({ err: error, queue: name }, 'job queue error'));
  }

  async add(data: T, options: JobOptions): Promise<'added' | 'exists'> {
    checkJobId(options.id);
    // Only informative: BullMQ itself never adds a second job with an id it holds.
    if (await this.queue.getJob(options.id)) return 'exists';
    await this.queue.add(this.name, data, {
      jobId: options.id,
      ...(options.delayMs ? { delay: options.delayMs } : {}),
      attempts: this.options.attempts ?? 5,
      backoff: { type: 'exponential', delay: backoff(this.options, 1) },
      removeOnComplete: { age: KEEP_DONE_MS / 1000 },
      removeOnFail: { age: KEEP_DONE_MS / 1000 },
    });
    return 'added';
  }

  work(handler: JobHandler<T>): void {
    if (this.worker) throw new Error(`queue ${this.name} already has a worker`);
    const lockMs = this.options.lockMs ?? 30_000;
    this.worker = new Worker(
      this.name,
      async (job: Job) => handler(job.data as T, { id: job.id!, attempt: job.attemptsMade + 1 }),
      {
        connection: this.connection(),
        prefix: prefixOf(this.settings),
        concurrency: this.options.concurrency ?? 1,
        ...(this.options.limit ? { limiter: evenly(this.options.limit) } : {}),
        lockDuration: lockMs,
        stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
        maxStalledCount: 1,
      },
    );
    this.worker.on('error', (error) =>
      this.settings.log.warn({ err: error, queue: this.name }, 'job worker error'),
    );
    this.worker.on('failed', (job, error) =>
      this.settings.log.warn(
        { err: error, queue: this.name, job: job?.id, attempt: job?.attemptsMade },
        'job failed',
      ),
    );
  }

  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    try {
      await job.remove();
      return true;
    } catch {
      // Locked by a worker running it: it is not removed.
      return false;
    }
  }

  async counts(): Promise<JobCounts> {
    const c = await this.queue.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'completed',
      'failed',
      'prioritized',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }

  /**
   * Workers hold blocking connections, which must wait for Redis rather than fail a command. A
   * cluster is given as a client (BullMQ takes no list of nodes); one server as options.
   */
  private connection(): ConnectionOptions {
    const { target } = this.settings;
    if (typeof target === 'string') return { url: target, maxRetriesPerRequest: null };
    const client = redisClient(target, { maxRetriesPerRequest: null }) as Cluster;
    this.clients.push(client);
    return client;
  }
}

/**
 * BullMQ counts starts in fixed windows, so two windows back to back could start twice the limit
 * within one duration. One start per `duration / (max - 1)` keeps every sliding window of the
 * duration at `max` starts or fewer, and spreads a large send evenly.
 */
function evenly(limit: { max: number; durationMs: number }): { max: number; duration: number } {
  return { max: 1, duration: Math.ceil(limit.durationMs / Math.max(1, limit.max - 1)) };
}

function prefixOf(settings: BullmqJobsOptions): string {
  return `${settings.prefix}{jobs}`;
}

export class BullmqJobs implements Jobs {
  readonly kind = 'redis';
  private readonly queues = new Map<string, BullmqQueue<unknown>>();

  constructor(private readonly settings: BullmqJobsOptions) {}

  queue<T>(name: string, options: QueueOptions = {}): JobQueue<T> {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = new BullmqQueue<unknown>(name, this.settings, options)));
    return queue as JobQueue<T>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
