import { TargetFailure } from './errors';
import { TargetGuard, type BreakerEvent } from './target-guard';

const unavailable = () => new TargetFailure('503', { code: 'HTTP_503', retriable: true, channel: 'website', target: 'a', status: 503 });
const badRequest = () => new TargetFailure('400', { code: 'HTTP_400', retriable: false, channel: 'website', target: 'a', status: 400 });

async function failureOf(run: Promise<unknown>): Promise<TargetFailure> {
  try {
    await run;
  } catch (err) {
    if (err instanceof TargetFailure) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('TargetGuard', () => {
  let guard: TargetGuard;
  const events: BreakerEvent[] = [];
  beforeEach(() => {
    events.length = 0;
    guard = new TargetGuard('website', { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 150, windowMs: 10_000, ratePerSecond: 1000 });
    guard.on('breaker', (e) => events.push(e));
  });
  afterEach(() => guard.close());

  it('opens after repeated retriable failures, refuses calls without trying, and closes after a probe succeeds', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(unavailable());
    };
    for (let i = 0; i < 3; i++) expect((await failureOf(guard.run('a', failing))).code).toBe('HTTP_503');
    expect(guard.isOpen('a')).toBe(true);
    const refused = await failureOf(guard.run('a', failing));
    expect([refused.code, refused.retriable, refused.retryAfterMs, calls]).toEqual(['CIRCUIT_OPEN', true, 150, 3]);
    // Another target is not affected.
    await expect(guard.run('b', () => Promise.resolve('ok'))).resolves.toBe('ok');

    await new Promise((r) => setTimeout(r, 200));
    await expect(guard.run('a', () => Promise.resolve('probe'))).resolves.toBe('probe');
    expect(guard.isOpen('a')).toBe(false);
    expect(events).toEqual([
      { target: 'a', state: 'open' },
      { target: 'a', state: 'half-open' },
      { target: 'a', state: 'closed' },
    ]);
  });

  it('a failed probe opens the breaker again', async () => {
    for (let i = 0; i < 3; i++) await failureOf(guard.run('a', () => Promise.reject(unavailable())));
    await new Promise((r) => setTimeout(r, 200));
    expect((await failureOf(guard.run('a', () => Promise.reject(unavailable())))).code).toBe('HTTP_503');
    expect(guard.isOpen('a')).toBe(true);
    expect(events.map((e) => e.state)).toEqual(['open', 'half-open', 'open']);
  });

  it('does not count failures that are the request’s fault', async () => {
    for (let i = 0; i < 6; i++) expect((await failureOf(guard.run('a', () => Promise.reject(badRequest())))).code).toBe('HTTP_400');
    expect(guard.isOpen('a')).toBe(false);
  });

  it('gives a target its own rate where one is set', async () => {
    const mixed = new TargetGuard('newmedia', { ratePerSecond: 1000, ratesPerTarget: new Map([['weibo/lcfb', 5]]) });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 50 }, () => mixed.run('wechat/lcfb', () => Promise.resolve())));
      const fast = Date.now() - started;
      await Promise.all(Array.from({ length: 7 }, () => mixed.run('weibo/lcfb', () => Promise.resolve())));
      // A burst of 5 passes at once; the other 2 wait for tokens at 5 per second (≥ 400 ms in all).
      expect(Date.now() - started - fast).toBeGreaterThanOrEqual(350);
    } finally {
      mixed.close();
    }
  });

  it('spaces calls to one target at its rate', async () => {
    const slow = new TargetGuard('website', { ratePerSecond: 20 });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 25 }, () => slow.run('a', () => Promise.resolve())));
      // A burst of 20 passes at once; the next 5 wait for tokens at 20 per second (≥ 250 ms in all).
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      slow.close();
    }
  });
});
