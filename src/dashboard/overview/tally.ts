import type { Logger } from '../../log.ts';
import { countryCodeOf, type ResponseRecord, type ResponseStore } from '../../store/response-store.ts';

/** What the overview needs of the one response that counts for a respondent. */
export interface Counted {
  id: string;
  flowId: string;
  status: ResponseRecord['status'];
  channel: string;
  locale: string;
  country?: string;
  invitation?: string;
  finishedAt?: number;
  updatedAt: number;
}

/** How far back each refresh looks again, for saves stamped a little before the last one read. */
const OVERLAP_MS = 60_000;
/** Erasures do not show as changes: the whole tally is read again this often. */
const REBUILD_MS = 10 * 60_000;

/**
 * The responses the overview counts, one per respondent and flow (the complete response if
 * any, else the latest partial), kept in memory and brought up to date by streaming what changed
 * since the last read (`scan` with `updatedAfter`, on an index). A page of the overview then
 * costs a pass over this map, however slow the database is; a few hundred bytes per respondent.
 */
export class ResponseTally {
  private readonly counted = new Map<string, Counted>();
  private mark: number | null = null;
  private running: Promise<void> | null = null;
  private rebuiltAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When the tally last finished reading; null before its first read. */
  asOf: Date | null = null;

  constructor(
    private readonly options: {
      responses: ResponseStore;
      /** The flow's country question, by flow id. */
      countryQuestion: (flowId: string) => string | undefined;
      log: Logger;
      clock?: () => number;
    },
  ) {}

  /** Reads what changed (everything on the first call, and every ten minutes); one read at a time. */
  refresh(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = null));
    return this.running;
  }

  /** Refreshes every `intervalMs` until stopped; a failed read is logged and tried again. */
  start(intervalMs: number): void {
    const tick = () => {
      this.refresh()
        .catch((error: unknown) => this.options.log.warn({ err: error }, 'overview tally not refreshed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Every counted response, for the overview to add up (it filters by flow and scope). */
  values(): IterableIterator<Counted> {
    return this.counted.values();
  }

  private async read(): Promise<void> {
    const now = (this.options.clock ?? Date.now)();
    const full = this.mark === null || now - this.rebuiltAt >= REBUILD_MS;
    const fresh = full ? new Map<string, Counted>() : this.counted;
    let mark = full ? 0 : this.mark!;
    const filter = full ? {} : { updatedAfter: new Date(this.mark! - OVERLAP_MS) };
    for await (const record of this.options.responses.scan(filter)) {
      this.add(fresh, record);
      mark = Math.max(mark, record.updatedAt.getTime());
    }
    if (full) {
      this.counted.clear();
      for (const [key, value] of fresh) this.counted.set(key, value);
      this.rebuiltAt = now;
    }
    this.mark = mark;
    this.asOf = new Date(now);
  }

  private add(into: Map<string, Counted>, record: ResponseRecord): void {
    const key = `${record.flowId}\u0000${record.respondent}`;
    const current = into.get(key);
    if (current && current.id !== record.id && !counts(record, current)) return;
    const question = this.options.countryQuestion(record.flowId);
    const country = question ? countryCodeOf(record.answers[question]) : undefined;
    into.set(key, {
      id: record.id,
      flowId: record.flowId,
      status: record.status,
      channel: record.channel,
      locale: record.locale,
      ...(country ? { country } : {}),
      ...(record.invitation ? { invitation: record.invitation } : {}),
      ...(record.finishedAt ? { finishedAt: record.finishedAt.getTime() } : {}),
      updatedAt: record.updatedAt.getTime(),
    });
  }
}

/** Whether `record` is the respondent's response rather than `current`: complete first, then latest. */
function counts(record: ResponseRecord, current: Counted): boolean {
  if (record.status !== current.status) return record.status === 'complete';
  return record.updatedAt.getTime() >= current.updatedAt;
}
