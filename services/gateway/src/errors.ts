import type { Violation } from '@gongkai/contracts';

/**
 * The gateway's own errors. Each carries a stable `code` and a `retriable` flag; exactly one
 * function (`toGrpcStatus` in grpc-status.ts) turns them into what a gRPC caller sees.
 */
export abstract class GatewayError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;
}

export class UnauthenticatedError extends GatewayError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
  readonly retriable = false;
}

export class PermissionDeniedError extends GatewayError {
  override readonly name = 'PermissionDeniedError';
  readonly code = 'PERMISSION_DENIED';
  readonly retriable = false;
  constructor(message: string, readonly context: Readonly<{ caller: string; eventType?: string; issuingBody?: string }>) {
    super(message);
  }
}

export class InvalidEventError extends GatewayError {
  override readonly name = 'InvalidEventError';
  readonly code = 'INVALID_ARGUMENT';
  readonly retriable = false;
  constructor(readonly violations: readonly Violation[]) {
    super(`invalid event: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`);
  }
}

/** The same event id from the same caller with a different payload. */
export class ConflictingEventError extends GatewayError {
  override readonly name = 'ConflictingEventError';
  readonly code = 'ALREADY_EXISTS';
  readonly retriable = false;
  constructor(readonly context: Readonly<{ caller: string; eventId: string }>) {
    super(`event id '${context.eventId}' was already used by ${context.caller} for a different payload; a new event needs a new id`);
  }
}

export class NotFoundError extends GatewayError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
  readonly retriable = false;
}

/** Kafka did not take the event in time. Nothing was acknowledged; the caller retries with the same id. */
export class UnavailableError extends GatewayError {
  override readonly name = 'UnavailableError';
  readonly code = 'UNAVAILABLE';
  readonly retriable = true;
  constructor(message: string, readonly retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Kafka took the event, but the gateway could not record that it did (its accepted-events log
 * failed to write). The answer is lost, not the event: a retry with the same id sends a second
 * copy, which review and the channels skip by its (source, id).
 */
export class NotRecordedError extends GatewayError {
  override readonly name = 'NotRecordedError';
  readonly code = 'INTERNAL';
  readonly retriable = true;
  constructor(options?: { cause?: unknown }) {
    super('Kafka has the event, but the gateway could not record that it did; retry with the same event id (the copy it sends is skipped downstream)', options);
  }
}
