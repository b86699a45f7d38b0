/**
 * The one place the review service's errors become gRPC statuses, with the standard rich
 * details (`@gongkai/contracts`' `richStatus`): field violations for bad input, a
 * precondition violation saying why an event cannot be decided, a retry delay for UNAVAILABLE.
 * Anything unexpected is INTERNAL, without internals.
 */
import { status } from '@grpc/grpc-js';
import { richStatus, type RichStatus } from '@gongkai/contracts';
import {
  DecisionRefusedError,
  HeldItemNotFoundError,
  InvalidRequestError,
  PermissionDeniedError,
  ReviewUnavailableError,
  UnauthenticatedError,
} from './errors';

export function toGrpcStatus(err: unknown): RichStatus {
  if (err instanceof InvalidRequestError) {
    return richStatus(status.INVALID_ARGUMENT, err.message, {
      fieldViolations: err.violations.map((v) => ({ field: v.field, description: v.description, reason: v.rule })),
    });
  }
  if (err instanceof UnauthenticatedError) return richStatus(status.UNAUTHENTICATED, err.message);
  if (err instanceof PermissionDeniedError) return richStatus(status.PERMISSION_DENIED, err.message);
  if (err instanceof HeldItemNotFoundError) return richStatus(status.NOT_FOUND, err.message);
  if (err instanceof DecisionRefusedError) {
    return richStatus(status.FAILED_PRECONDITION, err.message, {
      preconditionViolations: [{ type: err.refusal, subject: `review.held/${err.publicationId}/${err.eventId}`, description: err.message }],
    });
  }
  if (err instanceof ReviewUnavailableError) return richStatus(status.UNAVAILABLE, err.message, { retryDelayMs: err.retryAfterMs });
  return richStatus(status.INTERNAL, 'internal error; nothing was decided');
}
