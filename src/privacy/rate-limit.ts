import { BoundedMap } from '../bounded-map.ts';

/** Respondents whose buckets one process keeps; the least recently seen go first past this. */
const KEPT = 100_000;

interface Bucket {
  tokens: number;
  at: number;
  /** Whether the respondent was told to slow down since the bucket last ran dry. */
  told: boolean;
}

export type RateDecision = 'ok' | 'tell' | 'drop';

/**
 * A token bucket per user: `burst` updates at once, refilled at `perMinute`. An update past the
 * limit changes nothing; the first one is answered with a polite message ('tell'), the rest of the
 * flood gets no answer at all ('drop'), so a flood is not echoed back. O(1) per update and per
 * process (each replica limits what it receives).
 */
export class RateLimiter {
  private readonly buckets = new BoundedMap<string, Bucket>(KEPT);

  constructor(private readonly options: { perMinute: number; burst: number; clock: () => number }) {}

  /**
   * Whether `take` would drop the user's next update now. Dropping changes nothing, so this can
   * be asked at the door, before the update is read, without taking anything.
   */
  wouldDrop(user: string): boolean {
    const bucket = this.buckets.get(user);
    if (!bucket?.told) return false;
    const refill = ((this.options.clock() - bucket.at) / 60_000) * this.options.perMinute;
    return bucket.tokens + Math.max(0, refill) < 1;
  }

  take(user: string): RateDecision {
    const now = this.options.clock();
    const bucket = this.buckets.get(user) ?? { tokens: this.options.burst, at: now, told: false };
    const refill = ((now - bucket.at) / 60_000) * this.options.perMinute;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + Math.max(0, refill));
    bucket.at = now;
    let decision: RateDecision;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.told = false;
      decision = 'ok';
    } else {
      decision = bucket.told ? 'drop' : 'tell';
      bucket.told = true;
    }
    this.buckets.set(user, bucket);
    return decision;
  }
}
