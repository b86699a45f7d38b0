/**
 * Every version of every event schema in `schemas/`, with the fingerprint that identifies
 * its writer on the wire. The registry is read from the repository's files at start-up, so a
 * service can read any version that was ever released without a registry server.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from 'avsc';
import { AVRO_TYPE_OPTIONS } from './avro-logical-types';
import { SchemaRegistryError, UnknownEventTypeError } from './errors';
import { EVENT_TYPES, isEventType, type EventType } from './events/event-types';
import { withFastUtf8 } from './fast-utf8';

/**
 * The repository's `schemas/` folder. Resolved from this file, which sits one level below the
 * package in both `src/` and `dist/`, so the same code finds it in tests and in production.
 */
export const SCHEMAS_DIR = path.resolve(__dirname, '../../../schemas');

/** One version of one event type's schema. */
export interface SchemaVersion {
  readonly eventType: EventType;
  readonly version: number;
  /** Path relative to the schemas folder, e.g. `document.published/v2.avsc`. */
  readonly file: string;
  /** The schema exactly as written. */
  readonly schema: unknown;
  /** The schema parsed by avsc with the hub's logical types. */
  readonly type: Type;
  /** Parsing Canonical Form (Avro specification): what the fingerprint is taken over. */
  readonly canonicalForm: string;
  /** SHA-256 of the Parsing Canonical Form, 64 lowercase hex characters. */
  readonly fingerprint: string;
  /** The CloudEvents `dataschema` of events written with this version. */
  readonly dataschema: string;
}

/** A schema handed to {@link SchemaRegistry.fromSources}, e.g. one read from a file. */
export interface SchemaSource {
  readonly eventType: string;
  readonly version: number;
  readonly schema: unknown;
  readonly file?: string;
}

/** The `dataschema` URN of one schema version, e.g. `urn:gongkai:avro:document.published:v2`. */
export function dataschemaOf(eventType: string, version: number): string {
  return `urn:gongkai:avro:${eventType}:v${version}`;
}

/** Parsing Canonical Form of a parsed type; avsc's `schema()` without attributes is exactly that. */
export function canonicalFormOf(type: Type): string {
  return JSON.stringify(type.schema());
}

/** SHA-256 fingerprint of a parsed type (Avro specification, "Schema Fingerprints"), as hex. */
export function fingerprintOf(type: Type): string {
  return createHash('sha256').update(canonicalFormOf(type), 'utf8').digest('hex');
}

/** Parses a schema with the options every reader and writer of the hub uses. */
export function parseSchema(schema: unknown): Type {
  return Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], {
    ...AVRO_TYPE_OPTIONS,
    // Decoded records stay plain data: no clone/toBuffer methods for a consumer to trip on.
    omitRecordMethods: true,
  });
}

type Resolver = ReturnType<Type['createResolver']>;

/** The schemas of all event types and versions, looked up by type, version or fingerprint. */
export class SchemaRegistry {
  private readonly byType = new Map<EventType, SchemaVersion[]>();
  private readonly byPrint = new Map<string, SchemaVersion>();
  private readonly resolvers = new Map<string, Resolver>();

  private constructor(versions: readonly SchemaVersion[]) {
    for (const version of versions) {
      const twin = this.byPrint.get(version.fingerprint);
      if (twin) {
        throw new SchemaRegistryError(
          version.file,
          `has the same canonical form as ${twin.file}; a new version must change what is on the wire`,
        );
      }
      this.byPrint.set(version.fingerprint, version);
      const list = this.byType.get(version.eventType) ?? [];
      list.push(version);
      this.byType.set(version.eventType, list);
    }
    for (const [eventType, list] of this.byType) {
      list.sort((a, b) => a.version - b.version);
      list.forEach((entry, index) => {
        if (entry.version !== index + 1) {
          throw new SchemaRegistryError(
            entry.file,
            `versions of ${eventType} must run 1, 2, 3 … without gaps; found v${entry.version} in place of v${index + 1}`,
          );
        }
      });
    }
  }

  /** Builds a registry from schemas in memory; tests use it to try schemas that are not in the repository. */
  static fromSources(sources: readonly SchemaSource[]): SchemaRegistry {
    return new SchemaRegistry(sources.map(toSchemaVersion));
  }

  /**
   * Reads `<dir>/<event type>/v<N>.avsc` for every event type. Fails when a folder names an
   * unknown type, a file is not valid Avro, or a known type has no schema: a service must not
   * start with half a contract.
   */
  static fromDirectory(dir: string = SCHEMAS_DIR): SchemaRegistry {
    const sources: SchemaSource[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      for (const name of readdirSync(path.join(dir, entry.name))) {
        if (!name.endsWith('.avsc')) continue;
        const file = `${entry.name}/${name}`;
        const match = /^v([1-9]\d*)\.avsc$/.exec(name);
        if (!match) throw new SchemaRegistryError(file, 'schema files are named v<N>.avsc');
        let schema: unknown;
        try {
          schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
        } catch (err) {
          throw new SchemaRegistryError(file, 'is not readable JSON', err);
        }
        sources.push({ eventType: entry.name, version: Number(match[1]), schema, file });
      }
    }
    const registry = SchemaRegistry.fromSources(sources);
    for (const eventType of EVENT_TYPES) {
      if (!registry.byType.has(eventType)) {
        throw new SchemaRegistryError(`${eventType}/`, 'no schema version for this event type');
      }
    }
    return registry;
  }

  /** Event types that have at least one schema version. */
  get eventTypes(): readonly EventType[] {
    return [...this.byType.keys()];
  }

  /** All versions of one event type, oldest first. */
  versions(eventType: string): readonly SchemaVersion[] {
    const list = isEventType(eventType) ? this.byType.get(eventType) : undefined;
    if (!list) throw new UnknownEventTypeError(eventType);
    return list;
  }

  /** The current version of an event type: what producers write and consumers read into. */
  latest(eventType: string): SchemaVersion {
    const list = this.versions(eventType);
    return list[list.length - 1] as SchemaVersion;
  }

  /** One version of an event type; undefined when it does not exist. */
  version(eventType: string, version: number): SchemaVersion | undefined {
    return this.versions(eventType)[version - 1];
  }

  /** The schema version with this fingerprint (hex, any case), if the registry holds it. */
  byFingerprint(fingerprint: string): SchemaVersion | undefined {
    return this.byPrint.get(fingerprint.toLowerCase());
  }

  /**
   * Reads bytes written with `writer` into the current version of its event type. Old
   * writers go through a cached avsc resolver, so a consumer deployed after a schema change
   * still reads what older producers wrote. Long texts are read through {@link withFastUtf8}.
   */
  read(writer: SchemaVersion, bytes: Buffer): unknown {
    const reader = this.latest(writer.eventType);
    bytes = withFastUtf8(bytes);
    if (reader === writer) return writer.type.fromBuffer(bytes);
    let resolver = this.resolvers.get(writer.fingerprint);
    if (!resolver) {
      resolver = reader.type.createResolver(writer.type);
      this.resolvers.set(writer.fingerprint, resolver);
    }
    return reader.type.fromBuffer(bytes, resolver);
  }
}

function toSchemaVersion(source: SchemaSource): SchemaVersion {
  const file = source.file ?? `${source.eventType}/v${source.version}.avsc`;
  if (!isEventType(source.eventType)) {
    throw new SchemaRegistryError(file, `"${source.eventType}" is not an event type the hub knows`);
  }
  if (!Number.isInteger(source.version) || source.version < 1) {
    throw new SchemaRegistryError(file, 'versions are whole numbers from 1');
  }
  let type: Type;
  try {
    type = parseSchema(source.schema);
  } catch (err) {
    throw new SchemaRegistryError(file, `is not a valid Avro schema: ${(err as Error).message}`, err);
  }
  if (type.typeName !== 'record') {
    throw new SchemaRegistryError(file, 'an event schema is a record');
  }
  return Object.freeze({
    eventType: source.eventType,
    version: source.version,
    file,
    schema: source.schema,
    type,
    canonicalForm: canonicalFormOf(type),
    fingerprint: fingerprintOf(type),
    dataschema: dataschemaOf(source.eventType, source.version),
  });
}

let defaultRegistry: SchemaRegistry | undefined;

/** The registry of the repository's `schemas/`, read once on first use. */
export function getDefaultRegistry(): SchemaRegistry {
  defaultRegistry ??= SchemaRegistry.fromDirectory();
  return defaultRegistry;
}
