/**
 * Errors of the delivery engine and its adapters. Each has a stable `code`, a `retriable` flag
 * and readonly `context` (never personal data or secrets); the engine decides retry or
 * dead-letter from `retriable` alone and never reads `message`.
 */
export abstract class DeliveryError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
  readonly context: Readonly<Record<string, string | number>>;

  protected constructor(message: string, context: Record<string, string | number>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

export interface TargetFailureOptions {
  /** Stable code, e.g. `HTTP_503`, `TIMEOUT`, `RATE_LIMITED`, `CONNECTION_REFUSED`, `HTTP_400`. */
  readonly code: string;
  readonly retriable: boolean;
  /** The target asked to wait this long before the next try (`Retry-After`). */
  readonly retryAfterMs?: number;
  /** HTTP status, where there was one. */
  readonly status?: number;
  readonly channel: string;
  readonly target: string;
  readonly cause?: unknown;
}

/** A downstream target failed a delivery: retriable (5xx, 429, timeouts, refused connections) or not (4xx). */
export class TargetFailure extends DeliveryError {
  readonly code: string;
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: TargetFailureOptions) {
    super(
      message,
      {
        channel: options.channel,
        target: options.target,
        ...(options.status === undefined ? {} : { status: options.status }),
      },
      options.cause,
    );
    this.code = options.code;
    this.retriable = options.retriable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}
