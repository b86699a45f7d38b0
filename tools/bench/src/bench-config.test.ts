import { loadBenchConfig } from './bench-config';

describe('BENCH_HEAP_GROWING_PERCENT', () => {
  it('defaults to the gateway’s own 400, and 0 hands the choice back to V8', () => {
    expect(loadBenchConfig({}).BENCH_HEAP_GROWING_PERCENT).toBe(400);
    expect(loadBenchConfig({ BENCH_HEAP_GROWING_PERCENT: '0' }).BENCH_HEAP_GROWING_PERCENT).toBe(0);
  });

  it('refuses a value out of range or not a number, naming the variable', () => {
    expect(() => loadBenchConfig({ BENCH_HEAP_GROWING_PERCENT: '1001' })).toThrow(/BENCH_HEAP_GROWING_PERCENT.*at most 1000/s);
    expect(() => loadBenchConfig({ BENCH_HEAP_GROWING_PERCENT: 'lots' })).toThrow(/BENCH_HEAP_GROWING_PERCENT.*whole number/s);
  });
});
