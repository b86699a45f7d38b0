/**
 * The standard rich error model of gRPC (https://google.aip.dev/193), written and read in one
 * place for every hub API: a `google.rpc.Status` in the `grpc-status-details-bin` trailer,
 * carrying `google.rpc.BadRequest` field violations for bad input,
 * `google.rpc.PreconditionFailure` violations for a request the current state refuses, and
 * `google.rpc.RetryInfo` for a call worth repeating later. Servers map their own errors to a
 * code and these details; clients read them back without parsing the message.
 */
import { Metadata, type status } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { PROTOS_DIR } from './ingest-service';

/** The trailer that carries the serialized `google.rpc.Status`. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

/** A `google.rpc.BadRequest.FieldViolation`: the field's path, a sentence, and the rule (UPPER_SNAKE_CASE) when known. */
export interface StatusFieldViolation {
  readonly field: string;
  readonly description: string;
  readonly reason?: string;
}

/** A `google.rpc.PreconditionFailure.Violation`: why (`type`, e.g. `ALREADY_DECIDED`), about what (`subject`), in words. */
export interface PreconditionViolation {
  readonly type: string;
  readonly subject: string;
  readonly description: string;
}

/** The details a status may carry. */
export interface StatusDetails {
  readonly fieldViolations: readonly StatusFieldViolation[];
  readonly preconditionViolations: readonly PreconditionViolation[];
  /** From `google.rpc.RetryInfo`: how long to wait before repeating the call. */
  readonly retryDelayMs?: number;
}

/** A status as a grpc-js server callback takes it (and a client's `ServiceError` carries it). */
export interface RichStatus {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
}

interface RpcTypes {
  readonly status: protobuf.Type;
  readonly badRequest: protobuf.Type;
  readonly preconditionFailure: protobuf.Type;
  readonly retryInfo: protobuf.Type;
}

let rpcTypes: RpcTypes | undefined;

function types(): RpcTypes {
  if (!rpcTypes) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => `${PROTOS_DIR}/${target}`;
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    rpcTypes = {
      status: root.lookupType('google.rpc.Status'),
      badRequest: root.lookupType('google.rpc.BadRequest'),
      preconditionFailure: root.lookupType('google.rpc.PreconditionFailure'),
      retryInfo: root.lookupType('google.rpc.RetryInfo'),
    };
  }
  return rpcTypes;
}

function any(type: protobuf.Type, value: Record<string, unknown>): { type_url: string; value: Uint8Array } {
  return { type_url: `type.googleapis.com/${type.fullName.slice(1)}`, value: type.encode(type.fromObject(value)).finish() };
}

/** Serializes a `google.rpc.Status` with the given details (what goes into the trailer). */
export function encodeStatusDetails(code: status, message: string, details: Partial<StatusDetails> = {}): Buffer {
  const t = types();
  const packed: { type_url: string; value: Uint8Array }[] = [];
  if (details.fieldViolations && details.fieldViolations.length > 0) {
    packed.push(any(t.badRequest, { field_violations: details.fieldViolations.map((v) => ({ field: v.field, description: v.description, reason: v.reason ?? '' })) }));
  }
  if (details.preconditionViolations && details.preconditionViolations.length > 0) {
    packed.push(any(t.preconditionFailure, { violations: details.preconditionViolations.map((v) => ({ ...v })) }));
  }
  if (details.retryDelayMs !== undefined) {
    const ms = Math.max(0, Math.round(details.retryDelayMs));
    packed.push(any(t.retryInfo, { retry_delay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } }));
  }
  return Buffer.from(t.status.encode(t.status.fromObject({ code, message, details: packed })).finish());
}

/** A status for a server to answer with: the code, the message, and the details in the trailer. */
export function richStatus(code: status, message: string, details: Partial<StatusDetails> = {}): RichStatus {
  const metadata = new Metadata();
  metadata.set(STATUS_DETAILS_TRAILER, encodeStatusDetails(code, message, details));
  return { code, details: message, metadata };
}

/** Decodes a serialized `google.rpc.Status` into the details the hub's APIs use. */
export function decodeStatusDetails(bytes: Uint8Array): StatusDetails {
  const t = types();
  const decoded = t.status.toObject(t.status.decode(bytes), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
  const fieldViolations: StatusFieldViolation[] = [];
  const preconditionViolations: PreconditionViolation[] = [];
  let retryDelayMs: number | undefined;
  for (const detail of decoded.details) {
    if (detail.type_url.endsWith('/google.rpc.BadRequest')) {
      const br = t.badRequest.toObject(t.badRequest.decode(detail.value), { defaults: true }) as { field_violations: StatusFieldViolation[] };
      fieldViolations.push(...br.field_violations.map((v) => ({ field: v.field, description: v.description, ...(v.reason ? { reason: v.reason } : {}) })));
    } else if (detail.type_url.endsWith('/google.rpc.PreconditionFailure')) {
      const pf = t.preconditionFailure.toObject(t.preconditionFailure.decode(detail.value), { defaults: true }) as { violations: PreconditionViolation[] };
      preconditionViolations.push(...pf.violations.map(({ type, subject, description }) => ({ type, subject, description })));
    } else if (detail.type_url.endsWith('/google.rpc.RetryInfo')) {
      const ri = t.retryInfo.toObject(t.retryInfo.decode(detail.value), { defaults: true, longs: Number }) as { retry_delay?: { seconds: number; nanos: number } };
      retryDelayMs = (ri.retry_delay?.seconds ?? 0) * 1000 + Math.round((ri.retry_delay?.nanos ?? 0) / 1e6);
    }
  }
  return retryDelayMs === undefined ? { fieldViolations, preconditionViolations } : { fieldViolations, preconditionViolations, retryDelayMs };
}

/**
 * The details in a failed call's trailers; empty when there are none or they cannot be read
 * (details help people; an unreadable trailer must not hide the status itself).
 */
export function readStatusDetails(metadata: Metadata | undefined): StatusDetails {
  const raw = metadata?.get(STATUS_DETAILS_TRAILER)[0];
  if (!Buffer.isBuffer(raw)) return { fieldViolations: [], preconditionViolations: [] };
  try {
    return decodeStatusDetails(raw);
  } catch {
    return { fieldViolations: [], preconditionViolations: [] };
  }
}
