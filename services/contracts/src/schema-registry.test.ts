import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchemaRegistryError, UnknownEventTypeError } from './errors';
import { EVENT_TYPES } from './events/event-types';
import { canonicalFormOf, getDefaultRegistry, parseSchema, SCHEMAS_DIR, SchemaRegistry } from './schema-registry';

function readSchema(file: string): unknown {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8'));
}

describe('schema registry', () => {
  const registry = getDefaultRegistry();

  it('holds every event type of the hub, document.published in two versions', () => {
    expect([...registry.eventTypes].sort()).toEqual([...EVENT_TYPES].sort());
    expect(registry.versions('document.published').map((v) => v.version)).toEqual([1, 2]);
    expect(registry.latest('document.published').file).toBe('document.published/v2.avsc');
    expect(registry.version('document.published', 3)).toBeUndefined();
  });

  it('fingerprints each version with SHA-256 over its Parsing Canonical Form', () => {
    for (const eventType of registry.eventTypes) {
      for (const version of registry.versions(eventType)) {
        expect(version.fingerprint).toBe(createHash('sha256').update(version.canonicalForm).digest('hex'));
        expect(registry.byFingerprint(version.fingerprint)).toBe(version);
        expect(registry.byFingerprint(version.fingerprint.toUpperCase())).toBe(version);
      }
    }
  });

  it('computes the canonical form as the Avro specification defines it', () => {
    // Full names, attributes in the order name, type, fields, symbols, items; no doc, default,
    // namespace or logicalType; no whitespace.
    const type = parseSchema({
      type: 'record',
      name: 'Sample',
      namespace: 'gongkai.test',
      doc: 'dropped',
      fields: [
        { name: 'at', doc: 'dropped', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['UNKNOWN', 'A'], default: 'UNKNOWN' } },
        { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    });
    expect(canonicalFormOf(type)).toBe(
      '{"name":"gongkai.test.Sample","type":"record","fields":[' +
        '{"name":"at","type":"long"},' +
        '{"name":"kind","type":{"name":"gongkai.test.Kind","type":"enum","symbols":["UNKNOWN","A"]}},' +
        '{"name":"tags","type":{"type":"array","items":"string"}},' +
        '{"name":"note","type":["null","string"]}]}',
    );
  });

  it('gives different versions different fingerprints but ignores doc changes', () => {
    const v1 = readSchema('document.published/v1.avsc') as { doc: string };
    const [a, b] = registry.versions('document.published');
    expect(a!.fingerprint).not.toBe(b!.fingerprint);
    expect(() =>
      SchemaRegistry.fromSources([
        { eventType: 'document.published', version: 1, schema: v1 },
        { eventType: 'document.published', version: 2, schema: { ...v1, doc: 'reworded' } },
      ]),
    ).toThrow(/same canonical form/);
  });

  it('refuses gaps in versions, unknown event types and schemas that are not Avro', () => {
    const v1 = readSchema('publication.retracted/v1.avsc');
    expect(() => SchemaRegistry.fromSources([{ eventType: 'publication.retracted', version: 2, schema: v1 }])).toThrow(
      SchemaRegistryError,
    );
    expect(() => SchemaRegistry.fromSources([{ eventType: 'publication.deleted', version: 1, schema: v1 }])).toThrow(
      /not an event type/,
    );
    expect(() =>
      SchemaRegistry.fromSources([{ eventType: 'publication.retracted', version: 1, schema: { type: 'record', fields: 3 } }]),
    ).toThrow(/not a valid Avro schema/);
  });

  it('fails to load a schemas folder that lacks an event type', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gongkai-schemas-'));
    mkdirSync(path.join(dir, 'publication.retracted'));
    writeFileSync(path.join(dir, 'publication.retracted', 'v1.avsc'), JSON.stringify(readSchema('publication.retracted/v1.avsc')));
    expect(() => SchemaRegistry.fromDirectory(dir)).toThrow(/no schema version for this event type/);
  });

  it('throws a typed error for an unknown event type', () => {
    expect(() => registry.latest('document.deleted')).toThrow(UnknownEventTypeError);
  });
});
