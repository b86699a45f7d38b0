import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { readBatchAnswer } from './batch-answer';

describe('readBatchAnswer', () => {
  const serialize = loadIngestService().gongkai.hub.v1.IngestService.service.PublishBatch.responseSerialize as (r: ingestApi.PublishBatchResponse) => Buffer;
  const published = (index: number): ingestApi.PublishBatchResult => ({ index, published: { eventId: `e-${index}`, topic: 'disclosure', partition: index % 6, offset: String(1_000_000_000_000 + index), duplicate: index % 2 === 0 } });
  const refused = (index: number): ingestApi.PublishBatchResult => ({
    index,
    error: { code: 3, message: 'the document breaks 1 rule', fieldViolations: [{ field: 'document.title', description: 'required' }] },
  });

  it('counts every result and every published one, as protobuf encodes them', () => {
    expect(readBatchAnswer(serialize({ results: Array.from({ length: 100 }, (_, i) => published(i)) }))).toEqual({ results: 100, published: 100 });
    expect(readBatchAnswer(serialize({ results: [published(0), refused(1), published(2), refused(3)] }))).toEqual({ results: 4, published: 2 });
    // Index 0 is not written at all (proto3's default), nor an empty answer's results.
    expect(readBatchAnswer(serialize({ results: [{ index: 0, published: { eventId: '', topic: '', partition: 0, offset: '0', duplicate: false } }] }))).toEqual({ results: 1, published: 1 });
    expect(readBatchAnswer(serialize({ results: [] }))).toEqual({ results: 0, published: 0 });
  });

  it('does not count a result without an outcome as published', () => {
    expect(readBatchAnswer(serialize({ results: [{ index: 7 }] }))).toEqual({ results: 1, published: 0 });
  });

  it('skips fields it does not know, as a decoder does', () => {
    const unknown = Buffer.from([0x10, 0x2a, 0x1a, 0x02, 0x68, 0x69]); // field 2 varint 42, field 3 "hi"
    const bytes = Buffer.concat([unknown, serialize({ results: [published(1)] }), unknown]);
    expect(readBatchAnswer(bytes)).toEqual({ results: 1, published: 1 });
  });

  it('refuses bytes that end inside a result', () => {
    const bytes = serialize({ results: [published(1), published(2)] });
    expect(() => readBatchAnswer(bytes.subarray(0, bytes.length - 3))).toThrow(RangeError);
  });
});
