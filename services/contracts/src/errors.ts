/**
 * Errors of the contracts library. Every one is non-retriable: bytes that do not parse, a
 * schema nobody knows or data that breaks the schema will not get better on a second try,
 * so a consumer dead-letters the message and a producer reports the bug. Callers branch on
 * `code` and `retriable`, never on `message`.
 */

/** Where a Kafka message came from, carried on errors so a dead letter can point back to it. */
export interface MessageOrigin {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
}

/** Base of every error thrown by `@gongkai/contracts`. */
export abstract class ContractError extends Error {
  /** Stable identifier of the failure; safe to switch on and to put in a header. */
  abstract readonly code: string;
  /** Always false: none of these failures is transient. */
  readonly retriable = false as const;
  /** Facts about the failure (header name, fingerprint, field path …), never personal data. */
  readonly context: Readonly<Record<string, unknown>>;

  protected constructor(message: string, context: Record<string, unknown>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.context = Object.freeze({ ...context });
  }
}

/**
 * A Kafka message that cannot be turned back into an event. Subclasses say why; catching
 * this one class is enough to dead-letter every undecodable message.
 */
export abstract class EventDecodeError extends ContractError {}

/** A CloudEvents header the envelope requires is absent or empty. */
export class MissingHeaderError extends EventDecodeError {
  readonly code = 'EVENT_MISSING_HEADER';
  constructor(
    readonly header: string,
    origin: MessageOrigin = {},
  ) {
    super(`message has no ${header} header`, { header, ...origin });
  }
}

/** The headers are present but contradict the envelope or each other. */
export class InvalidEnvelopeError extends EventDecodeError {
  readonly code = 'EVENT_INVALID_ENVELOPE';
  constructor(
    readonly header: string,
    readonly reason: string,
    origin: MessageOrigin = {},
  ) {
    super(`header ${header}: ${reason}`, { header, reason, ...origin });
  }
}

/** The writer schema's fingerprint is not one this registry holds (a newer producer, or a stranger). */
export class UnknownSchemaError extends EventDecodeError {
  readonly code = 'EVENT_UNKNOWN_SCHEMA';
  constructor(
    readonly fingerprint: string,
    origin: MessageOrigin = {},
  ) {
    super(`no schema with fingerprint ${fingerprint}`, { fingerprint, ...origin });
  }
}

/** The value is missing or its bytes do not parse as the writer schema says. */
export class MalformedPayloadError extends EventDecodeError {
  readonly code = 'EVENT_MALFORMED_PAYLOAD';
  constructor(
    readonly eventType: string,
    readonly reason: string,
    origin: MessageOrigin = {},
    cause?: unknown,
  ) {
    super(`${eventType} payload does not parse: ${reason}`, { eventType, reason, ...origin }, cause);
  }
}

/** An event type no schema exists for. */
export class UnknownEventTypeError extends ContractError {
  readonly code = 'EVENT_UNKNOWN_TYPE';
  constructor(readonly eventType: string) {
    super(`unknown event type ${JSON.stringify(eventType)}`, { eventType });
  }
}

/** Data handed to the encoder does not fit the event's schema; a bug in the producer. */
export class InvalidEventDataError extends ContractError {
  readonly code = 'EVENT_INVALID_DATA';
  constructor(
    readonly eventType: string,
    readonly fields: readonly string[],
  ) {
    super(`${eventType} data does not fit its schema at ${fields.join(', ')}`, { eventType, fields });
  }
}

/** An envelope attribute handed to the encoder is unusable (empty source, subject that contradicts the data …). */
export class InvalidEventInputError extends ContractError {
  readonly code = 'EVENT_INVALID_INPUT';
  constructor(
    readonly eventType: string,
    readonly attribute: string,
    readonly reason: string,
  ) {
    super(`${eventType} ${attribute}: ${reason}`, { eventType, attribute, reason });
  }
}

/** A schema file is missing, unreadable, not valid Avro, or breaks the repository's conventions. */
export class SchemaRegistryError extends ContractError {
  readonly code = 'SCHEMA_REGISTRY_INVALID';
  constructor(
    readonly file: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${file}: ${reason}`, { file, reason }, cause);
  }
}
