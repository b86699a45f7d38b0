/**
 * `@gongkai/contracts`: everything that crosses a process boundary in Gongkai Hub, defined
 * once — the event data types and their Avro schemas, the CloudEvents envelope on Kafka, the
 * topic names, the gRPC ingest and review APIs, the rich error details they answer with, and
 * the domain rules their input must follow.
 */
export * from './errors';
export { withFastUtf8 } from './fast-utf8';
export {
  TRANSCODER_SCHEMA_FINGERPRINT,
  documentRequestAt,
  documentTranscoderReady,
  publishBatchItems,
  transcodeDocument,
  transcodePublishRequest,
  type DocumentRequestAt,
  type TranscodedDocument,
  type TranscodedPublishRequest,
} from './document-transcoder';
export * from './events';
export { epochDaysToIsoDate, isoDateToEpochDays } from './avro-logical-types';
export {
  SCHEMAS_DIR,
  SchemaRegistry,
  canonicalFormOf,
  dataschemaOf,
  fingerprintOf,
  getDefaultRegistry,
  parseSchema,
  type SchemaSource,
  type SchemaVersion,
} from './schema-registry';
export {
  checkEvolution,
  describeProblem,
  findIncompatibilities,
  type CompatibilityProblem,
  type Incompatibility,
} from './schema-compatibility';
export {
  AVRO_CONTENT_TYPE,
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_HEADERS,
  EventCodec,
  avroBytes,
  HUB_HEADERS,
  decodeEvent,
  encodeEvent,
  wrapEncodedEvent,
  type AnyHubEvent,
  type EncodeOptions,
  type EncodedEvent,
  type EventInput,
  type HubEvent,
  type KafkaHeaderValue,
  type KafkaMessageLike,
} from './event-envelope';
export {
  CHANNELS,
  DEFAULT_RETRY_TIERS,
  TOPICS,
  allTopics,
  deadLetterTopic,
  isChannelName,
  retryTopic,
  type ChannelName,
  type TopicName,
} from './topics';
export {
  INGEST_PROTO_FILES,
  PROTOS_DIR,
  PROTO_LOADER_OPTIONS,
  loadIngestPackageDefinition,
  loadIngestService,
  loadIngestServiceForMapping,
  type IngestGrpcObject,
} from './ingest-service';
export {
  REVIEW_PROTO_FILES,
  loadReviewPackageDefinition,
  loadReviewService,
  type ReviewGrpcObject,
} from './review-service';
export {
  STATUS_DETAILS_TRAILER,
  decodeStatusDetails,
  encodeStatusDetails,
  readStatusDetails,
  richStatus,
  type PreconditionViolation,
  type RichStatus,
  type StatusDetails,
  type StatusFieldViolation,
} from './grpc-status-details';
export * from './validation';
export { PUBLISH_ONEOF_TYPES, eventDataFromProto, eventDataToProto, type PublishOneofField } from './ingest-mapping';
/** Types generated from `protos/` (messages, enums, the service client and handlers). */
export type * as ingestApi from './ingest-api-types';
/** Types generated from `protos/gongkai/hub/v1/review.proto` (the operators' review API). */
export type * as reviewApi from './review-api-types';
export {
  DEFAULT_SIGNATURE_TOLERANCE_MS,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_HEADERS,
  isSignatureAlgorithm,
  signRequest,
  signedText,
  verifySignature,
  type SignatureAlgorithm,
  type SignatureProblem,
  type SignedRequestParts,
  type SigningKey,
  type VerifyOptions,
} from './delivery-signature';
