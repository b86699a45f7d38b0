import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Type, types } from 'avsc';
import { EVENT_FIELD_NAMES } from './events/event-types';
import type { PublishRequest, PublishRequest__Output } from './generated/gongkai/hub/v1/PublishRequest';
import { loadIngestPackageDefinition, loadIngestService } from './ingest-service';
import { getDefaultRegistry } from './schema-registry';

interface FieldDescriptor {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
  oneofIndex: number;
}
interface MessageDescriptor {
  field: FieldDescriptor[];
  oneofDecl: { name: string }[];
}
interface EnumDescriptor {
  value: { name: string; number: number }[];
}

const definition = loadIngestPackageDefinition();

function message(name: string): MessageDescriptor {
  return definition[`gongkai.hub.v1.${name}`]!.type as MessageDescriptor;
}

describe('ingest service', () => {
  it('loads IngestService with its four calls', () => {
    const service = loadIngestService().gongkai.hub.v1.IngestService.service;
    expect(Object.keys(service).sort()).toEqual(['GetPublication', 'Publish', 'PublishBatch', 'Retract']);
    expect(service.Publish.path).toBe('/gongkai.hub.v1.IngestService/Publish');
  });

  it('carries a publish request over the wire with the generated types’ conventions', () => {
    const { Publish } = loadIngestService().gongkai.hub.v1.IngestService.service;
    const request: PublishRequest = {
      eventId: 'evt-1',
      source: '/liaocheng/oa',
      document: {
        publicationId: 'lc-zfbgs-2025-000123',
        revision: 1,
        title: '聊城市人民政府办公室关于印发2025年政务公开工作要点的通知',
        documentNumber: '聊政办字〔2025〕12号',
        attachments: [{ name: '附件1.pdf', size: '482133', sha256: 'ab'.repeat(32) }],
        validity: { status: 'VALIDITY_STATUS_VALID' },
        publishedAt: { seconds: '1750987800', nanos: 0 },
      },
    };
    const received: PublishRequest__Output = Publish.requestDeserialize(Publish.requestSerialize(request));

    expect(received.event).toBe('document');
    expect(received.document?.title).toBe(request.document?.title);
    expect(received.document?.documentNumber).toBe('聊政办字〔2025〕12号');
    // int64 as decimal strings, enums by name, defaults filled in.
    expect(received.document?.attachments[0]?.size).toBe('482133');
    expect(received.document?.validity?.status).toBe('VALIDITY_STATUS_VALID');
    expect(received.document?.importance).toBe('IMPORTANCE_UNSPECIFIED');
    expect(received.document?.keywords).toEqual([]);
    expect(received.document?.supersedes).toBeUndefined();
  });

  it('names each event in requests as validation names it in field paths', () => {
    const oneof = message('PublishRequest').field.filter((f) => f.type === 'TYPE_MESSAGE').map((f) => [f.typeName, f.name]);
    expect(Object.fromEntries(oneof)).toEqual({
      DocumentPublished: EVENT_FIELD_NAMES['document.published'],
      InterpretationPublished: EVENT_FIELD_NAMES['interpretation.published'],
      ProcurementPublished: EVENT_FIELD_NAMES['procurement.published'],
      RequestStatusChanged: EVENT_FIELD_NAMES['request.status_changed'],
    });
    expect(message('RetractRequest').field.find((f) => f.typeName === 'PublicationRetracted')?.name).toBe(
      EVENT_FIELD_NAMES['publication.retracted'],
    );
  });

  it('offers every generated message and enum in the ingestApi namespace', () => {
    const barrel = readFileSync(path.join(__dirname, 'ingest-api-types.ts'), 'utf8');
    const dir = path.join(__dirname, 'generated/gongkai/hub/v1');
    const generated = readdirSync(dir)
      .filter((f) => readFileSync(path.join(dir, f), 'utf8').startsWith('// Original file: ../../protos/gongkai/hub/v1/ingest.proto'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(generated).toContain('PublishRequest');
    for (const name of generated) expect(barrel).toContain(`'./generated/gongkai/hub/v1/${name}'`);
  });
});

/**
 * The proto messages mirror the Avro events (see the header of ingest.proto): same fields in
 * camelCase, types mapped one way, enums with a prefix and UNSPECIFIED for UNKNOWN.
 */
describe('ingest.proto mirrors the current Avro schemas', () => {
  const registry = getDefaultRegistry();

  function screaming(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  }

  function shortName(type: Type): string {
    return String(type.name).split('.').pop()!;
  }

  /** Differences between an Avro record and the proto message of the same name, and of everything inside. */
  function compareRecord(record: types.RecordType, out: string[], seen = new Set<string>()): void {
    const name = shortName(record);
    if (seen.has(name)) return;
    seen.add(name);
    const proto = message(name);
    const protoNames = proto.field.map((f) => f.name);
    const avroNames = record.fields.map((f) => f.name);
    if (JSON.stringify(protoNames) !== JSON.stringify(avroNames)) {
      out.push(`${name}: proto fields ${protoNames.join(',')} ≠ Avro fields ${avroNames.join(',')}`);
      return;
    }
    const optional = new Set(proto.oneofDecl.map((o) => o.name));
    for (const field of record.fields) {
      const protoField = proto.field.find((f) => f.name === field.name)!;
      let type = field.type;
      let nullable = false;
      if (type.typeName.startsWith('union')) {
        nullable = true;
        type = (type as unknown as { types: Type[] }).types.find((t) => t.typeName !== 'null')!;
      }
      let repeated = false;
      if (type.typeName === 'array') {
        repeated = true;
        type = (type as types.ArrayType).itemsType;
      }
      const where = `${name}.${field.name}`;
      if ((protoField.label === 'LABEL_REPEATED') !== repeated) out.push(`${where}: repeated differs`);
      const expected = expectedProtoType(type);
      if (protoField.type !== expected.type || (expected.typeName && !protoField.typeName.endsWith(expected.typeName))) {
        out.push(`${where}: Avro ${type.typeName} should be ${expected.type} ${expected.typeName ?? ''}, is ${protoField.type} ${protoField.typeName}`);
      }
      const scalar = !['TYPE_MESSAGE', 'TYPE_ENUM'].includes(protoField.type) && !repeated;
      if (scalar && nullable !== optional.has(`_${field.name}`)) {
        out.push(`${where}: ${nullable ? 'nullable in Avro but not optional' : 'optional in proto but required in Avro'}`);
      }
      if (type.typeName === 'record') compareRecord(type as types.RecordType, out, seen);
      if (type.typeName === 'enum') compareEnum(type as types.EnumType, out);
    }
  }

  function expectedProtoType(type: Type): { type: string; typeName?: string } {
    switch (type.typeName) {
      case 'string':
      case 'logical:date':
        return { type: 'TYPE_STRING' };
      case 'int':
        return { type: 'TYPE_INT32' };
      case 'long':
        return { type: 'TYPE_INT64' };
      case 'boolean':
        return { type: 'TYPE_BOOL' };
      case 'logical:timestamp-millis':
        return { type: 'TYPE_MESSAGE', typeName: 'google.protobuf.Timestamp' };
      case 'enum':
        return { type: 'TYPE_ENUM', typeName: shortName(type) };
      case 'record':
        return { type: 'TYPE_MESSAGE', typeName: shortName(type) };
      default:
        return { type: `(no mapping for ${type.typeName})` };
    }
  }

  function compareEnum(avro: types.EnumType, out: string[]): void {
    const name = shortName(avro);
    const proto = definition[`gongkai.hub.v1.${name}`]!.type as EnumDescriptor;
    const expected = avro.symbols.map((s, i) => `${screaming(name)}_${s === 'UNKNOWN' ? 'UNSPECIFIED' : s}=${i}`);
    const actual = proto.value.map((v) => `${v.name}=${v.number}`);
    if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push(`${name}: proto ${actual.join(',')} ≠ Avro ${expected.join(',')}`);
  }

  it.each(['document.published', 'interpretation.published', 'procurement.published', 'request.status_changed', 'publication.retracted'])(
    '%s',
    (eventType) => {
      const out: string[] = [];
      compareRecord(registry.latest(eventType).type as types.RecordType, out);
      expect(out).toEqual([]);
    },
  );

  it('delivery outcome kinds', () => {
    const out: string[] = [];
    const outcome = (registry.latest('delivery.outcome').type as types.RecordType).field('outcome').type as types.EnumType;
    compareEnum(outcome, out);
    expect(out).toEqual([]);
  });
});
