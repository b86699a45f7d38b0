/**
 * `@gongkai/hubctl` as a library: the commands behind the `hubctl` binary (publishing through
 * the gateway, reviewing held events through the review service, listing and replaying dead
 * letters on Kafka), for tests and for scripts that would rather call them than spawn a process.
 */
export { runHubctl, parseCommandLine, formatPublished, formatPublication, commandLine, USAGE, DEFAULT_GATEWAY, type HubctlContext } from './commands';
export { readEventFile, parseEventFileText, singleEvent, batchEvents, checkEventData, toPublishRequest, toRetractRequest, PUBLISHABLE_TYPES, type FileEvent, type PublishableType } from './event-file';
export { ExitCode, exitCodeForStatus } from './exit-codes';
export { printFailure, reportCallFailure, reportLocalFailure, type FailureReport, type CallFailure } from './error-report';
export { readStatusDetails, decodeStatusDetails, formatViolation, type PreconditionViolation, type StatusDetails, type FieldViolation } from './status-details';
export { connectIngest, type IngestCalls, type CallSettings } from './ingest-client';
export { connectReview, type ReviewCalls } from './review-client';
export {
  DEFAULT_REVIEW_SERVICE,
  REVIEW_ACTIONS,
  formatHeldList,
  formatHeldPublication,
  formatRecordedDecision,
  parseReviewCommandLine,
  runReview,
  type ReviewAction,
  type ReviewInvocation,
} from './review-commands';
export {
  DEFAULT_BROKERS,
  DELIVERY_ACTIONS,
  deadLetterJson,
  formatDeadLetter,
  parseDeliveryCommandLine,
  runDelivery,
  type DeliveryAction,
  type DeliveryInvocation,
  type DeliveryRunOptions,
} from './delivery-commands';
export { byPosition, byTime, hasFilter, matchesFilter, readDeadLetter, replayRecordOf, type DeadLetter, type DeadLetterFilter, type Replay } from './dead-letters';
export { connectKafka, hubctlErrorOf, type KafkaCalls, type TopicRead, type TopicRecord } from './kafka-client';
export { parseTimeBound, TIME_FORMS } from './time-bounds';
export * from './errors';
