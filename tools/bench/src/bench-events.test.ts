import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { BatchRequestBytes, publishRequest, sizedDocument } from './bench-events';

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

  it('refuses a sequence number too long for the ids', () => {
    expect(() => new BatchRequestBytes(doc, 'tb', 10).bytes(100_000_000)).toThrow(/more than 9 digits/);
  });
});
