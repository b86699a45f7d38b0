import { loadIngestService } from '@gongkai/contracts';
import { encodePublishBatchResponse, type BatchResultObject } from './batch-response';

const method = loadIngestService().gongkai.hub.v1.IngestService.service.PublishBatch;
const decode = (bytes: Buffer): unknown => method.responseDeserialize(bytes);
const generic = (response: { results: readonly BatchResultObject[] }): Buffer => method.responseSerialize(response as never);

describe('encodePublishBatchResponse', () => {
  it("decodes, with the API's own deserializer, to what proto-loader's serializer gives", () => {
    const results: BatchResultObject[] = [
      { index: 0, published: { eventId: 'doc-2025-0001', topic: 'disclosure', partition: 0, offset: '0', duplicate: false } },
      { index: 1, published: { eventId: 'doc-2025-0002', topic: 'disclosure', partition: 5, offset: '123456789', duplicate: true } },
      // Past 2^53: written from the decimal string, not a rounded number.
      { index: 2, published: { eventId: 'x', topic: 'disclosure', partition: 2, offset: '9223372036854775807', duplicate: false } },
      { index: 3, error: { code: 3, message: 'the event breaks 2 rules', fieldViolations: [
        { field: 'document.title', description: 'title is required', reason: 'REQUIRED' },
        { field: 'document.body', description: '含有控制字符', reason: '' },
      ] } },
      { index: 4, error: { code: 14, message: 'Kafka did not confirm the event within 4950 ms; retry with the same event id', fieldViolations: [] } },
      { index: 5, error: { code: 0, message: '', fieldViolations: [{ field: '', description: '', reason: '' }] } },
      { index: 300, published: { eventId: '公文-1', topic: '', partition: 0, offset: '7', duplicate: false } },
      // Never answered, but protobuf's rules for them hold too: ten-byte two's complements.
      { index: 8, published: { eventId: 'neg', topic: 'disclosure', partition: -1, offset: '-5', duplicate: false } },
      { index: 2 ** 31 - 1, published: { eventId: 'e'.repeat(300), topic: 'disclosure', partition: 2 ** 31 - 1, offset: String(2 ** 53 + 2), duplicate: true } },
    ];
    for (const response of [{ results }, { results: [] }, { results: results.slice(3, 4) }]) {
      expect(decode(encodePublishBatchResponse(response))).toEqual(decode(generic(response)));
    }
    // The same check cannot pass by decoding both to nothing.
    const decoded = decode(encodePublishBatchResponse({ results })) as { results: unknown[] };
    expect(decoded.results).toHaveLength(results.length);
    expect(decoded.results[1]).toEqual({ index: 1, outcome: 'published', published: { eventId: 'doc-2025-0002', topic: 'disclosure', partition: 5, offset: '123456789', duplicate: true } });
    expect(decoded.results[2]).toMatchObject({ published: { offset: '9223372036854775807' } });
    expect(decoded.results[3]).toMatchObject({ index: 3, error: { code: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'document.title', reason: 'REQUIRED' }, { description: '含有控制字符' }] } });
    expect(decoded.results[7]).toMatchObject({ index: 8, published: { partition: -1, offset: '-5' } });
  });

  it('agrees on a hundred random items, as a batch answers them', () => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    const results: BatchResultObject[] = Array.from({ length: 100 }, (_, index) =>
      Math.random() < 0.8
        ? { index, published: { eventId: `ev-${Math.random().toString(36).slice(2)}`, topic: 'disclosure', partition: index % 6, offset: String(Math.floor(Math.random() * 2 ** 40)), duplicate: Math.random() < 0.1 } }
        : { index, error: { code: pick([3, 5, 6, 7, 14]), message: pick(['bad', '不对', '']), fieldViolations: Array.from({ length: index % 3 }, (__, k) => ({ field: `f${k}`, description: `d${k}`, reason: pick(['REQUIRED', '']) })) } },
    );
    expect(decode(encodePublishBatchResponse({ results }))).toEqual(decode(generic({ results })));
  });
});
