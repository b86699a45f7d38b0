/**
 * When a failed delivery is tried again: exponential backoff with jitter on a schedule that
 * reaches hours, `Retry-After` honoured, and a retry tier per delay so a message waiting hours
 * never sits in front of one waiting seconds.
 */

export interface RetryPolicyOptions {
  /** Delay before the 2nd attempt; each next one is `factor` times longer. */
  readonly initialDelayMs: number;
  readonly factor: number;
  /** No delay exceeds this (before jitter). */
  readonly maxDelayMs: number;
  /** Attempts in all, the first included; after the last failure the delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** Each delay varies by up to ± this share, so targets that failed together do not all come back at once. */
  readonly jitter: number;
  /** Upper bounds of the retry tiers' delays: a delay up to `tierBoundsMs[0]` goes to tier 1, and so on; longer ones to the last tier. */
  readonly tierBoundsMs: readonly number[];
}

/**
 * Production defaults: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, then 6 h until the 12th attempt —
 * about a day and a half before anything is dead-lettered. Tiers: up to 1 min, up to 1 h, longer.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = Object.freeze({
  initialDelayMs: 30_000,
  factor: 4,
  maxDelayMs: 6 * 3_600_000,
  maxAttempts: 12,
  jitter: 0.2,
  tierBoundsMs: Object.freeze([60_000, 3_600_000]),
});

/** What to do after a failed attempt. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly delayMs: number; readonly notBefore: number; readonly tier: number }
  | { readonly action: 'dead-letter'; readonly reason: 'attempts-exhausted' | 'not-retriable' };

export class RetryPolicy {
  readonly options: RetryPolicyOptions;

  constructor(
    options: Partial<RetryPolicyOptions> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = Object.freeze({ ...DEFAULT_RETRY_POLICY, ...options });
    const o = this.options;
    if (!(o.initialDelayMs > 0) || !(o.factor >= 1) || !(o.maxDelayMs >= o.initialDelayMs)) {
      throw new RangeError(`retry delays must grow from a positive initial delay up to the maximum (initial ${o.initialDelayMs} ms, factor ${o.factor}, max ${o.maxDelayMs} ms)`);
    }
    if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number from 1, got ${o.maxAttempts}`);
    if (!(o.jitter >= 0 && o.jitter < 1)) throw new RangeError(`jitter must be in [0, 1), got ${o.jitter}`);
  }

  /** How many retry tiers the policy uses (one more than its bounds). */
  get tiers(): number {
    return this.options.tierBoundsMs.length + 1;
  }

  /** The delay after failed attempt `attempt` (from 1), before jitter. */
  baseDelayMs(attempt: number): number {
    return Math.min(this.options.maxDelayMs, this.options.initialDelayMs * this.options.factor ** (attempt - 1));
  }

  /**
   * After attempt `attempt` (from 1) failed: retry when, and on which tier, or dead-letter.
   * A target's `Retry-After` is honoured when it asks for longer than the schedule would wait.
   */
  afterFailure(attempt: number, failure: { readonly retriable: boolean; readonly retryAfterMs?: number | undefined }, now: number): RetryDecision {
    if (!failure.retriable) return { action: 'dead-letter', reason: 'not-retriable' };
    if (attempt >= this.options.maxAttempts) return { action: 'dead-letter', reason: 'attempts-exhausted' };
    const base = this.baseDelayMs(attempt);
    const jittered = Math.round(base * (1 + this.options.jitter * (2 * this.random() - 1)));
    const delayMs = Math.max(jittered, failure.retryAfterMs ?? 0);
    return { action: 'retry', delayMs, notBefore: now + delayMs, tier: this.tierOf(delayMs) };
  }

  /** The tier a delay goes to, from 1. */
  tierOf(delayMs: number): number {
    const index = this.options.tierBoundsMs.findIndex((bound) => delayMs <= bound);
    return index === -1 ? this.tiers : index + 1;
  }
}
