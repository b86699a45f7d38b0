/**
 * The CloudEvents 1.0 envelope of the hub's Kafka messages, in the Kafka protocol binding's
 * binary mode: attributes travel as `ce_*` headers, the value is the Avro-encoded data.
 *
 * Beside the standard attributes, `ce_dataschema` names the writer schema in words
 * (`urn:gongkai:avro:document.published:v2`) and the extension attribute
 * `ce_avrofingerprint` identifies it exactly: the SHA-256 of its Parsing Canonical Form in
 * hex. The decoder trusts the fingerprint, because it is what the bytes were written with.
 */
import { randomUUID } from 'node:crypto';
import type { Type } from 'avsc';
import { installAvroStringWriter } from './avro-string-writer';
import {
  InvalidEnvelopeError,
  InvalidEventDataError,
  InvalidEventInputError,
  MalformedPayloadError,
  MissingHeaderError,
  UnknownSchemaError,
  type MessageOrigin,
} from './errors';
import { subjectOf, type EventData, type EventType } from './events/event-types';
import { getDefaultRegistry, type SchemaRegistry, type SchemaVersion } from './schema-registry';

/** The CloudEvents specification version the hub writes and accepts. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** `content-type` of every event's value. */
export const AVRO_CONTENT_TYPE = 'application/avro';

/** Header names of the envelope. */
export const EVENT_HEADERS = Object.freeze({
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  /** CloudEvents extension attribute: SHA-256 of the writer schema's canonical form, hex. */
  avroFingerprint: 'ce_avrofingerprint',
  contentType: 'content-type',
  /** W3C Trace Context, carried as OpenTelemetry's Kafka instrumentation does. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const);

/**
 * Headers the hub adds on its internal topics, beside the envelope. They describe the
 * message's journey, never the event, so the event's bytes stay what the gateway accepted.
 */
export const HUB_HEADERS = Object.freeze({
  /** On `released`: channels the event is routed to, comma-separated, e.g. `website,newmedia`. */
  channels: 'gk_channels',
  /** On `released`: the routing plan, JSON `[{ channel, target, dueOn }]` (dueOn `YYYY-MM-DD` or null). */
  route: 'gk_route',
  /** On `review.held`: the gate's findings, JSON in the review.decided Finding shape (excerpts masked). */
  findings: 'gk_findings',
  /** On retry and dead-letter topics: the one channel target the message is for. */
  target: 'gk_target',
  /** On retry and dead-letter topics: attempts made so far. */
  attempt: 'gk_attempt',
  /** On retry topics: RFC 3339 time before which the message must not be retried. */
  notBefore: 'gk_not_before',
  /** On retry and dead-letter topics: the last error's stable code. */
  errorCode: 'gk_error_code',
  /** On retry and dead-letter topics: the last error's message, without personal data. */
  errorMessage: 'gk_error_message',
  /** On dead-letter topics: where the message was consumed when it failed for good. */
  originTopic: 'gk_origin_topic',
  originPartition: 'gk_origin_partition',
  originOffset: 'gk_origin_offset',
} as const);

/** What a producer hands the encoder. */
export interface EventInput<T extends EventType = EventType> {
  readonly type: T;
  /** CloudEvents source: who produced the event, as a URI reference, e.g. `/gongkai/gateway`. */
  readonly source: string;
  readonly data: EventData<T>;
  /** Optional check: when given it must equal the subject the data implies (publication or request id). */
  readonly subject?: string;
  /** Event id; a fresh UUID when absent. Give the upstream's id to make replays detectable. */
  readonly id?: string;
  /** When the occurrence happened; now when absent. */
  readonly time?: Date;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** A Kafka message ready for a producer (kafkajs accepts it as is). */
export interface EncodedEvent {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** A decoded event: the envelope's attributes and the data in its current schema version. */
export interface HubEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly source: string;
  readonly type: T;
  readonly specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  readonly time: Date;
  readonly subject: string;
  readonly dataschema: string;
  /** Fingerprint of the schema the producer wrote with. */
  readonly fingerprint: string;
  /** Version of the schema the producer wrote with; the data is always in the current version. */
  readonly schemaVersion: number;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** The Kafka key as received. */
  readonly key: string | null;
  readonly data: EventData<T>;
}

/** A decoded event of any type; `switch (event.type)` narrows `event.data`. */
export type AnyHubEvent = { [T in EventType]: HubEvent<T> }[EventType];

/** A Kafka header value as kafkajs delivers it. */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a consumed Kafka message the decoder needs (kafkajs' `KafkaMessage` fits). */
export interface KafkaMessageLike {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, KafkaHeaderValue>>;
  readonly offset?: string;
}

/** Options of {@link EventCodec.encode}. */
export interface EncodeOptions {
  /**
   * Write with this older schema version instead of the current one, e.g. while consumers
   * that only know it are still being upgraded. Fields it lacks are dropped.
   */
  readonly schemaVersion?: number;
}

/**
 * `type.toBuffer(data)`, without its double work: avsc encodes into a fixed 1 KiB scratch
 * buffer and, when the value does not fit (every document does not), encodes it all again into
 * a buffer of the right size. This keeps one scratch buffer that grows to the largest value
 * seen, so each value is encoded once and copied out.
 */
export function avroBytes(type: Type, data: unknown): Buffer {
  let end = type.encode(data, scratch, 0);
  if (end < 0) {
    scratch = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, scratch.length - end));
    end = type.encode(data, scratch, 0);
  }
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  return out;
}

let scratch = Buffer.allocUnsafeSlow(64 * 1024);

// Every event's strings go through avsc's string writer; this one walks each string once.
installAvroStringWriter();

const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** The last traceparent found well formed: a batch's events all carry their call's. */
let lastTraceparent: string | undefined;
function wellFormedTraceparent(traceparent: string): boolean {
  if (traceparent === lastTraceparent) return true;
  if (!TRACEPARENT.test(traceparent)) return false;
  lastTraceparent = traceparent;
  return true;
}
/**
 * `new Date(ms).toISOString()`, remembering the last: the events of one call, and of one
 * millisecond, share their time.
 */
function isoTime(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}
let lastIsoMs = Number.NaN;
let lastIso = '';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Encodes and decodes events against one schema registry. */
export class EventCodec {
  constructor(readonly registry: SchemaRegistry) {}

  /**
   * Encodes an event as a Kafka message: Avro value, CloudEvents headers, and the subject
   * (publication id, or request id for request events) as key so one subject's events share
   * a partition and stay in order.
   *
   * @throws InvalidEventDataError when the data does not fit the schema (naming the fields).
   * @throws InvalidEventInputError when an envelope attribute is unusable.
   * @throws UnknownEventTypeError for a type without schema.
   */
  encode<T extends EventType>(input: EventInput<T>, options: EncodeOptions = {}): EncodedEvent {
    const { type, data } = input;
    const writer =
      options.schemaVersion === undefined
        ? this.registry.latest(type)
        : this.registry.version(type, options.schemaVersion);
    if (!writer) throw new InvalidEventInputError(type, 'schemaVersion', `no version ${options.schemaVersion}`);

    // Encode first; only data that does not fit pays for the walk that names the fields.
    let value: Buffer;
    try {
      value = avroBytes(writer.type, data);
    } catch {
      value = Buffer.alloc(0);
    }
    const badFields: string[] = [];
    if (value.length === 0) writer.type.isValid(data, { errorHook: (fieldPath) => badFields.push(fieldPath.join('.') || '(data)') });
    if (badFields.length > 0 || value.length === 0) throw new InvalidEventDataError(type, badFields.length > 0 ? badFields : ['(data)']);

    const subject = subjectOf(type, data);
    if (input.subject !== undefined && input.subject !== subject) {
      throw new InvalidEventInputError(type, 'subject', `"${input.subject}" contradicts the data's "${subject}"`);
    }
    return this.envelope(input, writer, subject, value);
  }

  /**
   * The envelope around an Avro value already written with the current schema of `type` (the
   * gateway's document transcoder writes it straight from protobuf): the same checks and
   * headers as {@link encode}, with the value as given.
   */
  wrap<T extends EventType>(input: Omit<EventInput<T>, 'data'> & { readonly subject: string }, value: Buffer): EncodedEvent {
    return this.envelope(input, this.registry.latest(input.type), input.subject, value);
  }

  private envelope(input: Omit<EventInput, 'data' | 'subject'>, writer: SchemaVersion, subject: string, value: Buffer): EncodedEvent {
    const { type } = input;
    if (subject.length === 0) throw new InvalidEventInputError(type, 'subject', 'the data implies an empty subject');
    if (input.source.length === 0) throw new InvalidEventInputError(type, 'source', 'must not be empty');
    const id = input.id ?? randomUUID();
    if (id.length === 0) throw new InvalidEventInputError(type, 'id', 'must not be empty');
    const ms = (input.time ?? new Date()).getTime();
    if (Number.isNaN(ms)) throw new InvalidEventInputError(type, 'time', 'is not a valid date');

    // The names written out, not computed from EVENT_HEADERS: V8 then builds the object from one
    // template instead of adding nine properties one by one (a test holds them to EVENT_HEADERS).
    const headers: Record<string, string> = {
      ce_id: id,
      ce_source: input.source,
      ce_type: type,
      ce_specversion: CLOUDEVENTS_SPEC_VERSION,
      ce_time: isoTime(ms),
      ce_subject: subject,
      ce_dataschema: writer.dataschema,
      ce_avrofingerprint: writer.fingerprint,
      'content-type': AVRO_CONTENT_TYPE,
    };
    // Tracing must never stop a publication: a malformed traceparent is left behind, not fatal.
    if (input.traceparent !== undefined && wellFormedTraceparent(input.traceparent)) {
      headers[EVENT_HEADERS.traceparent] = input.traceparent;
      if (input.tracestate) headers[EVENT_HEADERS.tracestate] = input.tracestate;
    }
    return { key: subject, value, headers };
  }

  /**
   * Decodes a consumed Kafka message into an event, reading data written with any known
   * schema version into the current one.
   *
   * @param origin where the message was consumed, copied into errors for the dead letter.
   * @throws EventDecodeError (a {@link MissingHeaderError}, {@link InvalidEnvelopeError},
   *   {@link UnknownSchemaError} or {@link MalformedPayloadError}); never retriable.
   */
  decode(message: KafkaMessageLike, origin: MessageOrigin = {}): AnyHubEvent {
    const where: MessageOrigin = { ...origin, ...(message.offset === undefined ? {} : { offset: message.offset }) };
    const headers = message.headers ?? {};
    const required = (name: string): string => {
      const value = headerText(headers[name]);
      if (value === undefined || value.length === 0) throw new MissingHeaderError(name, where);
      return value;
    };

    const specversion = required(EVENT_HEADERS.specversion);
    if (specversion !== CLOUDEVENTS_SPEC_VERSION) {
      throw new InvalidEnvelopeError(EVENT_HEADERS.specversion, `unsupported version "${specversion}"`, where);
    }
    const contentType = required(EVENT_HEADERS.contentType);
    if (contentType.split(';')[0]?.trim().toLowerCase() !== AVRO_CONTENT_TYPE) {
      throw new InvalidEnvelopeError(EVENT_HEADERS.contentType, `expected ${AVRO_CONTENT_TYPE}, got "${contentType}"`, where);
    }
    const type = required(EVENT_HEADERS.type);
    const id = required(EVENT_HEADERS.id);
    const source = required(EVENT_HEADERS.source);
    const subject = required(EVENT_HEADERS.subject);
    const timeText = required(EVENT_HEADERS.time);
    const time = new Date(timeText);
    if (!RFC3339.test(timeText) || Number.isNaN(time.getTime())) {
      throw new InvalidEnvelopeError(EVENT_HEADERS.time, `"${timeText}" is not an RFC 3339 timestamp`, where);
    }

    const fingerprint = required(EVENT_HEADERS.avroFingerprint).toLowerCase();
    const writer: SchemaVersion | undefined = this.registry.byFingerprint(fingerprint);
    if (!writer) throw new UnknownSchemaError(fingerprint, where);
    if (writer.eventType !== type) {
      throw new InvalidEnvelopeError(
        EVENT_HEADERS.type,
        `says "${type}" but the fingerprint is that of ${writer.eventType} v${writer.version}`,
        where,
      );
    }
    const dataschema = headerText(headers[EVENT_HEADERS.dataschema]);
    if (dataschema !== undefined && dataschema !== writer.dataschema) {
      throw new InvalidEnvelopeError(
        EVENT_HEADERS.dataschema,
        `says "${dataschema}" but the fingerprint is that of ${writer.dataschema}`,
        where,
      );
    }

    if (message.value === null || message.value.length === 0) {
      throw new MalformedPayloadError(type, 'the message has no value', where);
    }
    let data: unknown;
    try {
      data = this.registry.read(writer, message.value);
    } catch (err) {
      throw new MalformedPayloadError(type, (err as Error).message, where, err);
    }

    const traceparent = headerText(headers[EVENT_HEADERS.traceparent]);
    const tracestate = headerText(headers[EVENT_HEADERS.tracestate]);
    const hasTrace = traceparent !== undefined && TRACEPARENT.test(traceparent);
    const key = message.key === undefined || message.key === null ? null : message.key.toString();
    return {
      id,
      source,
      type,
      specversion: CLOUDEVENTS_SPEC_VERSION,
      time,
      subject,
      dataschema: writer.dataschema,
      fingerprint: writer.fingerprint,
      schemaVersion: writer.version,
      ...(hasTrace ? { traceparent } : {}),
      ...(hasTrace && tracestate ? { tracestate } : {}),
      key,
      data,
    } as AnyHubEvent;
  }
}

/** A header's text; Kafka allows repeated headers, and as with Java's `lastHeader` the last one wins. */
function headerText(value: KafkaHeaderValue): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}

let defaultCodec: EventCodec | undefined;

function getDefaultCodec(): EventCodec {
  defaultCodec ??= new EventCodec(getDefaultRegistry());
  return defaultCodec;
}

/** {@link EventCodec.encode} with the repository's schemas. */
export function encodeEvent<T extends EventType>(input: EventInput<T>, options?: EncodeOptions): EncodedEvent {
  return getDefaultCodec().encode(input, options);
}

/** {@link EventCodec.wrap} with the repository's schemas. */
export function wrapEncodedEvent<T extends EventType>(input: Omit<EventInput<T>, 'data'> & { readonly subject: string }, value: Buffer): EncodedEvent {
  return getDefaultCodec().wrap(input, value);
}

/** {@link EventCodec.decode} with the repository's schemas. */
export function decodeEvent(message: KafkaMessageLike, origin?: MessageOrigin): AnyHubEvent {
  return getDefaultCodec().decode(message, origin);
}
