/**
 * Reads the rich error details a gRPC status carries in the standard `grpc-status-details-bin`
 * trailer (a `google.rpc.Status`): the gateway puts `google.rpc.BadRequest` field violations
 * there for bad input and `google.rpc.RetryInfo` for UNAVAILABLE.
 */
import type { Metadata } from '@grpc/grpc-js';
import { PROTOS_DIR } from '@gongkai/contracts';
import * as protobuf from 'protobufjs';

/** One broken rule: the field's path, a sentence for people, and the rule's name when the server gives it. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
  /** UPPER_SNAKE_CASE rule, e.g. `CREDIT_CODE_CHECK_CHARACTER`; absent when the server left it empty. */
  readonly reason?: string;
}

/** `field: REASON: description`, the way hubctl prints a violation. */
export function formatViolation(v: FieldViolation): string {
  return `${v.field}: ${v.reason ? `${v.reason}: ` : ''}${v.description}`;
}

export interface StatusDetails {
  readonly fieldViolations: FieldViolation[];
  readonly retryDelayMs?: number;
}

let types: { status: protobuf.Type; badRequest: protobuf.Type; retryInfo: protobuf.Type } | undefined;

function rpcTypes(): NonNullable<typeof types> {
  if (!types) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => `${PROTOS_DIR}/${target}`;
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    types = { status: root.lookupType('google.rpc.Status'), badRequest: root.lookupType('google.rpc.BadRequest'), retryInfo: root.lookupType('google.rpc.RetryInfo') };
  }
  return types;
}

/** The details in a failed call's trailers; empty when there are none or they cannot be read. */
export function readStatusDetails(metadata: Metadata | undefined): StatusDetails {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(raw)) return { fieldViolations: [] };
  try {
    return decodeStatusDetails(raw);
  } catch {
    // Details are a help for people; a trailer we cannot read must not hide the status itself.
    return { fieldViolations: [] };
  }
}

/** Decodes a serialized `google.rpc.Status`. */
export function decodeStatusDetails(bytes: Uint8Array): StatusDetails {
  const { status, badRequest, retryInfo } = rpcTypes();
  const decoded = status.toObject(status.decode(bytes), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
  const fieldViolations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  for (const detail of decoded.details) {
    if (detail.type_url.endsWith('/google.rpc.BadRequest')) {
      const br = badRequest.toObject(badRequest.decode(detail.value), { defaults: true }) as { field_violations: FieldViolation[] };
      fieldViolations.push(...br.field_violations.map((v) => ({ field: v.field, description: v.description, ...(v.reason ? { reason: v.reason } : {}) })));
    } else if (detail.type_url.endsWith('/google.rpc.RetryInfo')) {
      const ri = retryInfo.toObject(retryInfo.decode(detail.value), { defaults: true, longs: Number }) as { retry_delay?: { seconds: number; nanos: number } };
      retryDelayMs = (ri.retry_delay?.seconds ?? 0) * 1000 + Math.round((ri.retry_delay?.nanos ?? 0) / 1e6);
    }
  }
  return retryDelayMs === undefined ? { fieldViolations } : { fieldViolations, retryDelayMs };
}

/** Encodes a `google.rpc.Status` with the given details, the way a server does (for tests and fakes). */
export function encodeStatusDetails(code: number, message: string, details: StatusDetails): Buffer {
  const { status, badRequest, retryInfo } = rpcTypes();
  const any: { type_url: string; value: Uint8Array }[] = [];
  if (details.fieldViolations.length > 0) {
    any.push({ type_url: 'type.googleapis.com/google.rpc.BadRequest', value: badRequest.encode(badRequest.fromObject({ field_violations: details.fieldViolations })).finish() });
  }
  if (details.retryDelayMs !== undefined) {
    const ms = details.retryDelayMs;
    any.push({ type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo.encode(retryInfo.fromObject({ retry_delay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } })).finish() });
  }
  return Buffer.from(status.encode(status.fromObject({ code, message, details: any })).finish());
}
