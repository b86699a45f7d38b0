import type { ServiceDefinition } from '@grpc/grpc-js';
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadIngestPackageDefinition, loadIngestServiceForMapping } from './ingest-service';
import { PUBLISH_ONEOF_TYPES, eventDataFromProto, eventDataToProto, type PublishOneofField } from './ingest-mapping';
import { sampleEvents } from './testing/sample-events';

describe('ingest API ↔ event data', () => {
  const definition = loadIngestPackageDefinition();
  const service = (loadPackageDefinition(definition) as unknown as { gongkai: { hub: { v1: { IngestService: { service: ServiceDefinition } } } } })
    .gongkai.hub.v1.IngestService.service;
  const publish = service.Publish!;
  void credentials;

  it.each(Object.entries(PUBLISH_ONEOF_TYPES))('%s: data → proto bytes → data is the same event, Chinese text byte for byte', (field, type) => {
    const sample = sampleEvents()[type];
    const request = { eventId: 'evt-1', [field]: eventDataToProto(type, sample) };
    const bytes = publish.requestSerialize(request);
    const decoded = publish.requestDeserialize(bytes) as Record<string, unknown>;
    expect(decoded.event).toBe(field);
    const back = eventDataFromProto(type, decoded[field as PublishOneofField]);
    expect(back).toEqual(sample);
  });

  it('maps unset enums to UNKNOWN and unset messages to null, for validation to name', () => {
    const decoded = publish.requestDeserialize(publish.requestSerialize({ eventId: 'e', document: { title: '标题' } })) as Record<string, unknown>;
    const data = eventDataFromProto('document.published', decoded.document) as unknown as Record<string, unknown>;
    expect(data.title).toBe('标题');
    expect(data.importance).toBe('UNKNOWN');
    expect(data.issuingBody).toBeNull();
  });

  describe('with int64 read as numbers (loadIngestServiceForMapping)', () => {
    const numeric = loadIngestServiceForMapping().Publish!;
    const both = (request: Record<string, unknown>, field: PublishOneofField) => {
      const bytes = publish.requestSerialize(request);
      const viaStrings = publish.requestDeserialize(bytes) as Record<string, unknown>;
      const viaNumbers = numeric.requestDeserialize(bytes) as Record<string, unknown>;
      const type = PUBLISH_ONEOF_TYPES[field];
      return { strings: eventDataFromProto(type, viaStrings[field]), numbers: eventDataFromProto(type, viaNumbers[field]), raw: viaNumbers[field] };
    };

    it.each(Object.entries(PUBLISH_ONEOF_TYPES))('%s: the same event data as through decimal strings', (field, type) => {
      const { strings, numbers } = both({ eventId: 'evt-1', [field]: eventDataToProto(type, sampleEvents()[type]) }, field as PublishOneofField);
      expect(numbers).toEqual(strings);
      expect(numbers).toEqual(sampleEvents()[type]);
    });

    it('gives the same number as the string road for every int64, at and past 2^53 and negative', () => {
      const sample = eventDataToProto('document.published', sampleEvents()['document.published']) as Record<string, unknown> & { attachments: Record<string, unknown>[] };
      const values = ['0', '1', '-1', '4294967296', '9007199254740991', '9007199254740992', '9007199254740993', '9223372036854775807', '-9223372036854775808', '-9007199254740993', '1750987800'];
      for (const size of values) {
        // A Date holds ±8.64e12 s; past that both roads give an invalid Date, which toEqual cannot compare.
        const seconds = Math.abs(Number(size)) < 8e12 ? size : '1750987800';
        const request = { eventId: 'e', document: { ...sample, attachments: [{ ...sample.attachments[0], size }], publishedAt: { seconds, nanos: 5_000_000 } } };
        const { strings, numbers, raw } = both(request, 'document');
        expect({ size, data: numbers }).toEqual({ size, data: strings });
        // Numbers straight from protobuf, not strings turned into numbers by the mapping.
        expect(typeof (raw as { attachments: { size: unknown }[] }).attachments[0]!.size).toBe('number');
      }
    });
  });
});
