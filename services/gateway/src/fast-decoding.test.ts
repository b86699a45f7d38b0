import { avroBytes, eventDataFromProto, eventDataToProto, getDefaultRegistry, loadIngestServiceForMapping } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { ingestServiceForGateway } from './grpc-server';

const usual = loadIngestServiceForMapping();
const gateway = ingestServiceForGateway();
const samples = sampleEvents();
const documentProto = eventDataToProto('document.published', samples['document.published']);
const documentAvro = avroBytes(getDefaultRegistry().latest('document.published').type, samples['document.published']);

type Item = { eventId?: string; event?: string; transcoded?: { value: Buffer; publicationId: string }; [field: string]: unknown };

describe("the gateway's request decoding (documents through the transcoder)", () => {
  it('PublishBatch: valid documents arrive transcoded, every other item as proto-loader decodes it', () => {
    const items = [
      { eventId: 'evt-1', document: documentProto },
      { eventId: 'evt-2', interpretation: eventDataToProto('interpretation.published', samples['interpretation.published']) },
      { eventId: 'evt-3', document: { ...documentProto, title: '' } },
      { eventId: 'evt-4', source: '/liaocheng/oa', document: documentProto },
      {},
    ];
    const bytes = usual.PublishBatch!.requestSerialize({ items });
    const ours = (gateway.PublishBatch!.requestDeserialize(bytes) as { items: Item[] }).items;
    const theirs = (usual.PublishBatch!.requestDeserialize(bytes) as { items: Item[] }).items;
    expect(ours).toHaveLength(5);

    for (const index of [0, 3]) {
      expect(ours[index]).toMatchObject({ eventId: theirs[index]!.eventId, event: 'document' });
      expect(ours[index]!.transcoded!.value.equals(documentAvro)).toBe(true);
    }
    // What the transcoder leaves alone is exactly what the usual decoder gives.
    for (const index of [1, 2, 4]) {
      expect(ours[index]!.transcoded).toBeUndefined();
      expect(ours[index]).toEqual(theirs[index]);
    }
    expect(eventDataFromProto('document.published', ours[2]!.document).title).toBe('');
  });

  it('Publish: the same for a single request; a request the scan cannot follow is decoded the usual way', () => {
    const bytes = usual.Publish!.requestSerialize({ eventId: 'evt-1', document: documentProto });
    const ours = gateway.Publish!.requestDeserialize(bytes) as Item;
    expect(ours.eventId).toBe('evt-1');
    expect(ours.transcoded!.value.equals(documentAvro)).toBe(true);

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
