/**
 * Errors of the review service. Each has a stable `code`, a `retriable` flag and readonly
 * `context` (never personal data), so a consumer decides retry or dead-letter, and the review
 * API its gRPC status, without reading `message`. Only `ReviewUnavailableError` gets better on
 * a second try; the others say that a file, an input or a request is wrong.
 */
export abstract class ReviewError extends Error {
  abstract readonly code: string;
  /** True only where waiting and trying again can help (Kafka unavailable). */
  readonly retriable: boolean = false;
  readonly context: Readonly<Record<string, string | number>>;

  protected constructor(message: string, context: Record<string, string | number>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/** A configuration file (routing, calendar) is wrong; start-up stops with the file, line and reason. */
export abstract class ConfigFileError extends ReviewError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`, { file, line: line ?? 0, reason }, cause);
  }
}

/** The routing file does not say clearly where events go. */
export class RoutingConfigError extends ConfigFileError {
  readonly code = 'ROUTING_CONFIG_INVALID';
}

/** A working-calendar file is malformed or contradicts itself. */
export class CalendarFileError extends ConfigFileError {
  readonly code = 'CALENDAR_INVALID';
}

/** A date falls in a year no calendar file covers: the hub never guesses which days are worked. */
export class CalendarYearMissingError extends ReviewError {
  readonly code = 'CALENDAR_YEAR_MISSING';
  constructor(
    readonly year: number,
    readonly date: string,
  ) {
    super(`no working calendar for ${year} (needed for ${date}); add calendars/${year}.yaml from the State Council's holiday notice`, {
      year,
      date,
    });
  }
}

/** A value that should be a `YYYY-MM-DD` calendar date is not one. */
export class InvalidDateError extends ReviewError {
  readonly code = 'INVALID_DATE';
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field}: '${value}' is not a calendar date YYYY-MM-DD`, { field, value });
  }
}

/** A request's step history cannot be timed: out of order, dates going back, or no receipt. */
export class RequestHistoryError extends ReviewError {
  readonly code = 'REQUEST_HISTORY_INVALID';
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`request step #${index + 1}: ${reason}`, { index, reason });
  }
}

/** A value handed in as configuration (deadline limits, word lists) breaks its rule; `path` names it. */
export class InvalidConfigError extends ReviewError {
  readonly code = 'CONFIG_VALUE_INVALID';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`, { path, reason });
  }
}

/**
 * Findings handed to masking do not belong to the event (the field is missing, or the text at
 * the finding's offsets is not what the rule found). Masking refuses rather than release an
 * event it cannot prove it masked.
 */
export class FindingMismatchError extends ReviewError {
  readonly code = 'FINDING_MISMATCH';
  constructor(
    readonly field: string,
    readonly rule: string,
    readonly reason: string,
  ) {
    super(`finding ${rule} at ${field}: ${reason}`, { field, rule, reason });
  }
}

/** The review gate was handed an event type it does not review (not a disclosure event). */
export class UnsupportedEventTypeError extends ReviewError {
  readonly code = 'UNSUPPORTED_EVENT_TYPE';
  constructor(readonly eventType: string) {
    super(`the review gate does not handle ${eventType} events`, { eventType });
  }
}

/** The operator registry file is wrong; start-up stops with the file, line and reason. */
export class OperatorRegistryError extends ConfigFileError {
  readonly code = 'OPERATOR_REGISTRY_INVALID';
}

/** A call to the review API without a registered bearer token. */
export class UnauthenticatedError extends ReviewError {
  readonly code = 'UNAUTHENTICATED';
  constructor(reason: string) {
    super(reason, {});
  }
}

/** An authenticated operator without the role a call needs. */
export class PermissionDeniedError extends ReviewError {
  readonly code = 'PERMISSION_DENIED';
  constructor(
    readonly operator: string,
    readonly role: string,
  ) {
    super(`operator ${operator} does not have the role \`${role}\``, { operator, role });
  }
}

/** One field of a request to the review API breaks a rule (`rule` in UPPER_SNAKE_CASE). */
export interface RequestViolation {
  readonly field: string;
  readonly rule: string;
  readonly description: string;
}

/** A request to the review API is malformed: each broken rule with its field. */
export class InvalidRequestError extends ReviewError {
  readonly code = 'INVALID_ARGUMENT';
  constructor(readonly violations: readonly RequestViolation[]) {
    super(`invalid request: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, { fields: violations.map((v) => v.field).join(',') });
  }
}

/** Nothing of this publication (or no such event of it) was ever held. */
export class HeldItemNotFoundError extends ReviewError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly publicationId: string,
    readonly eventId?: string,
  ) {
    super(
      eventId === undefined
        ? `no event of publication ${publicationId} was held by review`
        : `event ${eventId} of publication ${publicationId} was never held by review`,
      { publicationId, ...(eventId === undefined ? {} : { eventId }) },
    );
  }
}

/** Why a held event cannot be decided now. */
export type DecisionRefusal = 'ALREADY_DECIDED' | 'CANCELLED_BY_RETRACTION' | 'SUPERSEDED_BY_REVISION' | 'DEADLINE_UNKNOWN';

/**
 * The held event cannot be decided: it was decided already, a retraction cancelled it, a newer
 * revision of its publication superseded it, or its due dates cannot be worked out (a year without a working calendar).
 */
export class DecisionRefusedError extends ReviewError {
  readonly code = 'FAILED_PRECONDITION';
  constructor(
    readonly refusal: DecisionRefusal,
    readonly publicationId: string,
    readonly eventId: string,
    reason: string,
  ) {
    super(reason, { refusal, publicationId, eventId });
  }
}

/** Kafka did not take a decision in time, or the held events are still being read back at start; nothing was decided. */
export class ReviewUnavailableError extends ReviewError {
  readonly code = 'UNAVAILABLE';
  override readonly retriable = true;
  constructor(
    reason: string,
    readonly retryAfterMs: number,
    cause?: unknown,
  ) {
    super(reason, { retryAfterMs }, cause);
  }
}
