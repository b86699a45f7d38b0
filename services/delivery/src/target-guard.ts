import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { TargetFailure } from './errors';

export interface TargetGuardOptions {
  /** Calls per second each target takes at most (a token bucket with a burst of one second's worth). */
  readonly ratePerSecond: number;
  /** Targets with a rate of their own (a new-media account's platform limit, a slow CMS). */
  readonly ratesPerTarget: ReadonlyMap<string, number>;
  /** The breaker opens when at least this share of calls in the window failed retriably … */
  readonly errorThresholdPercentage: number;
  /** … and the window held at least this many calls. */
  readonly volumeThreshold: number;
  /** Length of the window. */
  readonly windowMs: number;
  /** How long an open breaker refuses calls before it lets a probe through. */
  readonly resetTimeoutMs: number;
}

export const DEFAULT_TARGET_GUARD: TargetGuardOptions = Object.freeze({
  ratePerSecond: 200,
  ratesPerTarget: new Map<string, number>(),
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  windowMs: 30_000,
  resetTimeoutMs: 30_000,
});

/** What the breakers of a channel's targets say, for logs and operators. */
export type BreakerEvent = { readonly target: string; readonly state: 'open' | 'half-open' | 'closed' };

/**
 * Guards each target of a channel: a token-bucket rate limit, and a circuit breaker
 * (`opossum`) that stops calling a target that keeps failing and lets a probe through after
 * `resetTimeoutMs`; a probe that succeeds closes it again. Only retriable failures (5xx, 429,
 * timeouts, refused connections) count: a 4xx says the request was wrong, not the target.
 */
export class TargetGuard extends EventEmitter<{ breaker: [BreakerEvent] }> {
  readonly options: TargetGuardOptions;
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rotate = new EventEmitter();
  private readonly rotateTimer: NodeJS.Timeout;

  constructor(
    readonly channel: string,
    options: Partial<TargetGuardOptions> = {},
  ) {
    super();
    this.options = Object.freeze({ ...DEFAULT_TARGET_GUARD, ...options });
    // One timer rotates the statistics of every breaker instead of one timer per target.
    const buckets = 10;
    this.rotateTimer = setInterval(() => this.rotate.emit('rotate'), this.options.windowMs / buckets);
    this.rotateTimer.unref();
  }

  /** Whether the target's breaker is open (calls are refused without trying). */
  isOpen(target: string): boolean {
    return this.breakers.get(target)?.opened ?? false;
  }

  /**
   * Runs `call` for `target` once the rate limit allows and the breaker is not open.
   * @throws TargetFailure `CIRCUIT_OPEN` (retriable) when the breaker refuses the call, with the time left before a probe.
   */
  async run<T>(target: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const breaker = this.breakerOf(target);
    if (breaker.opened) throw this.openFailure(target);
    await this.bucketOf(target).take(signal);
    try {
      return (await breaker.fire(call)) as T;
    } catch (err) {
      if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') throw this.openFailure(target);
      throw err;
    }
  }

  /** Stops every timer. */
  close(): void {
    clearInterval(this.rotateTimer);
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private openFailure(target: string): TargetFailure {
    return new TargetFailure(`${this.channel} target ${target} failed repeatedly; its circuit breaker is open and lets a probe through after ${this.options.resetTimeoutMs} ms`, {
      code: 'CIRCUIT_OPEN',
      retriable: true,
      retryAfterMs: this.options.resetTimeoutMs,
      channel: this.channel,
      target,
    });
  }

  private breakerOf(target: string): CircuitBreaker<[() => Promise<unknown>], unknown> {
    let breaker = this.breakers.get(target);
    if (!breaker) {
      breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
        name: `${this.channel}:${target}`,
        timeout: false,
        errorThresholdPercentage: this.options.errorThresholdPercentage,
        volumeThreshold: this.options.volumeThreshold,
        rollingCountTimeout: this.options.windowMs,
        rollingCountBuckets: 10,
        resetTimeout: this.options.resetTimeoutMs,
        enableSnapshots: false,
        rotateBucketController: this.rotate,
        // Only what says the target is unwell counts.
        errorFilter: (err: unknown) => !(err instanceof TargetFailure && err.retriable),
      });
      breaker.on('open', () => this.emit('breaker', { target, state: 'open' }));
      breaker.on('halfOpen', () => this.emit('breaker', { target, state: 'half-open' }));
      breaker.on('close', () => this.emit('breaker', { target, state: 'closed' }));
      this.breakers.set(target, breaker);
    }
    return breaker;
  }

  private bucketOf(target: string): TokenBucket {
    let bucket = this.buckets.get(target);
    if (!bucket) {
      bucket = new TokenBucket(this.options.ratesPerTarget.get(target) ?? this.options.ratePerSecond);
      this.buckets.set(target, bucket);
    }
    return bucket;
  }
}

/**
 * A token bucket holding up to one second's worth of calls, refilled continuously; callers
 * wait their turn in order. (A dozen lines; the rate-limit libraries on npm are either
 * unmaintained or built for distributed limits this does not need.)
 */
class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly ratePerSecond: number) {
    this.tokens = ratePerSecond;
  }

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, waitMs);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          }, { once: true });
        });
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
