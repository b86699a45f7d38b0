import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { TOPICS, eventDataToProto, loadIngestServiceForMapping } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { createLogger } from '@gongkai/runtime';
import type { OutgoingRecord } from './batching-publisher';
import { CallerRegistry, hashToken } from './caller-registry';
import { InvalidEventError, NotRecordedError, UnavailableError } from './errors';
import { toGrpcStatus } from './grpc-status';
import { payloadHash, recordedEvent, type AcceptedFacts } from './accepted-event';
import { AcceptedLog } from './accepted-log';
import { ingestServiceForGateway } from './grpc-server';
import { IngestHandler, UndecodedDocumentRequest, type PublishRequestLike } from './ingest-handler';
import { UnrecordedError, type DocumentToSend, type PublishDone, type RecordPublisher } from './threaded-publisher';

/** Holds each record until the test lets Kafka answer; then records it, as ThreadedPublisher does. */
class HeldPublisher implements RecordPublisher {
  readonly held: { record: OutgoingRecord; accepted: AcceptedFacts; done: PublishDone; patient: boolean }[] = [];
  /** Documents handed over undecoded (left unanswered). */
  readonly documents: DocumentToSend[] = [];
  constructor(private readonly store: AcceptedLog) {}

  publish(record: OutgoingRecord, accepted: AcceptedFacts, done: PublishDone, patient = false): void {
    this.held.push({ record, accepted, done, patient });
  }

  publishDocument(document: DocumentToSend): void {
    this.documents.push(document);
  }

  /** Kafka takes every held record, but recording them fails (as ThreadedPublisher reports it). */
  answerUnrecorded(): void {
    for (const { done } of this.held.splice(0)) done(new UnrecordedError('Error: ENOSPC: no space left on device, write'));
  }

  /** Kafka takes every held record, at offsets from 0. */
  answerAll(): void {
    this.held.splice(0).forEach(({ record, accepted, done }, offset) => {
      const position = { topic: record.topic, partition: 0, offset: String(offset) };
      this.store.record([recordedEvent(accepted, payloadHash(accepted.eventType, record.value), position, Date.now())]);
      done(undefined, position);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('IngestHandler.publishBatch', () => {
  let dir: string;
  let store: AcceptedLog;
  let publisher: HeldPublisher;
  let handler: IngestHandler;
  const callers = CallerRegistry.fromYaml(`callers:
  - id: docs
    tokenSha256: ${hashToken('t')}
    grant: { eventTypes: ['*'], issuingBodies: ['*'] }
`);
  const caller = callers.authenticate('Bearer t');
  const document = sampleEvents()['document.published'];
  const item = (n: number): PublishRequestLike => ({
    eventId: `batch-${n}`,
    event: 'document',
    document: eventDataToProto('document.published', { ...document, publicationId: `pub-batch-${n}` }),
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-handler-'));
    store = new AcceptedLog(join(dir, 'accepted'), 86_400_000);
    publisher = new HeldPublisher(store);
    handler = new IngestHandler({ callers, store, publisher, logger: createLogger({ service: 'ingest-handler-test', level: 'silent' }), publishTimeoutMs: 5000 });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each item in order, a bad item failing only itself', async () => {
    const items = [item(1), { ...item(2), eventId: 'no spaces allowed' }, item(3)];
    const answered = handler.publishBatch(caller, items, Date.now() + 5000);
    expect(publisher.held.map((h) => h.accepted.eventId)).toEqual(['batch-1', 'batch-3']);
    publisher.answerAll();
    const results = await answered;
    expect(results[0]).toEqual({ ok: { eventId: 'batch-1', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } });
    expect((results[1] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
    expect(results[2]).toMatchObject({ ok: { eventId: 'batch-3', offset: '1', duplicate: false } });
  });

  it('lets go of the items once they are handed over, before Kafka answers', async () => {
    const items = [item(4), item(5)];
    const answered = handler.publishBatch(caller, items, Date.now() + 5000);
    // The gRPC layer keeps the request (and this array) until the call is answered.
    expect(items).toHaveLength(0);
    expect(publisher.held).toHaveLength(2);
    publisher.answerAll();
    expect((await answered).map((r) => ('ok' in r ? r.ok.eventId : r.error.message))).toEqual(['batch-4', 'batch-5']);
  });

  it('answers an id repeated in flight, and again once recorded, with the first answer as a duplicate', async () => {
    const first = handler.publishBatch(caller, [item(9), item(9)], Date.now() + 5000);
    expect(publisher.held).toHaveLength(1); // one send to Kafka for both
    publisher.answerAll();
    const [a, b] = await first;
    expect(a).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } });
    expect(b).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: true } });
    const [again] = await handler.publishBatch(caller, [item(9)], Date.now() + 5000);
    expect(again).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: true } });
    expect(publisher.held).toHaveLength(0);
  });

  it('answers UNAVAILABLE for the items Kafka has not confirmed by the deadline', async () => {
    const results = await handler.publishBatch(caller, [item(6), { eventId: 'batch-7', event: 'nothing' }], Date.now() + 200);
    expect((results[0] as { error: Error }).error).toBeInstanceOf(UnavailableError);
    expect((results[1] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
  });

  it('tells the caller when Kafka took an event the gateway could not record, and to retry with the same id', async () => {
    const answered = handler.publishBatch(caller, [item(10)], Date.now() + 5000);
    publisher.answerUnrecorded();
    const [result] = await answered;
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(NotRecordedError);
    const mapped = toGrpcStatus(error);
    expect(mapped.code).toBe(status.INTERNAL);
    expect(mapped.details).toBe('Kafka has the event, but the gateway could not record that it did; retry with the same event id (the copy it sends is skipped downstream)');
    // Nothing was recorded: the retry is sent again rather than answered as a duplicate.
    const retry = handler.publishBatch(caller, [item(10)], Date.now() + 5000);
    expect(publisher.held).toHaveLength(1);
    publisher.answerAll();
    expect(await retry).toEqual([{ ok: { eventId: 'batch-10', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } }]);
  });

  it("lets a batch's items wait for company in the producer, and no Publish call's (decision 015)", async () => {
    const deadline = Date.now() + 200;
    const calls: Promise<unknown>[] = [handler.publishBatch(caller, [item(11), item(12)], deadline), handler.publish(caller, item(13), deadline)];
    // Documents as the gateway's decoder leaves them, for the producer thread to write in Avro.
    const wire = loadIngestServiceForMapping();
    const gateway = ingestServiceForGateway();
    const undecoded = (gateway.PublishBatch!.requestDeserialize(wire.PublishBatch!.requestSerialize({ items: [item(14), item(15)] })) as { items: PublishRequestLike[] }).items;
    expect(undecoded[0]).toBeInstanceOf(UndecodedDocumentRequest);
    calls.push(handler.publishBatch(caller, undecoded, deadline));
    calls.push(handler.publish(caller, gateway.Publish!.requestDeserialize(wire.Publish!.requestSerialize(item(16))) as PublishRequestLike, deadline).catch(() => 'unanswered'));
    expect(publisher.held.map((h) => [h.accepted.eventId, h.patient])).toEqual([
      ['batch-11', true],
      ['batch-12', true],
      ['batch-13', false],
    ]);
    expect(publisher.documents.map((d) => [d.eventId, d.patient])).toEqual([
      ['batch-14', true],
      ['batch-15', true],
      ['batch-16', false],
    ]);
    publisher.answerAll();
    await Promise.all(calls); // the documents, left unanswered, time out
  });

  it('answers at once when no item was sent', async () => {
    const results = await handler.publishBatch(caller, [{ eventId: 'batch-8' }], Date.now() + 60_000);
    expect((results[0] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
  });
});
