import { boundedRequests, type OutgoingRecord } from './kafka-requests';

describe('boundedRequests', () => {
  const record = (key: string, bytes: number): OutgoingRecord => ({ topic: 'released', key, value: Buffer.alloc(bytes), headers: { ce_id: key } });

  it('splits records into requests under the byte bound, in order, a larger record alone', () => {
    const requests = boundedRequests([record('a', 400), record('b', 400), record('c', 400), record('big', 5000), record('d', 10)], 1000);
    expect(requests.map((r) => r.map((x) => x.key))).toEqual([['a', 'b'], ['c'], ['big'], ['d']]);
  });

  it('keeps 40 documents of 30 KB each under 1 MiB per request', () => {
    const requests = boundedRequests(Array.from({ length: 40 }, (_, i) => record(`doc-${i}`, 30 * 1024)));
    expect(requests.flat()).toHaveLength(40);
    for (const r of requests) expect(r.reduce((a, x) => a + x.value.length, 0)).toBeLessThan(1024 * 1024);
  });

  it('sends nothing for nothing', () => {
    expect(boundedRequests([])).toEqual([]);
  });
});
