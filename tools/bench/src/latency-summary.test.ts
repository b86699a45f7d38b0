import { atLeast, atMost, formatTable, percentile, summarize } from './latency-summary';

describe('latency summary', () => {
  it('takes percentiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('summarises unsorted latencies over a window', () => {
    const latencies = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
    const s = summarize(latencies, 2000, 3);
    expect(s).toEqual({ calls: 10, errors: 3, callsPerSecond: 5, p50Ms: 5, p99Ms: 100, maxMs: 100 });
    // The input is left as it was.
    expect(latencies[0]).toBe(5);
  });

  it('summarises an empty cell without throwing', () => {
    const s = summarize([], 1000, 4);
    expect(s.calls).toBe(0);
    expect(s.callsPerSecond).toBe(0);
    expect(s.p99Ms).toBeNaN();
  });

  it('judges goals, failing what could not be measured', () => {
    expect(atLeast('throughput ≥ 0.6× echo', 0.61, 0.6).pass).toBe(true);
    expect(atLeast('throughput ≥ 0.6× echo', 0.59, 0.6).pass).toBe(false);
    expect(atMost('p99 ≤ 2× echo', 2, 2).pass).toBe(true);
    expect(atMost('p99 ≤ 2× echo', Number.NaN, 2).pass).toBe(false);
  });

  it('lines up a table', () => {
    expect(formatTable(['server', 'calls/s'], [['echo', '4,512'], ['gateway', '812']])).toBe(
      ['server   calls/s', '-------  -------', 'echo       4,512', 'gateway      812'].join('\n'),
    );
  });
});
