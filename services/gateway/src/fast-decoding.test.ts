import { avroBytes, eventDataToProto, getDefaultRegistry, loadIngestServiceForMapping, transcodeDocument } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { ingestServiceForGateway } from './grpc-server';
import { UndecodedDocumentRequest } from './ingest-handler';

const usual = loadIngestServiceForMapping();
const gateway = ingestServiceForGateway();
const samples = sampleEvents();
const documentProto = eventDataToProto('document.published', samples['document.published']);
const documentAvro = avroBytes(getDefaultRegistry().latest('document.published').type, samples['document.published']);

type Item = { eventId?: string; event?: string; [field: string]: unknown };

/** What the producer thread makes of an undecoded document: its Avro value, or undefined when the transcoder stands aside. */
function transcoded(item: UndecodedDocumentRequest): Buffer | undefined {
  return transcodeDocument(item.bytes, item.documentStart, item.documentEnd)?.value;
}

describe("the gateway's request decoding (documents left for the producer thread)", () => {
  it('PublishBatch: documents arrive undecoded with their event id, every other item as proto-loader decodes it', () => {
    const items = [
      { eventId: 'evt-1', document: documentProto },
      { eventId: 'evt-2', interpretation: eventDataToProto('interpretation.published', samples['interpretation.published']) },
      { eventId: 'evt-3', document: { ...documentProto, title: '' } },
      { eventId: 'evt-4', source: '/liaocheng/oa', document: documentProto },
      {},
    ];
    const bytes = usual.PublishBatch!.requestSerialize({ items });
    const ours = (gateway.PublishBatch!.requestDeserialize(bytes) as { items: (Item | UndecodedDocumentRequest)[] }).items;
    const theirs = (usual.PublishBatch!.requestDeserialize(bytes) as { items: Item[] }).items;
    expect(ours).toHaveLength(5);

    for (const index of [0, 2, 3]) {
      const item = ours[index];
      expect(item).toBeInstanceOf(UndecodedDocumentRequest);
      expect(item).toMatchObject({ eventId: theirs[index]!.eventId, event: 'document' });
    }
    // When this thread must look into one after all (a retry), it goes through the transcoder
    // here; one the transcoder stands aside for reads as the usual decoder reads it.
    for (const index of [0, 3]) {
      const decoded = (ours[index] as UndecodedDocumentRequest).decoded() as { eventId: string; transcoded: { value: Buffer } };
      expect(decoded.eventId).toBe(theirs[index]!.eventId);
      expect(decoded.transcoded.value.equals(documentAvro)).toBe(true);
    }
    expect((ours[2] as UndecodedDocumentRequest).decoded()).toEqual(theirs[2]);
    expect(transcoded(ours[0] as UndecodedDocumentRequest)!.equals(documentAvro)).toBe(true);
    expect(transcoded(ours[3] as UndecodedDocumentRequest)!.equals(documentAvro)).toBe(true);
    // A blank title: the transcoder stands aside, and the general road will name it.
    expect(transcoded(ours[2] as UndecodedDocumentRequest)).toBeUndefined();
    // Any other item is exactly what the usual decoder gives.
    for (const index of [1, 4]) {
      expect(ours[index]).not.toBeInstanceOf(UndecodedDocumentRequest);
      expect(ours[index]).toEqual(theirs[index]);
    }
    // The documents share one copy of the items' bytes, not the buffer gRPC read them into.
    const shared = (ours[0] as UndecodedDocumentRequest).bytes;
    expect((ours[3] as UndecodedDocumentRequest).bytes).toBe(shared);
    expect(shared.buffer.byteLength).toBe(shared.byteLength);
  });

  it('PublishBatch: a request in a buffer of its own is not copied; one inside a larger buffer is, alone', () => {
    const bytes = usual.PublishBatch!.requestSerialize({ items: [{ eventId: 'evt-1', document: documentProto }, { eventId: 'evt-2', document: documentProto }] });
    const alone = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(alone);
    // As gRPC hands over a message that came in pieces: after its 5-byte frame header.
    const framed = Buffer.allocUnsafeSlow(bytes.length + 5).fill(0xff);
    bytes.copy(framed, 5);
    const inLarger = Buffer.allocUnsafeSlow(bytes.length + 100).fill(0xff);
    bytes.copy(inLarger, 40);
    for (const [request, copied] of [
      [alone, false],
      [framed.subarray(5), false],
      [inLarger.subarray(40, 40 + bytes.length), true],
    ] as const) {
      const items = (gateway.PublishBatch!.requestDeserialize(request) as { items: UndecodedDocumentRequest[] }).items;
      expect(items.map((item) => item.eventId)).toEqual(['evt-1', 'evt-2']);
      const shared = items[0]!.bytes;
      expect(items[1]!.bytes).toBe(shared);
      expect(shared.buffer === request.buffer).toBe(!copied);
      // What crosses to the producer thread: the whole ArrayBuffer, at most a few bytes more than the request.
      expect(shared.buffer.byteLength).toBeLessThanOrEqual(bytes.length + 5);
      for (const item of items) expect(transcoded(item)!.equals(documentAvro)).toBe(true);
    }
  });

  it('Publish: the same for a single request; a request the scan cannot follow is decoded the usual way', () => {
    const bytes = usual.Publish!.requestSerialize({ eventId: 'evt-1', document: documentProto });
    const ours = gateway.Publish!.requestDeserialize(bytes) as UndecodedDocumentRequest;
    expect(ours).toBeInstanceOf(UndecodedDocumentRequest);
    expect(ours.eventId).toBe('evt-1');
    expect(transcoded(ours)!.equals(documentAvro)).toBe(true);

    // event_id twice (the last wins in protobuf): not the transcoder's to judge.
    const twice = Buffer.concat([bytes, Buffer.from([0x0a, 0x05, ...Buffer.from('evt-2')])]);
    expect(gateway.Publish!.requestDeserialize(twice)).toEqual(usual.Publish!.requestDeserialize(twice));
    expect((gateway.Publish!.requestDeserialize(twice) as Item).eventId).toBe('evt-2');
  });

  it('refuses bytes that are not protobuf with the usual error', () => {
    const broken = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const errorOf = (decode: (bytes: Buffer) => unknown): string | undefined => {
      try {
        decode(broken);
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    expect(errorOf(usual.PublishBatch!.requestDeserialize)).toBeDefined();
    expect(errorOf(gateway.PublishBatch!.requestDeserialize)).toBe(errorOf(usual.PublishBatch!.requestDeserialize));
  });
});
