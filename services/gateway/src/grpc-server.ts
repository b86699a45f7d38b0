import { Server, status, type Metadata, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type TextMapGetter } from '@opentelemetry/api';
import { HealthImplementation } from 'grpc-health-check';
import {
  loadIngestPackageDefinition,
  documentRequestAt,
  documentTranscoderReady,
  loadIngestServiceForMapping,
  publishBatchItems,
  toFieldViolations,
  withFastUtf8,
  type Violation,
} from '@gongkai/contracts';
import { metadataText, raiseReceiveWindows, type Logger } from '@gongkai/runtime';
import { encodePublishBatchResponse, type BatchResultObject } from './batch-response';
import type { CallerRegistry, Caller } from './caller-registry';
import { GatewayError, InvalidEventError } from './errors';
import { toGrpcStatus } from './grpc-status';
import { UndecodedDocumentRequest, type DecodedPublishRequest, type IngestHandler, type PublishRequestLike, type PublishResult, type RetractRequestLike } from './ingest-handler';
import { lastHeardOf, publicationState, type PublicationStatusStore } from './publication-status';

export const INGEST_SERVICE_NAME = 'gongkai.hub.v1.IngestService';

const tracer = trace.getTracer('@gongkai/gateway');

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (m) => Object.keys(m.getMap()),
  get: (m, key) => {
    const values = m.get(key).filter((v): v is string => typeof v === 'string');
    return values.length > 0 ? values : undefined;
  },
};

export interface GrpcServerOptions {
  readonly handler: IngestHandler;
  readonly callers: CallerRegistry;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** HTTP/2 receive window per connection; each call gets a quarter (see raiseReceiveWindows). */
  readonly receiveWindowBytes?: number;
  /** Counts each call as in-flight work for graceful shutdown. */
  readonly track?: <T>(work: Promise<T>) => Promise<T>;
  /** What review and the channels said of each publication; without it, GetPublication knows only what the gateway accepted. */
  readonly status?: PublicationStatusStore;
}

/** The gateway's gRPC server: the ingest service, standard health checking and server reflection. */
export function createGrpcServer(options: GrpcServerOptions): { server: Server; health: HealthImplementation } {
  const server = new Server({
    // Oversized calls are refused by the transport before a byte is parsed.
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    // Channelz keeps per-call counters and time stamps for a channelz service the gateway does
    // not offer; without it, grpc-js skips that work on every call.
    'grpc.enable_channelz': 0,
  });
  if (options.receiveWindowBytes !== undefined) {
    raiseReceiveWindows(server, { connectionBytes: options.receiveWindowBytes });
  }
  const health = new HealthImplementation({ '': 'NOT_SERVING', [INGEST_SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(loadIngestPackageDefinition()).addToServer(server);

  const service = ingestServiceForGateway();
  const { handler, callers, logger } = options;
  const track = options.track ?? (<T>(w: Promise<T>) => w);

  function unary<Req, Res>(name: string, run: (caller: Caller, request: Req, deadline: number | undefined, traceparent: string | undefined) => Promise<Res> | Res) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const started = Date.now();
      // The caller's trace continues here and on into the Kafka headers (traceparent). The
      // span's context is handed down explicitly, not made "active": an active context would
      // turn on Node's promise hooks for every promise of every call.
      const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
      const span = tracer.startSpan(`${INGEST_SERVICE_NAME}/${name}`, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': name } }, parent);
      const carrier: { traceparent?: string } = {};
      propagation.inject(trace.setSpan(parent, span), carrier);
      void track(
        (async () => {
          let callerId: string | undefined;
          try {
            const caller = callers.authenticate(metadataText(call.metadata, 'authorization'), certificateName(call));
            callerId = caller.id;
            const result = await run(caller, call.request, deadlineOf(call), carrier.traceparent);
            logger.debug({ method: name, caller: callerId, ms: Date.now() - started }, 'call ok');
            callback(null, result);
          } catch (err) {
            const mapped = toGrpcStatus(err);
            span.setAttribute('rpc.grpc.status_code', mapped.code);
            if (mapped.code === status.INTERNAL || mapped.code === status.UNAVAILABLE) span.setStatus({ code: SpanStatusCode.ERROR, message: mapped.details });
            const log = err instanceof GatewayError && !(err instanceof Error && mapped.code === status.INTERNAL) ? logger.info.bind(logger) : logger.error.bind(logger);
            log({ method: name, caller: callerId, code: mapped.code, err: err instanceof GatewayError ? undefined : err, reason: err instanceof GatewayError ? err.message : undefined }, 'call refused');
            callback(mapped);
          } finally {
            span.end();
          }
        })(),
      );
    };
  }

  server.addService(service, {
    Publish: unary('Publish', (caller, request: PublishRequestLike, deadline, traceparent) => handler.publish(caller, request, deadline, traceparent).then(toResponse)),
    Retract: unary('Retract', (caller, request: RetractRequestLike, deadline, traceparent) => handler.retract(caller, request, deadline, traceparent).then(toResponse)),
    PublishBatch: unary('PublishBatch', async (caller, request: { items?: PublishRequestLike[] }, deadline, traceparent) => {
      const results = await handler.publishBatch(caller, request.items ?? [], deadline, traceparent);
      return {
        results: results.map((r, index): BatchResultObject => {
          if ('ok' in r) return { index, published: toResponse(r.ok) };
          const mapped = toGrpcStatus(r.error);
          const violations: Violation[] = r.error instanceof InvalidEventError ? [...r.error.violations] : [];
          return { index, error: { code: mapped.code, message: mapped.details, fieldViolations: toFieldViolations(violations) } };
        }),
      };
    }),
    GetPublication: unary('GetPublication', (caller, request: { publicationId?: string }) => {
      const record = handler.getPublication(caller, request.publicationId);
      const status = options.status?.status(record.publicationId) ?? { release: undefined, decision: undefined, deliveries: [] };
      return {
        publicationId: record.publicationId,
        eventType: record.lastEventType,
        latestRevision: record.latestRevision,
        title: record.title ?? '',
        state: publicationState(record, status),
        updatedAt: timestamp(lastHeardOf(record, status)),
        deliveries: status.deliveries.map((d) => ({
          channel: d.channel,
          target: d.target,
          revision: d.revision,
          outcome: `DELIVERY_OUTCOME_KIND_${d.outcome}`,
          attempts: d.attempts,
          channelReference: d.channelReference ?? '',
          updatedAt: timestamp(d.updatedAt),
          errorCode: d.errorCode ?? '',
          errorMessage: d.errorMessage ?? '',
        })),
      };
    }),
  });
  return { server, health };
}

/**
 * The service (its int64 fields read as numbers: requests only go to eventDataFromProto) with
 * each request decoded through {@link withFastUtf8} (a document's body is most of its bytes),
 * and PublishBatch's answer written by {@link encodePublishBatchResponse}.
 *
 * Publish and PublishBatch read a request carrying a document only as far as its event id
 * (UndecodedDocumentRequest, decision 011): the document goes on as protobuf to the producer
 * thread, which checks it and writes it in Avro (contracts' document transcoder, decision 008).
 * Any other request, and any the reading cannot follow, is decoded as before.
 */
export function ingestServiceForGateway(): ServiceDefinition {
  const service = loadIngestServiceForMapping();
  const decodeItem = service.Publish!.requestDeserialize as (bytes: Buffer) => DecodedPublishRequest;
  /** The requests in bytes [from, to) of `view` (as start, end pairs), each a document left undecoded or decoded now. */
  const requests = (view: Buffer, ranges: readonly number[], from: number, to: number): PublishRequestLike[] => {
    // The documents cross to the producer thread in one copy (structured clone copies a view's
    // whole ArrayBuffer): of these bytes alone, not of a larger buffer gRPC read them into.
    // A request in a buffer nearly of its own goes as it is, without copying it here first:
    // gRPC joins a message that came in several pieces (every large batch) into a new buffer,
    // its 5-byte frame header and then the message.
    const whole = view.buffer.byteLength - view.byteLength <= OWN_BUFFER_SLACK;
    const own = whole ? view : withFastUtf8(Uint8Array.prototype.slice.call(view, from, to));
    const shift = whole ? 0 : from;
    const items: PublishRequestLike[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const start = ranges[i]! - shift;
      const end = ranges[i + 1]! - shift;
      const at = documentRequestAt(own, start, end);
      items.push(at ? new UndecodedDocumentRequest(at.eventId, own, start, end, at.documentStart, at.documentEnd, decodeItem) : decodeItem(own.subarray(start, end)));
    }
    return items;
  };
  const decoders: Record<string, (decode: (bytes: Buffer) => unknown) => (bytes: Buffer) => unknown> = {
    Publish: (decode) => (bytes) => {
      const view = withFastUtf8(bytes);
      return documentTranscoderReady() ? requests(view, [0, view.length], 0, view.length)[0] : decode(view);
    },
    PublishBatch: (decode) => (bytes) => {
      const view = withFastUtf8(bytes);
      const ranges = documentTranscoderReady() ? publishBatchItems(view) : undefined;
      if (!ranges) return decode(view);
      return { items: ranges.length === 0 ? [] : requests(view, ranges, ranges[0]!, ranges[ranges.length - 1]!) };
    },
  };
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => {
      const decode = method.requestDeserialize as (bytes: Buffer) => unknown;
      const encode = name === 'PublishBatch' ? encodePublishBatchResponse : method.responseSerialize;
      const requestDeserialize = decoders[name]?.(decode) ?? ((bytes: Buffer): unknown => decode(withFastUtf8(bytes)));
      return [name, { ...method, requestDeserialize, responseSerialize: encode }];
    }),
  );
}

function toResponse(r: PublishResult) {
  return { eventId: r.eventId, topic: r.topic, partition: r.partition, offset: r.offset, duplicate: r.duplicate };
}

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): number | undefined {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : undefined;
}

function certificateName(call: ServerUnaryCall<unknown, unknown>): string | undefined {
  const cn = call.getAuthContext()?.sslPeerCertificate?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** Epoch milliseconds as a google.protobuf.Timestamp (proto-loader's object form). */
function timestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** Bytes of a request's buffer that may lie outside the request for it to be handed on whole. */
const OWN_BUFFER_SLACK = 64;
