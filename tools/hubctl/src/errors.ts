import { ExitCode } from './exit-codes';

/**
 * Failures hubctl finds itself: before it calls the gateway or the review service, or talking
 * to Kafka directly. Each has a stable `code`, the exit code a script sees, and `retriable`:
 * false unless the same command may succeed later unchanged (Kafka unreachable); otherwise the
 * command line or the file must change.
 */
export abstract class HubctlError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  readonly retriable: boolean = false;
}

/** The command line is wrong: an unknown command or option, a missing argument. */
export class UsageError extends HubctlError {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  readonly exitCode = ExitCode.USAGE;
}

/** A file named on the command line cannot be read at all (missing, a folder, no permission). */
export class UnreadableFileError extends HubctlError {
  override readonly name = 'UnreadableFileError';
  readonly code = 'FILE_UNREADABLE';
  readonly exitCode = ExitCode.USAGE;
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: cannot read it: ${reason}`, options);
  }
}

/** One thing wrong in an event file, at a path such as `data.issuingBody.creditCode` or `[2].type`. */
export interface FileProblem {
  readonly path: string;
  readonly problem: string;
}

/** The file was read but holds no usable event: not JSON/YAML, or not shaped like an event. */
export class EventFileError extends HubctlError {
  override readonly name = 'EventFileError';
  readonly code = 'EVENT_FILE_INVALID';
  readonly exitCode = ExitCode.INVALID_INPUT;
  constructor(
    readonly file: string,
    readonly problems: readonly FileProblem[],
  ) {
    super(`${file}: ${problems.map((p) => (p.path ? `${p.path}: ${p.problem}` : p.problem)).join('; ')}`);
  }
}

/** No token was given, so the gateway would refuse the call. */
export class MissingTokenError extends HubctlError {
  override readonly name = 'MissingTokenError';
  readonly code = 'TOKEN_MISSING';
  readonly exitCode = ExitCode.AUTH;
  /** @param whose whose token the command needs: `caller` (an upstream system) or `operator`. */
  constructor(whose: 'caller' | 'operator' = 'caller') {
    super(`no token: pass the ${whose === 'caller' ? 'caller token' : "operator's token"} with --token or set HUB_TOKEN`);
  }
}

/** No Kafka broker answered in time (`--brokers` or `KAFKA_BROKERS`): nothing was read or written, or not all of it. */
export class KafkaUnavailableError extends HubctlError {
  override readonly name = 'KafkaUnavailableError';
  readonly code = 'KAFKA_UNAVAILABLE';
  readonly exitCode = ExitCode.UNAVAILABLE;
  override readonly retriable = true;
  constructor(
    readonly brokers: readonly string[],
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Kafka at ${brokers.join(',')} unavailable: ${reason}`, options);
  }
}

/** Kafka answered, but refused what hubctl asked of it. */
export class KafkaRequestError extends HubctlError {
  override readonly name = 'KafkaRequestError';
  readonly code = 'KAFKA_REQUEST_FAILED';
  readonly exitCode = ExitCode.FAILURE;
  constructor(
    readonly brokers: readonly string[],
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Kafka at ${brokers.join(',')} refused the request: ${reason}`, options);
  }
}

/** A topic hubctl must write to does not exist, and creating it is not hubctl's business. */
export class TopicMissingError extends HubctlError {
  override readonly name = 'TopicMissingError';
  readonly code = 'TOPIC_MISSING';
  readonly exitCode = ExitCode.NOT_FOUND;
  constructor(
    readonly topic: string,
    why: string,
  ) {
    super(`topic ${topic} does not exist: ${why}`);
  }
}
