/**
 * The one place a failure becomes what a person reads and what a script gets: a few lines of
 * text saying what went wrong and what to do, the exit code, and the same facts as JSON.
 */
import { status, type Metadata } from '@grpc/grpc-js';
import { HubctlError, EventFileError, KafkaUnavailableError } from './errors';
import { ExitCode, exitCodeForStatus } from './exit-codes';
import { formatViolation, readStatusDetails, type FieldViolation, type PreconditionViolation } from './status-details';

/** A failed gRPC call as grpc-js reports it (a `ServiceError`, or the parts of one). */
export interface CallFailure {
  readonly code: status;
  readonly details: string;
  readonly metadata?: Metadata;
}

/** What hubctl knows around a failed call, for advice on what to do next. */
export interface FailureContext {
  /** The gateway address called. */
  readonly gateway?: string;
  /** The review service address called, when the call went there instead. */
  readonly reviewService?: string;
  /** The event id sent, when the call carried one. */
  readonly eventId?: string;
  /** The command that retries the same event safely, e.g. `hubctl publish doc.yaml --event-id …`. */
  readonly retryCommand?: string;
}

export interface FailureReport {
  readonly exitCode: ExitCode;
  /** gRPC status name (`INVALID_ARGUMENT`) or hubctl's own code (`EVENT_FILE_INVALID`). */
  readonly code: string;
  readonly message: string;
  readonly fieldViolations: readonly FieldViolation[];
  /** Why a request was refused in the state things are in (FAILED_PRECONDITION), e.g. `ALREADY_DECIDED`. */
  readonly preconditionViolations?: readonly PreconditionViolation[];
  readonly retryAfterMs?: number;
  readonly eventId?: string;
  /** For people, one line each. */
  readonly lines: readonly string[];
}

/** True for what grpc-js rejects a call with. */
export function isCallFailure(err: unknown): err is CallFailure {
  return typeof err === 'object' && err !== null && typeof (err as CallFailure).code === 'number' && typeof (err as CallFailure).details === 'string';
}

/** The name of a gRPC status code, e.g. `INVALID_ARGUMENT`. */
export function statusName(code: status): string {
  return status[code] ?? `status ${String(code)}`;
}

/** Reports a call the gateway (or the transport) refused. */
export function reportCallFailure(failure: CallFailure, context: FailureContext): FailureReport {
  const { fieldViolations, preconditionViolations, retryDelayMs } = readStatusDetails(failure.metadata);
  const name = statusName(failure.code);
  const lines =
    context.reviewService === undefined
      ? adviceFor(failure.code, name, failure.details, fieldViolations, retryDelayMs, context)
      : reviewAdviceFor(failure.code, name, failure.details, fieldViolations, preconditionViolations, retryDelayMs, context.reviewService);
  return {
    exitCode: exitCodeForStatus(failure.code),
    code: name,
    message: failure.details,
    fieldViolations,
    ...(preconditionViolations.length === 0 ? {} : { preconditionViolations }),
    ...(retryDelayMs === undefined ? {} : { retryAfterMs: retryDelayMs }),
    ...(context.eventId === undefined ? {} : { eventId: context.eventId }),
    lines,
  };
}

/** Reports what hubctl found wrong before calling, e.g. a malformed event file. */
export function reportLocalFailure(err: HubctlError): FailureReport {
  const lines =
    err instanceof EventFileError
      ? [
          `${err.file}: ${err.problems.length === 1 ? 'cannot make an event of it' : `${err.problems.length} problems`}:`,
          ...err.problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.problem}`),
        ]
      : err instanceof KafkaUnavailableError
        ? [
            err.message,
            `  is Kafka running there? Name its brokers with --brokers host:port or KAFKA_BROKERS`,
            '  running the command again is safe: a target takes a replayed delivery at most once',
          ]
        : [err.message];
  return {
    exitCode: err.exitCode,
    code: err.code,
    message: err.message,
    fieldViolations: err instanceof EventFileError ? err.problems.map((p) => ({ field: p.path, description: p.problem })) : [],
    lines,
  };
}

/** Where a report goes: results (stdout) and lines for the person (stderr). */
export interface ReportOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Prints a failure (as one JSON object with `--json`, else lines on stderr) and returns its exit code. */
export function printFailure(report: FailureReport, json: boolean, output: ReportOutput, showUsageHint: boolean): ExitCode {
  if (json) {
    output.out(JSON.stringify(failureJson(report)));
  } else {
    report.lines.forEach((line, i) => output.err(i === 0 ? `hubctl: ${line}` : line));
    if (showUsageHint) output.err('  (hubctl --help lists the commands and options)');
  }
  return report.exitCode;
}

/** The report as one JSON object for `--json`. */
export function failureJson(report: FailureReport): Record<string, unknown> {
  const { lines: _lines, ...rest } = report;
  return { ok: false, ...rest };
}

function adviceFor(
  code: status,
  name: string,
  details: string,
  violations: readonly FieldViolation[],
  retryDelayMs: number | undefined,
  context: FailureContext,
): string[] {
  switch (code) {
    case status.INVALID_ARGUMENT:
      if (violations.length === 0) return [`refused (${name}): ${details}`];
      return [
        `refused (${name}): the event breaks ${violations.length === 1 ? 'a rule' : `${violations.length} rules`}:`,
        ...violations.map((v) => `  ${formatViolation(v)}`),
      ];
    case status.UNAUTHENTICATED:
      return [`not authenticated (${name}): ${details}`, "  pass the caller's token with --token <token> or set HUB_TOKEN"];
    case status.PERMISSION_DENIED:
      return [
        `not allowed (${name}): ${details}`,
        "  the token's caller is not granted this event type or issuing body; its grant is in the gateway's caller registry",
      ];
    case status.ALREADY_EXISTS:
      return [
        `conflict (${name}): ${details}`,
        `  the event id${context.eventId ? ` ${context.eventId}` : ''} was used before for a different event; a new event needs a new id (leave out --event-id and hubctl makes one)`,
      ];
    case status.NOT_FOUND:
      return [`not found (${name}): ${details}`];
    case status.UNAVAILABLE:
      return [
        `unavailable (${name}): ${details}`,
        `  the gateway at ${context.gateway ?? '?'} or its Kafka could not be reached; nothing was acknowledged`,
        ...retryAdvice(context, retryDelayMs),
      ];
    case status.DEADLINE_EXCEEDED:
      return [
        `no answer in time (${name}): ${details}`,
        `  the gateway at ${context.gateway ?? '?'} did not answer before the deadline (--timeout); the event may or may not have been accepted`,
        ...retryAdvice(context, retryDelayMs),
      ];
    default:
      return [`failed (${name}): ${details}`];
  }
}

/** Advice for a call to the review service's operator API. */
function reviewAdviceFor(
  code: status,
  name: string,
  details: string,
  violations: readonly FieldViolation[],
  preconditions: readonly PreconditionViolation[],
  retryDelayMs: number | undefined,
  address: string,
): string[] {
  switch (code) {
    case status.INVALID_ARGUMENT:
      if (violations.length === 0) return [`refused (${name}): ${details}`];
      return [`refused (${name}):`, ...violations.map((v) => `  ${formatViolation(v)}`)];
    case status.UNAUTHENTICATED:
      return [`not authenticated (${name}): ${details}`, "  pass the operator's token with --token <token> or set HUB_TOKEN"];
    case status.PERMISSION_DENIED:
      return [`not allowed (${name}): ${details}`, "  only operators with the role `reviewer` may list and decide held events; roles are in the review service's operator registry"];
    case status.FAILED_PRECONDITION:
      return [`refused (${name}): ${details}`, ...preconditions.map((p) => `  ${p.type}: ${p.subject}`)];
    case status.NOT_FOUND:
      return [`not found (${name}): ${details}`];
    case status.UNAVAILABLE:
      return [
        `unavailable (${name}): ${details}`,
        `  the review service at ${address} or its Kafka could not be reached; nothing was decided`,
        `  try again${retryDelayMs === undefined ? '' : ` after ${formatDelay(retryDelayMs)}`}`,
      ];
    case status.DEADLINE_EXCEEDED:
      return [
        `no answer in time (${name}): ${details}`,
        `  the review service at ${address} did not answer before the deadline (--timeout); a decision may or may not have been made — hubctl review show tells`,
      ];
    default:
      return [`failed (${name}): ${details}`];
  }
}

function retryAdvice(context: FailureContext, retryDelayMs: number | undefined): string[] {
  const wait = retryDelayMs === undefined ? '' : ` after ${formatDelay(retryDelayMs)}`;
  if (context.retryCommand) return [`  retry${wait} with the same event id — the hub accepts it at most once:`, `    ${context.retryCommand}`];
  return [`  try again${wait}`];
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
