/**
 * How the ingest API's messages become event data: one walk over the event's current Avro
 * schema, taking each field from the proto message of the same (camelCase) name. The proto and
 * the schema are kept field-for-field alike by a test, so this stays generic: a new field needs
 * no code here.
 *
 * The mapping never rejects: what does not fit (a missing message, an unset enum) is passed on
 * as it is and `validateEvent` names it, so a caller learns every problem in one answer.
 */
import { Type, types } from 'avsc';

type RecordLike = types.RecordType;
type UnionLike = { types: Type[] };
type ArrayLike = types.ArrayType;
type EnumLike = types.EnumType;
import type { EventData, EventType } from './events/event-types';
import { getDefaultRegistry, type SchemaRegistry } from './schema-registry';

/** Proto field of `PublishRequest` that carries each event type (the `oneof` member). */
export const PUBLISH_ONEOF_TYPES = Object.freeze({
  document: 'document.published',
  interpretation: 'interpretation.published',
  procurement: 'procurement.published',
  requestStatus: 'request.status_changed',
} as const satisfies Record<string, EventType>);

export type PublishOneofField = keyof typeof PUBLISH_ONEOF_TYPES;

/**
 * Event data of `type` from a proto message as @grpc/proto-loader decodes it with the hub's
 * options (longs and enums as strings, Timestamps as `{ seconds, nanos }`).
 */
export function eventDataFromProto<T extends EventType>(type: T, message: unknown, registry: SchemaRegistry = getDefaultRegistry()): EventData<T> {
  return mapperOf(registry.latest(type).type)(message) as EventData<T>;
}

type Mapper = (value: unknown) => unknown;

/**
 * One mapper per Avro type, built on first use: every call walks the same schema, and asking
 * avsc what each field's type is, call after call, cost more than the mapping itself.
 */
const mappers = new WeakMap<Type, Mapper>();

function mapperOf(type: Type): Mapper {
  let mapper = mappers.get(type);
  if (!mapper) {
    mapper = buildMapper(type);
    mappers.set(type, mapper);
  }
  return mapper;
}

const identity: Mapper = (value) => value;

function buildMapper(type: Type): Mapper {
  if (Type.isType(type, 'record')) {
    // Field mappers are looked up on first call, so a record that contains itself still works.
    const fields = (type as RecordLike).fields;
    let maps: Mapper[] | undefined;
    const build = recordBuilder(fields.map((field) => field.name));
    return (value) => {
      if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
      maps ??= fields.map((field) => mapperOf(field.type));
      return build(value as Record<string, unknown>, maps);
    };
  }
  if (Type.isType(type, 'union')) {
    const branch = (type as unknown as UnionLike).types.find((t) => t.typeName !== 'null');
    if (!branch) return () => null;
    let map: Mapper | undefined;
    return (value) => (value === undefined || value === null ? null : (map ??= mapperOf(branch))(value));
  }
  if (Type.isType(type, 'array')) {
    const itemsType = (type as ArrayLike).itemsType;
    let map: Mapper | undefined;
    return (value) => {
      if (!Array.isArray(value)) return value ?? [];
      map ??= mapperOf(itemsType);
      return value.map((item) => map!(item));
    };
  }
  if (Type.isType(type, 'enum')) {
    const symbols = (type as EnumLike).symbols;
    const known = new Map<string, string>();
    return (value) => {
      if (typeof value !== 'string') return value;
      let symbol = known.get(value);
      if (symbol === undefined) {
        symbol = enumSymbol(symbols, value);
        // proto-loader only yields the enum's own names, but a hostile number must not grow this.
        if (known.size < 1024) known.set(value, symbol);
      }
      return symbol;
    };
  }
  if (Type.isType(type, 'logical')) {
    // `date` travels as 'YYYY-MM-DD' in both
    return type.typeName === 'logical:timestamp-millis' ? timestampToDate : identity;
  }
  if (Type.isType(type, 'long', 'int')) {
    return (value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
  }
  return identity;
}

/**
 * `(s, m) => ({ a: m[0](s.a), b: m[1](s.b) })` for a record's field names: every value of the
 * record gets its fields in one object literal, so all share one shape from the start (as avsc
 * builds its own readers and writers). Avro names are identifiers (`[A-Za-z_][A-Za-z0-9_]*`),
 * so they go into the code as they are; `__proto__` would set the prototype and is refused.
 */
function recordBuilder(names: readonly string[]): (source: Record<string, unknown>, maps: readonly Mapper[]) => unknown {
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === '__proto__') throw new Error(`'${name}' is not a field name the mapping can build`);
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('s', 'm', `return { ${names.map((name, i) => `${name}: m[${i}](s.${name})`).join(', ')} };`) as (source: Record<string, unknown>, maps: readonly Mapper[]) => unknown;
}

/** `IMPORTANCE_IMPORTANT` → `IMPORTANT`; `*_UNSPECIFIED` → `UNKNOWN` (the schemas' default). */
export function enumSymbol(symbols: readonly string[], protoName: string): string {
  if (protoName.endsWith('_UNSPECIFIED')) return 'UNKNOWN';
  const match = symbols.filter((s) => protoName === s || protoName.endsWith(`_${s}`)).sort((a, b) => b.length - a.length)[0];
  return match ?? protoName;
}

function timestampToDate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'object' && 'seconds' in value) {
    const { seconds, nanos } = value as { seconds: string | number; nanos?: number };
    return new Date(Number(seconds) * 1000 + Math.floor((nanos ?? 0) / 1e6));
  }
  return value;
}

/**
 * The reverse: event data as a proto message object for the ingest API, for clients such as
 * `hubctl` that let people write events in the schema's own terms (`importance: IMPORTANT`).
 */
export function eventDataToProto<T extends EventType>(type: T, data: unknown, registry: SchemaRegistry = getDefaultRegistry()): Record<string, unknown> {
  return toProto(registry.latest(type).type, data) as Record<string, unknown>;
}

function toProto(type: Type, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Type.isType(type, 'record')) {
    if (typeof value !== 'object') return value;
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of (type as RecordLike).fields) {
      const mapped = toProto(field.type, source[field.name]);
      if (mapped !== undefined) out[field.name] = mapped;
    }
    return out;
  }
  if (Type.isType(type, 'union')) {
    const branch = (type as unknown as UnionLike).types.find((t) => t.typeName !== 'null');
    return branch ? toProto(branch, value) : undefined;
  }
  if (Type.isType(type, 'array')) return Array.isArray(value) ? value.map((item) => toProto((type as ArrayLike).itemsType, item)) : value;
  if (Type.isType(type, 'enum')) {
    if (typeof value !== 'string') return value;
    const prefix = upperSnake(((type as EnumLike).name ?? '').split('.').pop() ?? '');
    if (value === 'UNKNOWN') return `${prefix}_UNSPECIFIED`;
    return value.startsWith(`${prefix}_`) ? value : `${prefix}_${value}`;
  }
  if (Type.isType(type, 'logical:timestamp-millis')) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) return value;
    const ms = date.getTime();
    return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
  }
  if (Type.isType(type, 'long') && typeof value === 'number') return String(value);
  return value;
}

function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
