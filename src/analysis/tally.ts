import type { Flow, Question } from '../engine/flow.ts';
import type { ResponseRecord } from '../store/response-store.ts';
import type { Base, Count, QuestionTable } from './model.ts';
import type { QuestionState } from './states.ts';
import { spread } from './stats.ts';

/** What a tally is given besides the state: the response it belongs to and its resolved codes. */
export interface Seen {
  record: ResponseRecord;
  /** The codes of this response's answer to the question (coded free text), or 'disputed'. */
  codes?: readonly string[] | 'disputed';
}

/** One question's table for one group of respondents, built one response at a time. */
export interface Tally {
  add(state: QuestionState, seen: Seen): void;
  table(): QuestionTable;
}

/** Counts of keys, in a fixed order of known keys, with any other key after them. */
export class KeyCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly known: readonly string[]) {
    for (const k of known) this.counts.set(k, 0);
  }

  add(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  rows(): Count[] {
    const known = new Set(this.known);
    return [...this.counts].map(([key, count]) =>
      known.has(key) ? { key, count } : { key, count, unknown: true },
    );
  }

  /** Non-zero counts, largest first, then by key: for lists without a fixed order (countries). */
  ranked(): Count[] {
    return [...this.counts]
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([key, count]) => ({ key, count }));
  }
}

/**
 * Growable list of numbers in a typed array: 100,000 durations are 400 KB, not 100,000 objects.
 * Whole numbers up to 2^32 (milliseconds, most amounts) take 4 bytes each; the first other value
 * moves the list to 8 bytes each.
 */
export class Numbers {
  private data: Uint32Array | Float64Array = new Uint32Array(64);
  length = 0;

  push(value: number): void {
    const fits =
      this.data instanceof Float64Array || (Number.isInteger(value) && value >= 0 && value <= 0xffffffff);
    if (this.length === this.data.length || !fits) {
      const size = this.length === this.data.length ? this.length * 2 : this.data.length;
      const moved = fits ? new Uint32Array(size) : new Float64Array(size);
      moved.set(this.data);
      this.data = moved;
    }
    this.data[this.length++] = value;
  }

  values(): Uint32Array | Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** The counts every table has: asked, answered, declined, not applicable, not reached, time. */
export abstract class BaseTally implements Tally {
  private readonly base = {
    respondents: 0,
    answered: 0,
    declined: 0,
    notApplicable: 0,
    notReached: 0,
    auto: 0,
    unreadable: 0,
  };
  private readonly times = new Numbers();

  constructor(protected readonly question: Question) {}

  add(state: QuestionState, seen: Seen): void {
    this.base.respondents++;
    const ms = seen.record.durations[this.question.id];
    if (typeof ms === 'number' && ms > 0 && (state.kind === 'answered' || state.kind === 'declined')) {
      this.times.push(ms);
    }
    switch (state.kind) {
      case 'declined':
        this.base.declined++;
        return;
      case 'not_applicable':
        this.base.notApplicable++;
        return;
      case 'not_reached':
        this.base.notReached++;
        return;
      case 'answered':
        this.base.answered++;
        if (state.auto) this.base.auto++;
        if (!this.answer(state.value, seen)) this.base.unreadable++;
    }
  }

  /** Adds one answer; false when its value cannot be read. */
  protected abstract answer(value: unknown, seen: Seen): boolean;

  abstract table(): QuestionTable;

  protected baseTable(): Base {
    const time = spread(this.times.values());
    return {
      question: this.question.id,
      type: this.question.type,
      ...this.base,
      time: { n: time?.n ?? 0, medianMs: time?.median ?? null },
    };
  }
}

export type TallyFactory = (flow: Flow, question: Question) => Tally;
