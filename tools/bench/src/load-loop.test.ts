import { alternating, merged, type Measured } from './load-loop';

function round(callsPerSecond: number, latencies: number[], cpu: Record<string, number>, errors = 0, errorKinds: Record<string, number> = {}, nextSeq = 0): Measured {
  return { calls: latencies.length, errors, callsPerSecond, p50Ms: 0, p99Ms: 0, maxMs: 0, errorKinds, nextSeq, cpu };
}

describe('merged', () => {
  it('averages calls per second and CPU over the rounds, pools latencies and adds up errors', () => {
    const slow = Array.from({ length: 100 }, (_, i) => 10 + i); // 10..109 ms
    const fast = Array.from({ length: 100 }, () => 1);
    const m = merged(
      [round(1000, slow, { server: 80, kafka: 20 }, 1, { 'grpc 14: down': 1 }, 50), round(3000, fast, { server: 40, kafka: 10 }, 2, { 'grpc 14: down': 1, timeout: 1 }, 90)],
      [...slow, ...fast],
    );
    expect(m.callsPerSecond).toBe(2000);
    expect(m.cpu).toEqual({ server: 60, kafka: 15 });
    expect(m.errors).toBe(3);
    expect(m.errorKinds).toEqual({ 'grpc 14: down': 2, timeout: 1 });
    expect(m.calls).toBe(200);
    // Nearest rank over the pooled 200: the median is a fast call, the 99th percentile a slow one.
    expect(m.p50Ms).toBe(1);
    expect(m.p99Ms).toBe(107);
    expect(m.maxMs).toBe(109);
    expect(m.nextSeq).toBe(90);
  });
});

describe('alternating', () => {
  it('runs the two sides in turn, round by round, the order turned in every other round, each with its own pool of latencies', async () => {
    const order: string[] = [];
    const side = (name: string, latency: number) => (latencies: number[], r: number) => {
      order.push(`${name}${r}`);
      latencies.push(latency + r);
      return Promise.resolve(round(100 * (r + 1), [latency + r], { server: 10 * (r + 1) }));
    };
    const [a, b] = await alternating(3, side('a', 5), side('b', 50));
    expect(order).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    expect(a.callsPerSecond).toBe(200);
    expect(b.cpu).toEqual({ server: 20 });
    expect(a.maxMs).toBe(7);
    expect(b.p50Ms).toBe(51);
  });

  it('gives neither side an edge over an even number of rounds on a machine whose speed drifts steadily', async () => {
    let slot = 0;
    // Each round measures 1,000 calls/s more than the one before it, whichever side runs it.
    const side = () => () => Promise.resolve(round(1000 * ++slot, [1], {}));
    const [a, b] = await alternating(4, side(), side());
    expect(a.callsPerSecond).toBe(b.callsPerSecond);
  });
});
