/**
 * The gRPC review API (`protos/gongkai/hub/v1/review.proto`): operators list the events the
 * review gate held and decide on each. Loaded with the same options as the ingest API, which
 * its generated TypeScript types (`src/generated/`) were made for.
 */
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as ReviewGrpcType } from './generated/review';
import type { ProtoGrpcType as StatusGrpcType } from './generated/status';
import { PROTO_LOADER_OPTIONS } from './ingest-service';

/** Proto files the review API consists of, relative to `PROTOS_DIR`. */
export const REVIEW_PROTO_FILES: readonly string[] = Object.freeze(['gongkai/hub/v1/review.proto', 'google/rpc/status.proto']);

/** The loaded gRPC package: `gongkai.hub.v1` (with `ReviewService`) and the `google.rpc` error types. */
export type ReviewGrpcObject = ReviewGrpcType & StatusGrpcType;

/** The proto-loader package definition of the review API, e.g. for gRPC server reflection. */
export function loadReviewPackageDefinition(): PackageDefinition {
  return loadSync([...REVIEW_PROTO_FILES], { ...PROTO_LOADER_OPTIONS });
}

/**
 * Loads the review API for a gRPC server or client:
 * `loadReviewService().gongkai.hub.v1.ReviewService.service` is the service definition a
 * server implements, and `new (loadReviewService().gongkai.hub.v1.ReviewService)(address,
 * credentials)` a typed client.
 */
export function loadReviewService(): ReviewGrpcObject {
  return loadPackageDefinition(loadReviewPackageDefinition()) as unknown as ReviewGrpcObject;
}
