import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@gongkai/runtime';
import type { OutgoingRecord, RecordPosition } from './batching-publisher';
import { documentFacts, recordedEvent, type AcceptedFacts, type RecordedEvent } from './accepted-event';
import { Outbox } from './outbox';
import { RecordProducer } from './producer-core';
import {
  elideRepeats,
  packAnswers,
  packDocument,
  packDocuments,
  packRecord,
  readAnswers,
  unpackRecords,
  type DocumentGroup,
  type DocumentToPublish,
  type NotTakenReason,
  type PackedAnswers,
  type PackedRecord,
  type ProducerJob,
  type ProducerThreadData,
  type PublishedDocument,
  type ToProducer,
} from './producer-thread-messages';

/** Hands records to Kafka, has those Kafka took recorded as accepted, and learns where they went. */
export interface RecordPublisher {
  /**
   * `done` is called once: with where Kafka put the record, or with why it did not (a
   * ProducerError, or an UnrecordedError when Kafka took it but it could not be recorded). A
   * callback, not a promise: a batch of a hundred events would otherwise make a hundred promises
   * and their reactions, which the gRPC thread pays for in time and garbage. `patient`: the
   * record may wait a little for company (a PublishBatch item; decision 015).
   */
  publish(record: OutgoingRecord, accepted: AcceptedFacts, done: PublishDone, patient?: boolean): void;
  /**
   * A `document.published` event as its request's protobuf document, made into a record where
   * the producer runs (decision 011). `done` as for {@link publish}, or with a DocumentNotTaken
   * when the document was not sent: the transcoder stood aside, or the grant does not cover
   * its issuing body. Publishers without it get every document decoded and encoded by the caller.
   * `document.patient` as `patient` for {@link publish}.
   */
  publishDocument?(document: DocumentToSend, done: PublishDone): void;
  /**
   * A PublishBatch call's documents, each published as {@link publishDocument} publishes one,
   * handed over together: `done(i, …)` is called once for each document i, as `done` is for
   * publishDocument. Publishers without it get each document through publishDocument.
   */
  publishDocuments?(group: DocumentGroup, done: GroupDone): void;
  /** Resolves when every record handed over so far has been sent or failed, and the producer is closed. */
  close(): Promise<void>;
}

export type PublishDone = (error: Error | undefined, position?: RecordPosition) => void;

/** {@link PublishDone} for document `index` of a group. */
export type GroupDone = (index: number, error: Error | undefined, position?: RecordPosition) => void;

export type DocumentToSend = Omit<DocumentToPublish, 'kind' | 'id'>;

/** The producer did not send a document (see NotTakenReason); for a denial, the issuing body it names. */
export class DocumentNotTaken extends Error {
  override readonly name = 'DocumentNotTaken';
  constructor(
    readonly reason: NotTakenReason,
    readonly creditCode: string,
  ) {
    super(reason === 'denied' ? `the grant does not cover issuing body ${creditCode}` : 'the document transcoder stood aside');
  }
}

/** A Kafka producer failed to take a record; its message says why (from the producer thread). */
export class ProducerError extends Error {
  override readonly name = 'ProducerError';
  readonly code = 'KAFKA_PRODUCE_FAILED';
  readonly retriable = true;
}

/** Kafka took the record, but it could not be recorded as accepted (the accepted-events log failed). */
export class UnrecordedError extends Error {
  override readonly name = 'UnrecordedError';
  readonly code = 'ACCEPTED_EVENT_NOT_RECORDED';
}

/** Where events Kafka took are recorded (the accepted-events log). */
export interface AcceptedRecorder {
  /** Records them all or throws, recording none. */
  record(events: readonly RecordedEvent[]): void;
}

/**
 * The gRPC thread's side of the producer (producer-core.ts). On its own thread (the default),
 * records travel in few messages (see Outbox), each record as an array (PackedRecord), and so
 * do the answers; with `onThread: false` the producer runs here and is called directly. The
 * events of one message of answers that Kafka took are recorded together, before any of their
 * callers is answered: a retry that follows an answer finds the event recorded.
 */
export class ThreadedPublisher implements RecordPublisher {
  private readonly worker: Worker | undefined;
  private readonly local: RecordProducer | undefined;
  /**
   * Each job handed over, by id: a record with what is recorded of it, a document with its
   * caller and id, or a group's document (the group's ids follow one another from `firstId`).
   */
  private readonly waiting = new Map<number, Waiting | GroupWaiting>();
  private readonly outbox = new Outbox<PackedRecord>((records) => {
    elideRepeats(records);
    this.worker?.postMessage({ kind: 'publish', records } satisfies ToProducer);
  });
  private nextId = 0;
  private readonly logger: Logger;
  private stopped: Promise<void> | undefined;
  private onStopped: (() => void) | undefined;

  constructor(
    data: ProducerThreadData,
    private readonly recorder: AcceptedRecorder,
    options: { onThread: boolean; logger: Logger },
  ) {
    this.logger = options.logger;
    if (options.onThread) {
      this.worker = new Worker(join(__dirname, 'producer-thread.js'), { workerData: data });
      this.worker.on('message', (answers: PackedAnswers) => this.answered(answers));
      this.worker.on('error', (err) => this.failAll(err));
      this.worker.on('exit', (code) => this.failAll(new ProducerError(`the producer thread exited (code ${code})`)));
    } else {
      this.local = new RecordProducer(data, options.logger.child({ component: 'producer' }), (batch) => this.answered(packAnswers(batch)));
    }
  }

  publish(record: OutgoingRecord, accepted: AcceptedFacts, done: PublishDone, patient = false): void {
    if (this.stopped) {
      // Asynchronously, as every other answer: the caller has not finished its own bookkeeping yet.
      queueMicrotask(() => done(new ProducerError('the gateway is shutting down')));
      return;
    }
    const id = this.nextId++;
    this.waiting.set(id, { done, accepted, callerId: accepted.caller, eventId: accepted.eventId });
    this.hand({ id, record, eventType: accepted.eventType, patient });
  }

  publishDocument(document: DocumentToSend, done: PublishDone): void {
    if (this.stopped) {
      queueMicrotask(() => done(new ProducerError('the gateway is shutting down')));
      return;
    }
    const id = this.nextId++;
    this.waiting.set(id, { done, accepted: undefined, callerId: document.callerId, eventId: document.eventId });
    // Packed straight from the caller's object: a job object spread from it first cost the gRPC thread an object per event.
    if (this.local) this.local.publish([{ kind: 'document', id, ...document }]);
    else this.outbox.put(packDocument(id, document));
  }

  publishDocuments(group: DocumentGroup, done: GroupDone): void {
    const count = group.documents.length;
    if (this.stopped) {
      queueMicrotask(() => {
        for (let i = 0; i < count; i++) done(i, new ProducerError('the gateway is shutting down'));
      });
      return;
    }
    const firstId = this.nextId;
    this.nextId += count;
    const waiting: GroupWaiting = { group, done, firstId };
    for (let i = 0; i < count; i++) this.waiting.set(firstId + i, waiting);
    if (this.local) this.local.publish(unpackRecords([packDocuments(firstId, group)]));
    else this.outbox.put(packDocuments(firstId, group));
  }

  private hand(job: ProducerJob): void {
    if (this.local) this.local.publish([job]);
    else this.outbox.put(packRecord(job));
  }

  close(): Promise<void> {
    this.stopped ??= new Promise<void>((done) => {
      this.outbox.flush();
      this.onStopped = done;
      if (this.local) this.local.stop();
      else this.worker?.postMessage({ kind: 'stop' } satisfies ToProducer);
    }).then(() => this.worker?.terminate().then(() => undefined));
    return this.stopped;
  }

  private answered(answers: PackedAnswers): void {
    readAnswers(answers, this.onAnswer);
    const { taken, events } = this;
    this.taken = [];
    this.events = [];
    let unrecorded: UnrecordedError | undefined;
    if (events.length > 0) {
      try {
        this.recorder.record(events);
      } catch (err) {
        this.logger.error({ err, events: events.length }, 'Kafka took events that could not be recorded as accepted');
        unrecorded = new UnrecordedError(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
    }
    for (const { waiting, id, error, position } of taken) {
      if (error) tell(waiting, id, error);
      else if (unrecorded) tell(waiting, id, unrecorded);
      else tell(waiting, id, undefined, position);
    }
  }

  /** The answers of one message, and the events among them Kafka took. */
  private taken: { waiting: Waiting | GroupWaiting; id: number; error?: Error; position?: RecordPosition }[] = [];
  private events: RecordedEvent[] = [];

  private readonly onAnswer = {
    published: (id: number, position: RecordPosition, payloadSha256: string): void => {
      const waiting = this.take(id);
      if (!waiting || 'group' in waiting) return; // a group's jobs are documents
      this.events.push(recordedEvent(waiting.accepted!, payloadSha256, position, Date.now()));
      this.taken.push({ waiting, id, position });
    },
    publishedDocument: (id: number, position: RecordPosition, payloadSha256: string, document: PublishedDocument): void => {
      const waiting = this.take(id);
      if (!waiting) return;
      const facts = 'group' in waiting ? documentFacts(waiting.group.callerId, waiting.group.documents[id - waiting.firstId]!.eventId, document) : documentFacts(waiting.callerId, waiting.eventId, document);
      this.events.push(recordedEvent(facts, payloadSha256, position, Date.now()));
      this.taken.push({ waiting, id, position });
    },
    notTaken: (id: number, reason: NotTakenReason, creditCode: string): void => {
      const waiting = this.take(id);
      if (waiting) this.taken.push({ waiting, id, error: new DocumentNotTaken(reason, creditCode) });
    },
    failed: (id: number, error: string): void => {
      const waiting = this.take(id);
      if (waiting) this.taken.push({ waiting, id, error: new ProducerError(error) });
    },
    stopped: (): void => this.onStopped?.(),
  };

  private take(id: number): Waiting | GroupWaiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    return waiting;
  }

  private failAll(err: Error): void {
    for (const [id, waiting] of this.waiting) tell(waiting, id, err);
    this.waiting.clear();
    this.onStopped?.();
  }
}

/** Answers job `id`: a job of its own, or a group's document. */
function tell(waiting: Waiting | GroupWaiting, id: number, error: Error | undefined, position?: RecordPosition): void {
  if ('group' in waiting) waiting.done(id - waiting.firstId, error, position);
  else waiting.done(error, position);
}

/** A group of documents handed over (publishDocuments): document i is job firstId + i. */
interface GroupWaiting {
  readonly group: DocumentGroup;
  readonly done: GroupDone;
  readonly firstId: number;
}

/** A job handed over; `accepted` only for records (a document's facts come back with its answer). */
interface Waiting {
  readonly done: PublishDone;
  readonly accepted: AcceptedFacts | undefined;
  readonly callerId: string;
  readonly eventId: string;
}
