/**
 * Errors of the review service. Each has a stable `code`, a `retriable` flag and readonly
 * `context` (never personal data), so a consumer decides retry or dead-letter without reading
 * `message`. None of them gets better on a second try: they all say that a file or an input
 * is wrong.
 */
export abstract class ReviewError extends Error {
  abstract readonly code: string;
  readonly retriable = false as const;
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
