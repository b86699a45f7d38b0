import { RequestLog, type RequestLogEntry } from './request-log';

const entry = (seq: number): RequestLogEntry => ({
  seq, at: '2025-03-12T08:00:00.000Z', method: 'PUT', path: `/api/v1/articles/${seq}`, idempotencyKey: null, status: 201, signature: null, replayed: false, fault: null,
});

describe('RequestLog', () => {
  it('keeps entries oldest first', () => {
    const log = new RequestLog(5);
    [1, 2, 3].forEach((i) => log.record(entry(i)));
    expect(log.entries().map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('keeps only the last `limit` entries', () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 8; i++) log.record(entry(i));
    expect(log.entries().map((e) => e.seq)).toEqual([6, 7, 8]);
    expect(log.size).toBe(3);
  });

  it('keeps 10,000 by default', () => {
    const log = new RequestLog();
    for (let i = 1; i <= 10_005; i++) log.record(entry(i));
    const kept = log.entries();
    expect(kept).toHaveLength(10_000);
    expect(kept[0]?.seq).toBe(6);
  });

  it('clears, saying how many it forgot, and records again afterwards', () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 4; i++) log.record(entry(i));
    expect(log.clear()).toBe(3);
    expect(log.entries()).toEqual([]);
    log.record(entry(9));
    expect(log.entries().map((e) => e.seq)).toEqual([9]);
  });
});
