import { status } from '@grpc/grpc-js';

/**
 * hubctl's exit codes, stable for scripts: a script can tell "fix the file" (3) from "fix the
 * token" (4) from "try again later with the same event id" (7) without reading the text.
 */
export const ExitCode = Object.freeze({
  OK: 0,
  /** Anything not listed below, e.g. INTERNAL from the gateway. */
  FAILURE: 1,
  /** The command line is wrong, or a file named on it cannot be read. */
  USAGE: 2,
  /** The event breaks a rule: INVALID_ARGUMENT, or a file hubctl cannot make an event of. */
  INVALID_INPUT: 3,
  /** UNAUTHENTICATED or PERMISSION_DENIED, or no token given. */
  AUTH: 4,
  /**
   * ALREADY_EXISTS: the event id was used before for a different event; FAILED_PRECONDITION:
   * the held event is no longer waiting for a decision (decided, or cancelled by a retraction).
   */
  CONFLICT: 5,
  /** NOT_FOUND; or the retry topic a replay writes to does not exist. */
  NOT_FOUND: 6,
  /**
   * UNAVAILABLE or DEADLINE_EXCEEDED: retrying with the same event id is safe. Also Kafka not
   * reachable, or not done in time, for the delivery commands: running them again is safe.
   */
  UNAVAILABLE: 7,
} as const);

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const BY_STATUS: Partial<Record<status, ExitCode>> = {
  [status.OK]: ExitCode.OK,
  [status.INVALID_ARGUMENT]: ExitCode.INVALID_INPUT,
  [status.UNAUTHENTICATED]: ExitCode.AUTH,
  [status.PERMISSION_DENIED]: ExitCode.AUTH,
  [status.ALREADY_EXISTS]: ExitCode.CONFLICT,
  [status.FAILED_PRECONDITION]: ExitCode.CONFLICT,
  [status.NOT_FOUND]: ExitCode.NOT_FOUND,
  [status.UNAVAILABLE]: ExitCode.UNAVAILABLE,
  [status.DEADLINE_EXCEEDED]: ExitCode.UNAVAILABLE,
};

/** The exit code for a gRPC status code the gateway answered with. */
export function exitCodeForStatus(code: status): ExitCode {
  return BY_STATUS[code] ?? ExitCode.FAILURE;
}
