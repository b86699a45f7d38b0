import type { ServiceDefinition } from '@grpc/grpc-js';
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadIngestPackageDefinition } from './ingest-service';
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
});
