import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { PROTOS_DIR, toFieldViolations } from '@gongkai/contracts';
import * as protobuf from 'protobufjs';
import { GatewayError, InvalidEventError, UnavailableError } from './errors';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${PROTOS_DIR}/${target}`;
root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
const StatusType = root.lookupType('google.rpc.Status');
const BadRequestType = root.lookupType('google.rpc.BadRequest');
const RetryInfoType = root.lookupType('google.rpc.RetryInfo');

const CODES: Record<string, status> = {
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  NOT_FOUND: status.NOT_FOUND,
  UNAVAILABLE: status.UNAVAILABLE,
};

function any(type: protobuf.Type, value: Record<string, unknown>): { type_url: string; value: Uint8Array } {
  return { type_url: `type.googleapis.com/${type.fullName.slice(1)}`, value: type.encode(type.fromObject(value)).finish() };
}

/**
 * The one place our errors become gRPC statuses. Bad input carries google.rpc.BadRequest field
 * violations and UNAVAILABLE carries google.rpc.RetryInfo, both in `grpc-status-details-bin`,
 * the standard rich-error trailer. Anything unexpected is INTERNAL without internals.
 */
export function toGrpcStatus(err: unknown): Partial<ServiceError> & { code: status; details: string; metadata: Metadata } {
  const metadata = new Metadata();
  if (!(err instanceof GatewayError)) {
    return { code: status.INTERNAL, details: 'internal error; the event was not accepted, retry with the same event id', metadata };
  }
  const code = CODES[err.code] ?? status.INTERNAL;
  const details: { type_url: string; value: Uint8Array }[] = [];
  if (err instanceof InvalidEventError) {
    details.push(any(BadRequestType, { field_violations: toFieldViolations(err.violations) }));
  }
  if (err instanceof UnavailableError) {
    const ms = err.retryAfterMs;
    details.push(any(RetryInfoType, { retry_delay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } }));
  }
  const encoded = StatusType.encode(StatusType.fromObject({ code, message: err.message, details })).finish();
  metadata.set('grpc-status-details-bin', Buffer.from(encoded));
  return { code, details: err.message, metadata };
}

/** Decode `grpc-status-details-bin` (for clients and tests): the field violations and retry delay it carries. */
export function readStatusDetails(metadata: Metadata | undefined): { fieldViolations: { field: string; description: string; reason: string }[]; retryDelayMs?: number } {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!raw) return { fieldViolations: [] };
  const decoded = StatusType.toObject(StatusType.decode(raw as Buffer), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
  const out: { fieldViolations: { field: string; description: string; reason: string }[]; retryDelayMs?: number } = { fieldViolations: [] };
  for (const d of decoded.details) {
    if (d.type_url.endsWith('google.rpc.BadRequest')) {
      const br = BadRequestType.toObject(BadRequestType.decode(d.value), { defaults: true }) as { field_violations: { field: string; description: string; reason: string }[] };
      out.fieldViolations.push(...br.field_violations.map(({ field, description, reason }) => ({ field, description, reason })));
    } else if (d.type_url.endsWith('google.rpc.RetryInfo')) {
      const ri = RetryInfoType.toObject(RetryInfoType.decode(d.value), { defaults: true, longs: Number }) as { retry_delay?: { seconds: number; nanos: number } };
      out.retryDelayMs = (ri.retry_delay?.seconds ?? 0) * 1000 + Math.round((ri.retry_delay?.nanos ?? 0) / 1e6);
    }
  }
  return out;
}
