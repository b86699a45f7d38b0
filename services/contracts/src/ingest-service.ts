/**
 * The gRPC ingest API (`protos/gongkai/hub/v1/ingest.proto`), loaded at run time with the
 * options its generated TypeScript types (`src/generated/`, written by `npm run generate`)
 * were made for. Loading and generation must agree, or the types lie: both use camelCase
 * fields, int64 as decimal strings, enums as their names, defaults filled and oneof names set.
 */
import path from 'node:path';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as IngestGrpcType } from './generated/ingest';
import type { ProtoGrpcType as StatusGrpcType } from './generated/status';

/**
 * The repository's `protos/` folder, resolved from this file, which sits one level below the
 * package in both `src/` and `dist/`.
 */
export const PROTOS_DIR = path.resolve(__dirname, '../../../protos');

/** Proto files the ingest API consists of, relative to {@link PROTOS_DIR}. */
export const INGEST_PROTO_FILES: readonly string[] = Object.freeze([
  'gongkai/hub/v1/ingest.proto',
  // Not imported by the API, but the gateway needs it to put a BadRequest into the
  // `grpc-status-details-bin` trailer.
  'google/rpc/status.proto',
]);

/** proto-loader options matching the `generate` script's flags. */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTOS_DIR],
});

/** The loaded gRPC package: `gongkai.hub.v1` (with `IngestService`) and the `google.rpc` error types. */
export type IngestGrpcObject = IngestGrpcType & StatusGrpcType;

/** The proto-loader package definition of the ingest API, e.g. for gRPC server reflection. */
export function loadIngestPackageDefinition(): PackageDefinition {
  return loadSync([...INGEST_PROTO_FILES], { ...PROTO_LOADER_OPTIONS });
}

/**
 * Loads the ingest API for a gRPC server or client:
 * `loadIngestService().gongkai.hub.v1.IngestService.service` is the service definition a
 * server implements, and `new (loadIngestService().gongkai.hub.v1.IngestService)(address,
 * credentials)` a typed client.
 */
export function loadIngestService(): IngestGrpcObject {
  return loadPackageDefinition(loadIngestPackageDefinition()) as unknown as IngestGrpcObject;
}

/**
 * The ingest service's definition with int64 fields (Timestamp seconds, sizes, amounts in fen)
 * read as JavaScript numbers rather than decimal strings: for a server that hands each request
 * to {@link eventDataFromProto}, which turns them into numbers anyway. protobufjs reads an int64
 * as a Long, and writing a Long out as a decimal string takes it a chain of 64-bit divisions:
 * about half of `toObject`'s time for a document. Both roads give the same number (the
 * nearest double; what is beyond 2^53 the Avro schema refuses either way). The generated types
 * say `string` for these fields; they describe {@link loadIngestService}'s objects, not these.
 */
export function loadIngestServiceForMapping(): ServiceDefinition {
  const loaded = loadPackageDefinition(loadSync([...INGEST_PROTO_FILES], { ...PROTO_LOADER_OPTIONS, longs: Number })) as unknown as IngestGrpcObject;
  return loaded.gongkai.hub.v1.IngestService.service;
}
