import { Metadata, status } from '@grpc/grpc-js';
import { richStatus, toFieldViolations, type RichStatus } from '@gongkai/contracts';
import { GatewayError, InvalidEventError, UnavailableError } from './errors';

/** Decodes `grpc-status-details-bin` for clients and tests (the contracts' one decoder). */
export { readStatusDetails } from '@gongkai/contracts';

const CODES: Record<string, status> = {
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  NOT_FOUND: status.NOT_FOUND,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
};

/**
 * The one place the gateway's errors become gRPC statuses. Bad input carries google.rpc.BadRequest
 * field violations and UNAVAILABLE carries google.rpc.RetryInfo, both in `grpc-status-details-bin`,
 * the standard rich-error trailer (encoded by the contracts' `richStatus`). Anything unexpected is
 * INTERNAL without internals.
 */
export function toGrpcStatus(err: unknown): RichStatus {
  if (!(err instanceof GatewayError)) {
    return { code: status.INTERNAL, details: 'internal error; the event was not accepted, retry with the same event id', metadata: new Metadata() };
  }
  return richStatus(CODES[err.code] ?? status.INTERNAL, err.message, {
    ...(err instanceof InvalidEventError ? { fieldViolations: toFieldViolations(err.violations) } : {}),
    ...(err instanceof UnavailableError ? { retryDelayMs: err.retryAfterMs } : {}),
  });
}
