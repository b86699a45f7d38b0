/**
 * Reads the rich error details a gRPC status carries in the standard `grpc-status-details-bin`
 * trailer (a `google.rpc.Status`): field violations for bad input, precondition violations
 * for a held event that cannot be decided, a retry delay for UNAVAILABLE. The codec is the
 * one the hub's servers write with, from `@gongkai/contracts`.
 */
import type { StatusFieldViolation } from '@gongkai/contracts';

export {
  decodeStatusDetails,
  encodeStatusDetails,
  readStatusDetails,
  type PreconditionViolation,
  type StatusDetails,
} from '@gongkai/contracts';

/** One broken rule: the field's path, a sentence for people, and the rule's name when the server gives it. */
export type FieldViolation = StatusFieldViolation;

/** `field: REASON: description`, the way hubctl prints a violation. */
export function formatViolation(v: FieldViolation): string {
  return `${v.field}: ${v.reason ? `${v.reason}: ` : ''}${v.description}`;
}
