/**
 * The hand-written TypeScript interfaces against the current Avro schemas: the same keys,
 * the same nullability, the same enum symbols. The compiler ties `RECORD_SHAPES` and
 * `ENUM_SYMBOLS` to the interfaces; this test ties them to the schemas.
 */
import type { Type, types } from 'avsc';
import { getDefaultRegistry } from '../schema-registry';
import { ENUM_SYMBOLS, RECORD_SHAPES, type Presence } from './data-shapes';

function shortName(type: Type): string {
  return String(type.name).split('.').pop()!;
}

/** Every named record and enum reachable from a type, by short name. */
function collect(type: Type, records: Map<string, types.RecordType>, enums: Map<string, types.EnumType>): void {
  switch (type.typeName) {
    case 'record': {
      const record = type as types.RecordType;
      if (records.has(shortName(record))) return;
      records.set(shortName(record), record);
      for (const field of record.fields) collect(field.type, records, enums);
      return;
    }
    case 'enum':
      enums.set(shortName(type), type as types.EnumType);
      return;
    case 'array':
      collect((type as types.ArrayType).itemsType, records, enums);
      return;
    case 'map':
      collect((type as types.MapType).valuesType as Type, records, enums);
      return;
    case 'union:unwrapped':
    case 'union:wrapped':
      for (const branch of (type as unknown as { types: Type[] }).types) collect(branch, records, enums);
      return;
    default:
      if (type.typeName.startsWith('logical:')) collect((type as types.LogicalType).underlyingType, records, enums);
  }
}

function presence(type: Type): Presence {
  return type.typeName.startsWith('union') && (type as unknown as { types: Type[] }).types.some((t) => t.typeName === 'null')
    ? 'nullable'
    : 'present';
}

const registry = getDefaultRegistry();
const records = new Map<string, types.RecordType>();
const enums = new Map<string, types.EnumType>();
for (const eventType of registry.eventTypes) collect(registry.latest(eventType).type, records, enums);

describe('TypeScript data types mirror the current schemas', () => {
  it('cover every record and enum of the schemas', () => {
    expect([...records.keys()].sort()).toEqual(Object.keys(RECORD_SHAPES).sort());
    expect([...enums.keys()].sort()).toEqual(Object.keys(ENUM_SYMBOLS).sort());
  });

  it.each([...records.keys()].map((name) => [name]))('record %s has the same fields, nullable alike', (name) => {
    const record = records.get(name)!;
    const fromSchema = Object.fromEntries(record.fields.map((f) => [f.name, presence(f.type)]));
    expect(RECORD_SHAPES[name]).toEqual(fromSchema);
  });

  it.each([...enums.keys()].map((name) => [name]))('enum %s has the same symbols in the same order', (name) => {
    expect(ENUM_SYMBOLS[name]).toEqual(enums.get(name)!.symbols);
  });

  it('a record that differs in any way is seen to differ', () => {
    const issuingBody = records.get('IssuingBody')!;
    const fromSchema = Object.fromEntries(issuingBody.fields.map((f) => [f.name, presence(f.type)]));
    expect({ ...RECORD_SHAPES.IssuingBody, code: 'present' }).not.toEqual(fromSchema);
  });
});
