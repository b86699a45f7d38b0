import { parseGcLine, summarizeGc } from './gc-trace';

// Lines as Node 20 prints them under --trace-gc-nvp (fields cut down to those read and a few others).
const MAIN_SCAVENGE =
  '[8770:0x26039bc0]    49256 ms: pause=8.4 mutator=103.9 gc=s reduce_memory=0 scavenge=8.20 scavenge.parallel=7.63 background.scavenge.parallel=4.74 background.unmapper=0.50 total_size_before=33770016 allocated=11275016 promoted=2633152 new_space_survived=2060656';
const MAIN_MARK_COMPACT =
  '[8770:0x26039bc0]    49400 ms: pause=15.39 mutator=140.0 gc=mc reduce_memory=0 background.mark=40.25 background.sweep=6.00 background.evacuate.copy=2.5 allocated=10000000 promoted=500000';
const WORKER_SCAVENGE = '[8770:0x7f88b4000f00]    49300 ms: pause=1.1 mutator=80.0 gc=s background.scavenge.parallel=0.36 allocated=12500000 promoted=5664';

describe('V8 --trace-gc-nvp lines', () => {
  it('reads the pause, the helper threads time, and what was allocated and promoted', () => {
    expect(parseGcLine(MAIN_SCAVENGE)).toEqual({
      isolate: '0x26039bc0',
      atMs: 49256,
      kind: 's',
      pauseMs: 8.4,
      backgroundMs: 4.74 + 0.5,
      promotedBytes: 2633152,
      allocatedBytes: 11275016,
    });
    expect(parseGcLine(MAIN_MARK_COMPACT)?.backgroundMs).toBeCloseTo(48.75, 6);
  });

  it('ignores every other line: logs, --trace-gc lines, blank lines', () => {
    expect(parseGcLine('{"level":40,"msg":"Response Metadata(key: 3, version: 6)"}')).toBeUndefined();
    expect(parseGcLine('[6819:0x26800bc0]    60397 ms: Scavenge 37.4 (62.9) -> 28.1 (62.9) MB, 9.13 / 0.03 ms  (average mu = 0.982) task;')).toBeUndefined();
    expect(parseGcLine('')).toBeUndefined();
    expect(parseGcLine('[1:0x1]  5 ms: pause=1.0 mutator=2.0')).toBeUndefined(); // no gc= field
  });

  it('sums per thread (in the order threads first appear) and kind, inside a window', () => {
    const events = [MAIN_SCAVENGE, WORKER_SCAVENGE, MAIN_MARK_COMPACT, MAIN_SCAVENGE.replace('49256 ms', '49356 ms'), MAIN_SCAVENGE.replace('49256 ms', '70000 ms')].map((l) => parseGcLine(l)!);
    const rows = summarizeGc(events, { fromMs: 49000, toMs: 60000 });
    expect(rows.map((r) => [r.thread, r.kind, r.count])).toEqual([
      [1, 'mc', 1],
      [1, 's', 2],
      [2, 's', 1],
    ]);
    const mainScavenges = rows[1]!;
    expect(mainScavenges.pauseMs).toBeCloseTo(16.8, 6);
    expect(mainScavenges.promotedBytes).toBe(2 * 2633152);
    expect(mainScavenges.allocatedBytes).toBe(2 * 11275016);
    // Without a window the late scavenge counts too.
    expect(summarizeGc(events).find((r) => r.thread === 1 && r.kind === 's')?.count).toBe(3);
  });

  it('numbers a thread by its first line even when that line is outside the window', () => {
    const rows = summarizeGc([WORKER_SCAVENGE.replace('49300 ms', '10 ms'), MAIN_SCAVENGE].map((l) => parseGcLine(l)!), { fromMs: 49000 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ thread: 2, isolate: '0x26039bc0' });
  });
});
