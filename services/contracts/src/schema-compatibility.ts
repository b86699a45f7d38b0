/**
 * The evolution rule of the hub's schemas: each version reads the data of the version before
 * it and is read by it (full compatibility), and the current version reads every earlier one
 * (what the decoder relies on). avsc says only that a resolver cannot be built; this module
 * finds the field to blame so a failing check names the schema and the field.
 */
import type { Type, types } from 'avsc';
import type { SchemaRegistry, SchemaVersion } from './schema-registry';

/** One reason a reader schema cannot read data of a writer schema. */
export interface Incompatibility {
  /** Path of the field in the reader's record, e.g. `issuingBody.creditCode`; `(root)` for the record itself. */
  readonly field: string;
  readonly reason: string;
}

/** An incompatibility between two versions of one event type's schema. */
export interface CompatibilityProblem extends Incompatibility {
  readonly eventType: string;
  readonly readerVersion: number;
  readonly writerVersion: number;
}

/** Whether `reader` can read data written with `writer`, and if not, which fields break it. */
export function findIncompatibilities(reader: Type, writer: Type): Incompatibility[] {
  const found: Incompatibility[] = [];
  walk(reader, writer, '', found);
  return found;
}

/**
 * Checks every event type of a registry: each pair of consecutive versions both ways, and the
 * current version against all earlier ones. Returns no problems when evolution is sound.
 */
export function checkEvolution(registry: SchemaRegistry): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  const seen = new Set<string>();
  const check = (reader: SchemaVersion, writer: SchemaVersion): void => {
    const pair = `${reader.fingerprint}<${writer.fingerprint}`;
    if (seen.has(pair)) return;
    seen.add(pair);
    for (const problem of findIncompatibilities(reader.type, writer.type)) {
      problems.push({
        eventType: reader.eventType,
        readerVersion: reader.version,
        writerVersion: writer.version,
        ...problem,
      });
    }
  };
  for (const eventType of registry.eventTypes) {
    const versions = registry.versions(eventType);
    const latest = registry.latest(eventType);
    for (let i = 1; i < versions.length; i++) {
      const older = versions[i - 1] as SchemaVersion;
      const newer = versions[i] as SchemaVersion;
      check(newer, older);
      check(older, newer);
    }
    for (const older of versions) if (older !== latest) check(latest, older);
  }
  return problems;
}

/** One line for a test failure or a CI log, naming schema, versions and field. */
export function describeProblem(problem: CompatibilityProblem): string {
  return (
    `${problem.eventType} v${problem.readerVersion} cannot read v${problem.writerVersion}: ` +
    `field ${problem.field}: ${problem.reason}`
  );
}

function walk(reader: Type, writer: Type, at: string, found: Incompatibility[]): void {
  try {
    reader.createResolver(writer);
    return;
  } catch (err) {
    const before = found.length;
    narrow(reader, writer, at, found);
    if (found.length === before) found.push({ field: at || '(root)', reason: (err as Error).message });
  }
}

/** Looks inside records, arrays and maps for the part that does not resolve. */
function narrow(reader: Type, writer: Type, at: string, found: Incompatibility[]): void {
  const r = unwrapLogical(reader);
  const w = unwrapLogical(writer);
  if (r.typeName === 'record' && w.typeName === 'record') {
    const rRecord = r as types.RecordType;
    const wRecord = w as types.RecordType;
    if (!namesMatch(rRecord, wRecord)) {
      found.push({
        field: at || '(root)',
        reason: `record ${String(wRecord.name)} is not ${String(rRecord.name)} nor one of its aliases`,
      });
      return;
    }
    for (const field of rRecord.fields) {
      const names = [field.name, ...(field.aliases ?? [])];
      const match = wRecord.fields.find((candidate) => names.includes(candidate.name));
      const fieldPath = at ? `${at}.${field.name}` : field.name;
      if (!match) {
        if (field.defaultValue() === undefined) {
          found.push({
            field: fieldPath,
            reason: 'is missing from the writer schema and has no default, so the reader has no value for it',
          });
        }
        continue;
      }
      walk(field.type, match.type, fieldPath, found);
    }
    return;
  }
  if (r.typeName === 'array' && w.typeName === 'array') {
    walk((r as types.ArrayType).itemsType, (w as types.ArrayType).itemsType, `${at}[]`, found);
    return;
  }
  if (r.typeName === 'map' && w.typeName === 'map') {
    walk((r as types.MapType).valuesType as Type, (w as types.MapType).valuesType as Type, `${at}{}`, found);
    return;
  }
  if (r.typeName === 'enum' && w.typeName === 'enum') {
    const missing = (w as types.EnumType).symbols.filter((s) => !(r as types.EnumType).symbols.includes(s));
    if (missing.length > 0) {
      found.push({
        field: at || '(root)',
        reason: `enum ${String(r.name)} lacks symbols ${missing.join(', ')} and has no default to read them as`,
      });
    }
    return;
  }
  found.push({ field: at || '(root)', reason: `a ${w.typeName} cannot be read as a ${r.typeName}` });
}

function unwrapLogical(type: Type): Type {
  return type.typeName.startsWith('logical:') ? (type as types.LogicalType).underlyingType : type;
}

function namesMatch(reader: types.RecordType, writer: types.RecordType): boolean {
  return writer.name === reader.name || (reader.aliases ?? []).includes(String(writer.name));
}
