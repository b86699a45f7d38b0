import {
  EVENT_FIELD_NAMES,
  InvalidEventDataError,
  avroBytes,
  PUBLISH_ONEOF_TYPES,
  TOPICS,
  transcodePublishRequest,
  encodeEvent,
  eventDataFromProto,
  getDefaultRegistry,
  validateEvent,
  wrapEncodedEvent,
  type EncodedEvent,
  type EventData,
  type EventType,
  type PublishOneofField,
  type RequestStep,
  type TranscodedDocument,
  type Violation,
} from '@gongkai/contracts';
import type { Logger } from '@gongkai/runtime';
import { DocumentNotTaken, UnrecordedError, type RecordPublisher } from './threaded-publisher';
import type { Caller, CallerRegistry } from './caller-registry';
import { ConflictingEventError, GatewayError, InvalidEventError, NotFoundError, NotRecordedError, UnavailableError } from './errors';
import { payloadHash, type AcceptedEvent, type AcceptedFacts } from './accepted-event';
import type { RecordPosition } from './batching-publisher';
import type { AcceptedLog } from './accepted-log';

/** The answer to an accepted event, as PublishResponse carries it. */
export interface PublishResult {
  readonly eventId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** True when this call repeated an event id already accepted: nothing new was written. */
  readonly duplicate: boolean;
}

export interface IngestHandlerDeps {
  readonly callers: CallerRegistry;
  readonly store: Pick<AcceptedLog, 'find' | 'publication' | 'lastRequestStep'> & Partial<Pick<AcceptedLog, 'warmIds'>>;
  /** Publishes to Kafka and records what Kafka took in the store (on the producer thread). */
  readonly publisher: RecordPublisher;
  readonly logger: Logger;
  /** Bound on waiting for Kafka when the call has no deadline (or a later one). */
  readonly publishTimeoutMs: number;
  /** Told of each Kafka outcome, so health can follow it. */
  readonly onKafkaOutcome?: (ok: boolean) => void;
  readonly now?: () => number;
}

/**
 * Told once how an accepted event ended: where Kafka put it, or why not. Never called before
 * the call that took it returns, and it must not throw: it runs inside the loop that answers a
 * whole turn's events.
 */
type Answer = (error: Error | undefined, result?: PublishResult) => void;

/** How an event came: the call's trace context, and whether it may wait for company (a PublishBatch item). */
interface SendOptions {
  readonly traceparent: string | undefined;
  readonly patient: boolean;
}

/** An answer as a promise, for the unary calls; refusals before sending still throw at once. */
function promised(start: (done: Answer) => void): Promise<PublishResult> {
  let settle: Answer = () => undefined;
  const promise = new Promise<PublishResult>((resolve, reject) => {
    settle = (error, result) => (error ? reject(error) : resolve(result!));
  });
  start(settle);
  return promise;
}

/** One item's outcome in a PublishBatch: where Kafka put it, or why it was refused. */
export type BatchItemResult = { ok: PublishResult } | { error: GatewayError | Error };

/** A `PublishRequest` as the gateway's decoder gives it: decoded, or a document left undecoded for the producer thread. */
export type PublishRequestLike = DecodedPublishRequest | UndecodedDocumentRequest;
/**
 * A request as proto-loader decodes `PublishRequest` / `RetractRequest` (camelCase, oneof name
 * in `event`), or with its document already checked and in Avro (`transcoded`, from contracts'
 * document transcoder).
 */
export type DecodedPublishRequest = { eventId?: string; event?: string; transcoded?: TranscodedDocument } & Partial<Record<PublishOneofField, unknown>>;

/**
 * A PublishRequest carrying a document, read only as far as its event id (decision 011). Its
 * document goes on as protobuf bytes to where the producer runs, which checks it and writes it
 * in Avro; `decoded()` is the request as proto-loader reads it, for the rare calls this thread
 * must look into (a retry of an accepted id, a document the transcoder stood aside for).
 */
export class UndecodedDocumentRequest {
  readonly event = 'document';

  constructor(
    readonly eventId: string,
    /** A buffer of their own (they are copied to the producer thread whole): the request is [itemStart, itemEnd) of it. */
    readonly bytes: Buffer,
    readonly itemStart: number,
    readonly itemEnd: number,
    /** The DocumentPublished message inside it. */
    readonly documentStart: number,
    readonly documentEnd: number,
    private readonly decode: (request: Buffer) => DecodedPublishRequest,
  ) {}

  /** Through the transcoder when it accepts the document (then checked and in Avro), else as proto-loader reads it. */
  decoded(): DecodedPublishRequest {
    return transcodePublishRequest(this.bytes, this.itemStart, this.itemEnd) ?? this.decode(this.bytes.subarray(this.itemStart, this.itemEnd));
  }
}
export type RetractRequestLike = { eventId?: string; retraction?: unknown };

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const RETRY_AFTER_MS = 1000;

/**
 * The ingest API's behaviour, free of gRPC: check, deduplicate, publish, remember. Each method
 * throws a GatewayError for the caller (mapped to a status once, in grpc-status.ts).
 */
export class IngestHandler {
  /** Calls under way per caller and event id, so a concurrent retry waits for the first. */
  private readonly inFlight = new Map<string, InFlight>();
  private readonly now: () => number;

  constructor(private readonly deps: IngestHandlerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Publish one event: check, deduplicate, send, remember. Answers within the caller's deadline
   * (UNAVAILABLE when Kafka is slower). `traceparent`: the call's trace context (W3C), carried on
   * into the event's Kafka headers.
   */
  publish(caller: Caller, request: PublishRequestLike, deadline?: number, traceparent?: string): Promise<PublishResult> {
    return this.withinDeadline(promised((done) => this.send(caller, request, { traceparent, patient: false }, done)), deadline);
  }

  retract(caller: Caller, request: RetractRequestLike, deadline?: number, traceparent?: string): Promise<PublishResult> {
    if (request.retraction === null || request.retraction === undefined) {
      throw new InvalidEventError([{ field: 'retraction', rule: 'required', description: 'the retraction to publish is missing' }]);
    }
    const data = eventDataFromProto('publication.retracted', request.retraction);
    return this.withinDeadline(promised((done) => this.accept(caller, request.eventId, 'publication.retracted', data, { traceparent, patient: false }, done)), deadline);
  }

  /**
   * Each item on its own: one bad item fails only itself. Items are published in their order.
   * One deadline for the whole batch: items Kafka has not confirmed by then answer UNAVAILABLE.
   *
   * The array of items is consumed: it is emptied once every item is handed over. The gRPC
   * layer holds the request until the call is answered, and through it every document's text;
   * emptying the array lets that text go while Kafka is waited for, instead of surviving
   * garbage collections as long as the slowest item in the batch.
   */
  publishBatch(caller: Caller, items: PublishRequestLike[], deadline?: number, traceparent?: string): Promise<BatchItemResult[]> {
    const results = new Array<BatchItemResult | undefined>(items.length);
    let open = 0;
    let allSettled: () => void = () => undefined;
    const settle = (index: number, error: Error | undefined, ok?: PublishResult): void => {
      results[index] ??= error ? { error } : { ok: ok! };
      if (--open === 0) allSettled();
    };
    // The caller waits for all its items anyway: they may wait a little for company (decision 015).
    const how: SendOptions = { traceparent, patient: true };
    this.deps.store.warmIds?.(caller.id, items);
    // Documents that go to the producer undecoded travel together, a run of them at a time:
    // any other item goes after the run before it, so the items still go in their order.
    let run: DocumentRun | undefined;
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      open++;
      try {
        const key = this.joinsRun(caller, item);
        if (key !== undefined) {
          if (run && run.bytes !== (item as UndecodedDocumentRequest).bytes) run = this.handRun(run);
          run ??= this.startRun(caller, how, settle, (item as UndecodedDocumentRequest).bytes);
          this.addToRun(run, index, item as UndecodedDocumentRequest, key);
          continue;
        }
        if (run) run = this.handRun(run);
        this.send(caller, item, how, (error, ok) => settle(index, error, ok));
      } catch (error) {
        open--;
        results[index] = { error: error as Error };
      }
    }
    if (run) this.handRun(run);
    items.length = 0;
    if (open === 0) return Promise.resolve(results as BatchItemResult[]);
    const budget = this.budget(deadline);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const late = this.tooLate(budget);
        for (let i = 0; i < results.length; i++) results[i] ??= { error: late };
        resolve(results as BatchItemResult[]);
      }, budget);
      allSettled = () => {
        clearTimeout(timer);
        resolve(results as BatchItemResult[]);
      };
    });
  }

  /**
   * The key of a batch item that can go in a run of documents handed over together: a document
   * left undecoded, with a usable id, of a type the caller may send, neither under way nor
   * accepted before (those take sendUndecoded's road, to be looked into here). Throws as
   * {@link admit} for an unusable id or type.
   */
  private joinsRun(caller: Caller, item: PublishRequestLike): string | undefined {
    if (!(item instanceof UndecodedDocumentRequest) || !this.deps.publisher.publishDocuments) return undefined;
    const key = this.admit(caller, item.eventId, 'document.published');
    // A repeat of an id earlier in the same run is in flight already (addToRun): it goes the other road.
    return this.inFlight.has(key) || this.deps.store.find(caller.id, item.eventId) ? undefined : key;
  }

  private startRun(caller: Caller, how: SendOptions, settle: BatchSettle, bytes: Buffer): DocumentRun {
    return {
      caller,
      how,
      settle,
      bytes,
      entry: { type: 'document.published', value: undefined, waiters: [] },
      items: [],
      keys: [],
      requests: [],
    };
  }

  private addToRun(run: DocumentRun, index: number, request: UndecodedDocumentRequest, key: string): void {
    this.inFlight.set(key, run.entry);
    run.items.push(index);
    run.keys.push(key);
    run.requests.push(request);
  }

  /**
   * Hands a run's documents to the producer at once; each is answered as sendUndecoded answers
   * one. A document the producer did not take goes on as sendUndecoded sends it. Returns
   * undefined, for the caller's `run = this.handRun(run)`.
   */
  private handRun(run: DocumentRun): undefined {
    const { caller, how, entry } = run;
    const group = { callerId: caller.id, time: this.now(), traceparent: how.traceparent, issuingBodies: caller.grant.issuingBodies, bytes: run.bytes, patient: how.patient, documents: run.requests };
    this.deps.publisher.publishDocuments!(group, (i, err, position) => {
      const key = run.keys[i]!;
      const index = run.items[i]!;
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      if (err instanceof DocumentNotTaken) {
        try {
          if (err.reason === 'denied') this.deps.callers.authorize(caller, 'document.published', err.creditCode);
          this.send(caller, run.requests[i]!.decoded(), how, (error, ok) => run.settle(index, error, ok));
        } catch (error) {
          run.settle(index, error as Error);
        }
      } else {
        const [error, result] = this.outcome(run.requests[i]!.eventId, err, position);
        run.settle(index, error, result);
      }
      // The run's entry is shared: a waiting retry of another of its ids asks again, and waits again.
      if (entry.waiters.length > 0) for (const waiter of entry.waiters.splice(0)) waiter(undefined);
    });
    return undefined;
  }

  /** One event of Publish or PublishBatch, without the deadline. */
  private send(caller: Caller, request: PublishRequestLike, how: SendOptions, done: Answer): void {
    if (request instanceof UndecodedDocumentRequest) {
      this.sendUndecoded(caller, request, how, done);
      return;
    }
    const field = request.event as PublishOneofField | undefined;
    const type = field ? PUBLISH_ONEOF_TYPES[field] : undefined;
    if (!field || !type) {
      throw new InvalidEventError([{ field: 'event', rule: 'required', description: 'set one of document, interpretation, procurement or requestStatus' }]);
    }
    if (request.transcoded) this.acceptTranscoded(caller, request.eventId, request.transcoded, how, done);
    else this.accept(caller, request.eventId, type, eventDataFromProto(type, request[field]), how, done);
  }

  /** What the gateway knows of a publication, for a caller allowed to see its issuing body. */
  getPublication(caller: Caller, publicationId: string | undefined) {
    if (!publicationId) throw new InvalidEventError([{ field: 'publicationId', rule: 'required', description: 'name the publication' }]);
    const record = this.deps.store.publication(publicationId);
    if (!record) throw new NotFoundError(`no publication '${publicationId}' has been accepted`);
    this.deps.callers.authorize(caller, record.lastEventType, record.issuingBody ?? undefined);
    return record;
  }

  private accept<T extends EventType>(
    caller: Caller,
    eventId: string | undefined,
    type: T,
    data: EventData<T>,
    how: SendOptions,
    done: Answer,
  ): void {
    const { callers, store } = this.deps;
    const key = this.admit(caller, eventId, type);
    // A retry is recognised before validation: the request's state (its last step, say) has
    // moved on since the first call, and the retry must still get the first answer.
    const again = (): void => this.accept(caller, eventId, type, data, how, done);
    if (this.answeredBefore(caller, eventId!, key, type, () => payloadBytesOrNone(type, data), done, again)) return;

    const previousRequestStep = type === 'request.status_changed' ? (store.lastRequestStep(subjectOf(type, data)) as RequestStep | null) : undefined;
    const violations = validateEvent({ type, data }, previousRequestStep === undefined ? {} : { previousRequestStep });
    if (violations.length > 0) throw new InvalidEventError(violations);

    const issuingBody = issuingBodyOf(type, data, store);
    if (type === 'publication.retracted' && issuingBody === undefined) {
      throw new NotFoundError(`publication '${subjectOf(type, data)}' is unknown to the hub; only what it published can be retracted`);
    }
    callers.authorize(caller, type, issuingBody);

    let encoded;
    try {
      encoded = encodeEvent({ type, source: `/gongkai/upstream/${caller.id}`, id: eventId, data, time: new Date(this.now()), ...(how.traceparent ? { traceparent: how.traceparent } : {}) });
    } catch (err) {
      if (err instanceof InvalidEventDataError) {
        throw new InvalidEventError(err.fields.map((f): Violation => ({ field: `${EVENT_FIELD_NAMES[type]}.${f}`, rule: 'schema', description: 'does not fit the event schema' })));
      }
      throw err;
    }
    this.hand(eventId!, key, type, encoded, acceptedFacts(caller.id, eventId!, type, encoded.key, data, issuingBody), how, done);
  }

  /** {@link accept} for a document the transcoder has already checked and written in Avro. */
  private acceptTranscoded(caller: Caller, eventId: string | undefined, document: TranscodedDocument, how: SendOptions, done: Answer): void {
    const type = 'document.published';
    const key = this.admit(caller, eventId, type);
    const again = (): void => this.acceptTranscoded(caller, eventId, document, how, done);
    if (this.answeredBefore(caller, eventId!, key, type, () => document.value, done, again)) return;
    this.deps.callers.authorize(caller, type, document.creditCode);
    const encoded = wrapEncodedEvent(
      { type, source: `/gongkai/upstream/${caller.id}`, id: eventId, subject: document.publicationId, time: new Date(this.now()), ...(how.traceparent ? { traceparent: how.traceparent } : {}) },
      document.value,
    );
    this.hand(eventId!, key, type, encoded, acceptedFacts(caller.id, eventId!, type, encoded.key, document, document.creditCode), how, done);
  }

  /** A usable event id and a caller allowed the type at all; the key of the call under way. */
  private admit(caller: Caller, eventId: string | undefined, type: EventType): string {
    if (!eventId || !EVENT_ID.test(eventId)) {
      throw new InvalidEventError([
        { field: 'eventId', rule: 'required', description: 'give each event a unique id of 1–128 letters, digits, dots, colons, dashes or underscores; send the same id when retrying' },
      ]);
    }
    this.deps.callers.authorize(caller, type, undefined);
    return `${caller.id}\u0000${eventId}`;
  }

  /**
   * {@link accept} for a document not yet decoded: handed on as it is, unless this thread must
   * look into it. A retry is compared with what was accepted the usual way; a document the
   * transcoder stood aside for is decoded here, and the general road names what is wrong.
   */
  private sendUndecoded(caller: Caller, request: UndecodedDocumentRequest, how: SendOptions, done: Answer): void {
    const { publisher } = this.deps;
    const eventId = request.eventId;
    const type = 'document.published';
    const key = this.admit(caller, eventId, type);
    if (!publisher.publishDocument || this.inFlight.has(key) || this.deps.store.find(caller.id, eventId)) {
      this.send(caller, request.decoded(), how, done);
      return;
    }
    const entry: InFlight = { type, value: undefined, waiters: [] };
    this.inFlight.set(key, entry);
    const { traceparent, patient } = how;
    const document = { callerId: caller.id, eventId, time: this.now(), traceparent, issuingBodies: caller.grant.issuingBodies, bytes: request.bytes, start: request.documentStart, end: request.documentEnd, patient };
    publisher.publishDocument(document, (err, position) => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      if (err instanceof DocumentNotTaken) {
        try {
          if (err.reason === 'denied') this.deps.callers.authorize(caller, type, err.creditCode);
          this.send(caller, request.decoded(), how, done);
        } catch (error) {
          done(error as Error);
        }
      } else {
        const [error, result] = this.outcome(eventId, err, position);
        done(error, result);
      }
      for (const waiter of entry.waiters) waiter(undefined);
    });
  }

  /**
   * Whether the id is a retry: of a call still under way (it waits for the same answer; or,
   * when that call's payload is not known here yet, for it to end, and then asks again) or of
   * an event already accepted (the first answer again). The same id with other data conflicts.
   */
  private answeredBefore(caller: Caller, eventId: string, key: string, type: EventType, payload: () => Buffer | undefined, done: Answer, again: () => void): boolean {
    const running = this.inFlight.get(key);
    if (running) {
      const { value } = running;
      if (value === undefined) {
        running.waiters.push(() => {
          try {
            again();
          } catch (error) {
            done(error as Error);
          }
        });
        return true;
      }
      const bytes = payload();
      if (running.type !== type || !bytes?.equals(value)) throw new ConflictingEventError({ caller: caller.id, eventId });
      running.waiters.push((error, result) => done(error, result && { ...result, duplicate: true }));
      return true;
    }
    const known = this.deps.store.find(caller.id, eventId);
    if (!known) return false;
    const bytes = payload();
    if (!bytes || known.payloadSha256 !== payloadHash(type, bytes)) throw new ConflictingEventError({ caller: caller.id, eventId });
    const result = answer(known, true);
    queueMicrotask(() => done(undefined, result));
    return true;
  }

  /** Hands the encoded event to the producer thread and answers when Kafka has it, or not. */
  private hand(eventId: string, key: string, type: EventType, encoded: EncodedEvent, accepted: AcceptedFacts, how: SendOptions, done: Answer): void {
    const entry: InFlight = { type, value: encoded.value, waiters: [] };
    this.inFlight.set(key, entry);
    const record = { topic: TOPICS.disclosure, ...encoded };
    const answered = (err: Error | undefined, position?: RecordPosition): void => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      const [error, result] = this.outcome(eventId, err, position);
      done(error, result);
      for (const waiter of entry.waiters) waiter(error, result);
    };
    this.deps.publisher.publish(record, accepted, answered, how.patient);
  }

  /** What the caller is told of the publisher's answer. */
  private outcome(eventId: string, err: Error | undefined, position: RecordPosition | undefined): [Error | undefined, PublishResult | undefined] {
    if (err === undefined && position) {
      this.deps.onKafkaOutcome?.(true);
      return [undefined, { eventId, ...position, duplicate: false }];
    }
    if (err instanceof UnrecordedError) return [new NotRecordedError({ cause: err }), undefined]; // Kafka is fine; the gateway's own log is not
    this.deps.onKafkaOutcome?.(false);
    return [new UnavailableError('Kafka did not take the event; nothing was accepted — retry with the same event id', RETRY_AFTER_MS, { cause: err }), undefined];
  }

  /** How long a call may wait for Kafka: the configured bound, or less to answer before the caller's deadline. */
  private budget(deadline: number | undefined): number {
    return Math.max(0, Math.min(this.deps.publishTimeoutMs, deadline === undefined ? Infinity : deadline - this.now() - 50));
  }

  /**
   * The caller gets UNAVAILABLE before its deadline rather than a hang. The send itself goes on:
   * if Kafka takes it later, it is recorded, and the caller's retry gets that answer.
   */
  private withinDeadline(sent: Promise<PublishResult>, deadline?: number): Promise<PublishResult> {
    const budget = this.budget(deadline);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.tooLate(budget)), budget);
      sent.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /** Kafka has not confirmed within the budget: health follows, and the caller is told to retry. */
  private tooLate(budget: number): UnavailableError {
    this.deps.onKafkaOutcome?.(false);
    return new UnavailableError(`Kafka did not confirm the event within ${Math.round(budget)} ms; retry with the same event id`, RETRY_AFTER_MS);
  }
}

function answer(accepted: AcceptedEvent, duplicate: boolean): PublishResult {
  return { eventId: accepted.eventId, topic: accepted.topic, partition: accepted.partition, offset: accepted.offset, duplicate };
}

/** The Avro bytes of data that may not even fit the schema (then none: it matches nothing accepted). */
function payloadBytesOrNone(type: EventType, data: unknown): Buffer | undefined {
  try {
    return avroBytes(getDefaultRegistry().latest(type).type, data);
  } catch {
    return undefined;
  }
}

function subjectOf(type: EventType, data: unknown): string {
  const d = data as { publicationId?: string; requestId?: string };
  return (type === 'request.status_changed' ? d.requestId : d.publicationId) ?? '';
}

/** The issuing body a grant is checked against: the event's own, or for a retraction the publication's. */
function issuingBodyOf(type: EventType, data: unknown, store: IngestHandlerDeps['store']): string | undefined {
  const d = data as { issuingBody?: { creditCode?: string }; handlingBody?: { creditCode?: string }; purchaser?: { creditCode?: string | null }; publicationId?: string };
  switch (type) {
    case 'document.published':
    case 'interpretation.published':
      return d.issuingBody?.creditCode;
    case 'procurement.published':
      return d.purchaser?.creditCode ?? undefined;
    case 'request.status_changed':
      return d.handlingBody?.creditCode;
    case 'publication.retracted': {
      const record = store.publication(d.publicationId ?? '');
      return record ? (record.issuingBody ?? '') : undefined;
    }
    default:
      return undefined;
  }
}

/** What is recorded with the event once Kafka has it; always the same shape (this runs for every event). */
function acceptedFacts(callerId: string, eventId: string, type: EventType, subject: string, data: unknown, issuingBody: string | undefined): AcceptedFacts {
  const d = data as { revision?: number; title?: string; step?: string };
  const publication = type !== 'request.status_changed' && type !== 'publication.retracted';
  return {
    caller: callerId,
    eventId,
    eventType: type,
    subject,
    revision: publication ? d.revision : undefined,
    title: publication ? d.title || undefined : undefined,
    issuingBody: publication ? issuingBody || undefined : undefined,
    requestStep: type === 'request.status_changed' ? (d.step ?? 'UNKNOWN') : undefined,
  };
}

type BatchSettle = (index: number, error: Error | undefined, ok?: PublishResult) => void;

/**
 * Documents of one PublishBatch call, next to each other in its items and in one buffer, that
 * go to the producer together (RecordPublisher.publishDocuments). `items[i]` is document i's
 * place in the call; its key is in flight under the run's one `entry` until it is answered.
 */
interface DocumentRun {
  readonly caller: Caller;
  readonly how: SendOptions;
  readonly settle: BatchSettle;
  readonly bytes: Buffer;
  readonly entry: InFlight;
  readonly items: number[];
  readonly keys: string[];
  /** The documents, handed over as they are (DocumentGroup.documents). */
  readonly requests: UndecodedDocumentRequest[];
}

/**
 * A call under way, so a concurrent retry waits for it. `value`: its Avro bytes, to tell a retry
 * from a conflict; undefined while a document is still protobuf on its way to the producer.
 */
interface InFlight {
  readonly type: EventType;
  readonly value: Buffer | undefined;
  readonly waiters: Answer[];
}
