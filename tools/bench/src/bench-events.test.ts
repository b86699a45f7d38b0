import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { BatchRequestBytes, eventId, idDigits, publishRequest, seqOfIdDigits, sizedDocument, writeIdDigits } from './bench-events';

describe('BatchRequestBytes', () => {
  const serialize = loadIngestService().gongkai.hub.v1.IngestService.service.PublishBatch.requestSerialize as (r: ingestApi.PublishBatchRequest) => Buffer;
  const doc = sizedDocument(2048);

  it.each([0, 1, 7, 123_456])('call %i is byte for byte what protobuf encodes for its items', (n) => {
    const batch = new BatchRequestBytes(doc, 'tb', 5);
    const expected = serialize({ items: Array.from({ length: 5 }, (_, i) => publishRequest(doc, 'tb', n * 5 + i)) });
    expect(batch.bytes(n).equals(expected)).toBe(true);
  });

  it('gives every call its own copy: an earlier request is not changed by a later one', () => {
    const batch = new BatchRequestBytes(doc, 'tb', 3);
    const first = batch.bytes(0);
    const copy = Buffer.from(first);
    batch.bytes(1);
    expect(first.equals(copy)).toBe(true);
  });

  it('a request given back is taken again with the next call\'s ids, byte for byte', () => {
    const batch = new BatchRequestBytes(doc, 'tb', 4);
    const first = batch.bytes(3);
    batch.reuse(first);
    const again = batch.bytes(9);
    expect(again).toBe(first);
    const expected = serialize({ items: Array.from({ length: 4 }, (_, i) => publishRequest(doc, 'tb', 9 * 4 + i)) });
    expect(again.equals(expected)).toBe(true);
    expect(batch.bytes(10)).not.toBe(first);
  });

  it('refuses a sequence number too long for the ids', () => {
    expect(() => new BatchRequestBytes(doc, 'tb', 10).bytes(429_496_730)).toThrow(/not a 32-bit unsigned integer/);
  });
});

describe('eventId', () => {
  it('gives every sequence number its own id of one length, in no order', () => {
    const ids = Array.from({ length: 100_000 }, (_, seq) => eventId('t', seq));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([ids[0]!.length]));
    // Ascending ids would put each new one beside the last in any store keyed by them.
    const ascending = ids.filter((id, i) => i > 0 && id > ids[i - 1]!).length;
    expect(ascending / ids.length).toBeGreaterThan(0.4);
    expect(ascending / ids.length).toBeLessThan(0.6);
  });
});

describe('seqOfIdDigits', () => {
  it('gives back the sequence number of every id, and nothing for what no id ends in', () => {
    const wrong = [];
    for (const seq of [0, 1, 2, 99, 100, 65_535, 65_536, 1_000_000, 123_456_789, 0xffffffff]) if (seqOfIdDigits(idDigits(seq)) !== seq) wrong.push(seq);
    for (let seq = 0; seq < 200_000; seq += 7) if (seqOfIdDigits(idDigits(seq)) !== seq) wrong.push(seq);
    expect(wrong).toEqual([]);
    expect(seqOfIdDigits('3D5F09A2')).toBeUndefined();
    expect(seqOfIdDigits('000000042')).toBeUndefined();
    expect(seqOfIdDigits('')).toBeUndefined();
  });
});

describe('writeIdDigits', () => {
  it('writes the bytes of idDigits, and only those', () => {
    const bytes = Buffer.alloc(12, 0x2e);
    for (const seq of [0, 1, 15, 16, 255, 65_536, 123_456_789, 0xffffffff]) {
      writeIdDigits(bytes, 2, seq);
      expect(bytes.toString('latin1')).toBe(`..${idDigits(seq)}..`);
    }
    expect(() => writeIdDigits(bytes, 2, -1)).toThrow(/not a 32-bit unsigned integer/);
  });
});
