import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

describe('RetryPolicy', () => {
  const noJitter = new RetryPolicy({ jitter: 0 });

  it('backs off exponentially from 30 s to hours, and dead-letters after the last attempt', () => {
    const delays: number[] = [];
    for (let attempt = 1; attempt < DEFAULT_RETRY_POLICY.maxAttempts; attempt++) {
      const decision = noJitter.afterFailure(attempt, { retriable: true }, 0);
      if (decision.action !== 'retry') throw new Error(`attempt ${attempt} was not retried`);
      delays.push(decision.delayMs);
    }
    expect(delays.slice(0, 6)).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000, 21_600_000]);
    expect(Math.max(...delays)).toBe(6 * 3_600_000);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3_600_000);
    expect(noJitter.afterFailure(DEFAULT_RETRY_POLICY.maxAttempts, { retriable: true }, 0)).toEqual({ action: 'dead-letter', reason: 'attempts-exhausted' });
  });

  it('dead-letters what cannot get better at once', () => {
    expect(noJitter.afterFailure(1, { retriable: false }, 0)).toEqual({ action: 'dead-letter', reason: 'not-retriable' });
  });

  it('spreads delays within the jitter and never below Retry-After', () => {
    const low = new RetryPolicy({ jitter: 0.2 }, () => 0);
    const high = new RetryPolicy({ jitter: 0.2 }, () => 0.999999);
    expect(low.afterFailure(1, { retriable: true }, 1000)).toMatchObject({ delayMs: 24_000, notBefore: 25_000 });
    expect(high.afterFailure(1, { retriable: true }, 0)).toMatchObject({ delayMs: 36_000 });
    expect(low.afterFailure(1, { retriable: true, retryAfterMs: 90_000 }, 0)).toMatchObject({ delayMs: 90_000, tier: 2 });
  });

  it('puts each delay on the tier of its length', () => {
    expect([1_000, 60_000, 60_001, 3_600_000, 3_600_001].map((d) => noJitter.tierOf(d))).toEqual([1, 1, 2, 2, 3]);
    expect(noJitter.tiers).toBe(3);
  });

  it('refuses a schedule that makes no sense', () => {
    expect(() => new RetryPolicy({ initialDelayMs: 0 })).toThrow(/positive initial delay/);
    expect(() => new RetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new RetryPolicy({ jitter: 1 })).toThrow(/jitter/);
  });
});
