import { EVENT_HEADERS, HUB_HEADERS, decodeEvent } from '@gongkai/contracts';
import { DELIVERY_HEADERS, journeyOf } from '@gongkai/delivery';
import { byPosition, byTime, hasFilter, matchesFilter, readDeadLetter, replayRecordOf, type DeadLetter } from './dead-letters';
import { asRead, sampleDeadLetter } from './testing/dead-letter-records';

const AT = new Date('2025-06-27T01:30:00.000Z');

function letter(publicationId: string, options: { target?: string; at?: Date; partition?: number; offset?: string; eventId?: string } = {}): DeadLetter {
  const record = sampleDeadLetter({ publicationId, ...(options.target ? { target: options.target } : {}), ...(options.eventId ? { eventId: options.eventId } : {}) });
  return readDeadLetter(asRead(record, { partition: options.partition ?? 0, offset: options.offset ?? '7', timestamp: options.at ?? AT }));
}

describe('reading a dead letter', () => {
  it('takes what an operator needs from the record the delivery engine wrote', () => {
    const record = sampleDeadLetter({
      publicationId: 'lc-1',
      eventId: 'evt-1',
      target: 'zwgk-main',
      attempt: 5,
      failure: { code: 'TARGET_REJECTED', message: 'the CMS answered 422: column closed' },
      released: { partition: 4, offset: '1234' },
    });
    const read = readDeadLetter(asRead(record, { partition: 1, offset: '17', timestamp: AT }));
    expect(read).toMatchObject({
      at: AT,
      partition: 1,
      offset: '17',
      publicationId: 'lc-1',
      eventId: 'evt-1',
      eventType: 'document.published',
      target: 'zwgk-main',
      action: 'publish',
      attempts: 5,
      errorCode: 'TARGET_REJECTED',
      errorMessage: 'the CMS answered 422: column closed',
      origin: { topic: 'released', partition: 4, offset: '1234' },
      unreplayable: null,
    });
    expect(read.history.map((h) => h.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(read.history[4]).toEqual({ attempt: 5, at: AT.toISOString(), code: 'TARGET_REJECTED' });
  });

  it('keeps what it can of a record the engine could not read, and says it cannot be replayed', () => {
    const read = readDeadLetter({
      partition: 0,
      offset: '3',
      timestamp: AT.getTime(),
      key: 'lc-9',
      value: Buffer.from('not avro'),
      headers: { [EVENT_HEADERS.id]: 'evt-9', [EVENT_HEADERS.type]: 'document.published', [HUB_HEADERS.errorCode]: 'EVENT_MALFORMED_PAYLOAD', [HUB_HEADERS.originTopic]: 'released', [HUB_HEADERS.originPartition]: '0', [HUB_HEADERS.originOffset]: '8' },
    });
    expect(read).toMatchObject({ publicationId: 'lc-9', eventId: 'evt-9', eventType: 'document.published', target: null, action: null, attempts: null, errorCode: 'EVENT_MALFORMED_PAYLOAD', origin: { topic: 'released', partition: 0, offset: '8' } });
    expect(read.unreplayable).toMatch(/lacks the delivery journey/);
  });

  it('says a record with the journey but a value that is no event cannot be replayed', () => {
    const record = sampleDeadLetter({ publicationId: 'lc-1' });
    const read = readDeadLetter(asRead({ ...record, value: Buffer.from([0xff, 0x00]) }, { partition: 0, offset: '1', timestamp: AT }));
    expect(read.target).toBe('zwgk-main');
    expect(read.eventId).toBe(record.headers[EVENT_HEADERS.id]);
    expect(read.unreplayable).toMatch(/^its value is not a readable event \(EVENT_/);
  });

  it('falls back to the event subject when the record has no key', () => {
    const record = sampleDeadLetter({ publicationId: 'lc-1' });
    expect(readDeadLetter({ ...asRead(record, { partition: 0, offset: '1', timestamp: AT }), key: null }).publicationId).toBe('lc-1');
  });
});

describe('picking dead letters', () => {
  const a = letter('lc-1', { target: 'zwgk-main', at: new Date('2025-06-27T01:00:00Z') });

  it('picks every one without a bound', () => {
    expect(hasFilter({})).toBe(false);
    expect(matchesFilter(a, {})).toBe(true);
  });

  it('holds each bound: target, publication, since (inclusive) and until (exclusive)', () => {
    expect(hasFilter({ target: 'x' })).toBe(true);
    expect(matchesFilter(a, { target: 'zwgk-main' })).toBe(true);
    expect(matchesFilter(a, { target: 'zwgk-news' })).toBe(false);
    expect(matchesFilter(a, { publicationId: 'lc-1' })).toBe(true);
    expect(matchesFilter(a, { publicationId: 'lc-10' })).toBe(false);
    expect(matchesFilter(a, { since: new Date('2025-06-27T01:00:00Z') })).toBe(true);
    expect(matchesFilter(a, { since: new Date('2025-06-27T01:00:00.001Z') })).toBe(false);
    expect(matchesFilter(a, { until: new Date('2025-06-27T01:00:00.001Z') })).toBe(true);
    expect(matchesFilter(a, { until: new Date('2025-06-27T01:00:00Z') })).toBe(false);
    expect(matchesFilter(a, { target: 'zwgk-main', publicationId: 'lc-1', since: new Date('2025-06-27T00:00:00Z'), until: new Date('2025-06-27T02:00:00Z') })).toBe(true);
    expect(matchesFilter(a, { target: 'zwgk-main', publicationId: 'lc-2' })).toBe(false);
  });

  it('orders by time for a listing and by position for a replay', () => {
    const early = letter('lc-1', { partition: 2, offset: '10', at: new Date('2025-06-27T01:00:00Z') });
    const late = letter('lc-2', { partition: 0, offset: '9', at: new Date('2025-06-27T02:00:00Z') });
    const after = letter('lc-1', { partition: 2, offset: '100', at: new Date('2025-06-27T01:00:00Z') });
    expect([late, after, early].sort(byTime)).toEqual([early, after, late]);
    expect([after, early, late].sort(byPosition)).toEqual([late, early, after]);
  });
});

describe('the replay record', () => {
  it('carries the same key, value and headers to <channel>.retry.1 as never attempted, saying who replayed it and when', () => {
    const original = sampleDeadLetter({ publicationId: 'lc-1', eventId: 'evt-1', attempt: 5 });
    const read = readDeadLetter(asRead({ ...original, headers: { ...original.headers, [HUB_HEADERS.notBefore]: '2025-06-27T02:00:00Z' } }, { partition: 0, offset: '1', timestamp: AT }));
    const replayed = replayRecordOf(read, 'website', { by: 'wang.li', at: new Date('2025-06-28T08:00:00Z') });
    expect(replayed.topic).toBe('website.retry.1');
    expect(replayed.key).toBe('lc-1');
    expect(replayed.value.equals(original.value)).toBe(true);
    const expected: Record<string, string> = { ...original.headers, [HUB_HEADERS.attempt]: '0', [DELIVERY_HEADERS.replayedBy]: 'wang.li', [DELIVERY_HEADERS.replayedAt]: '2025-06-28T08:00:00.000Z' };
    expect(replayed.headers).toEqual(expected);
    expect(replayed.headers[HUB_HEADERS.notBefore]).toBeUndefined();

    // What the engine's retry consumer makes of it: attempt 1 next, due now, to the same target, the event intact.
    expect(journeyOf(replayed.headers)).toMatchObject({ target: 'zwgk-main', action: 'publish', attemptsMade: 0, notBefore: null, released: { partition: 2, offset: '41' } });
    expect(decodeEvent(replayed).id).toBe('evt-1');
  });
});
