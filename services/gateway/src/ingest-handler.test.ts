import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { TOPICS, eventDataToProto, loadIngestServiceForMapping, transcodeDocument } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { createLogger } from '@gongkai/runtime';
import type { OutgoingRecord } from './batching-publisher';
import { CallerRegistry, hashToken } from './caller-registry';
import { InvalidEventError, NotRecordedError, UnavailableError } from './errors';
import { toGrpcStatus } from './grpc-status';
import { documentFacts, payloadHash, recordedEvent, type AcceptedFacts } from './accepted-event';
import { AcceptedLog } from './accepted-log';
import { ingestServiceForGateway } from './grpc-server';
import { IngestHandler, UndecodedDocumentRequest, type PublishRequestLike } from './ingest-handler';
import type { DocumentGroup } from './producer-thread-messages';
import { DocumentNotTaken, UnrecordedError, type DocumentToSend, type GroupDone, type PublishDone, type RecordPublisher } from './threaded-publisher';

/** Holds each record until the test lets Kafka answer; then records it, as ThreadedPublisher does. */
class HeldPublisher implements RecordPublisher {
  readonly held: { record: OutgoingRecord; accepted: AcceptedFacts; done: PublishDone; patient: boolean }[] = [];
  /** Documents handed over undecoded (left unanswered). */
  readonly documents: DocumentToSend[] = [];
  /** Event ids in the order they were handed over, records and documents alike. */
  readonly order: string[] = [];
  constructor(protected readonly store: AcceptedLog) {}

  publish(record: OutgoingRecord, accepted: AcceptedFacts, done: PublishDone, patient = false): void {
    this.order.push(accepted.eventId);
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

/** HeldPublisher that also takes a batch's documents together, and answers them as the producer thread would. */
class GroupPublisher extends HeldPublisher {
  readonly groups: { group: DocumentGroup; done: GroupDone }[] = [];
  private offset = 100;

  publishDocuments(group: DocumentGroup, done: GroupDone): void {
    this.order.push(...group.documents.map((d) => d.eventId));
    this.groups.push({ group, done });
  }

  /** Kafka takes every document held (offsets from 100), but those `notTaken` names, which the producer did not send. */
  answerGroups(notTaken: Record<string, DocumentNotTaken> = {}): void {
    for (const { group, done } of this.groups.splice(0)) {
      group.documents.forEach(({ eventId, documentStart, documentEnd }, i) => {
        const refused = notTaken[eventId];
        if (refused) {
          done(i, refused);
          return;
        }
        const document = transcodeDocument(Buffer.from(group.bytes.buffer, group.bytes.byteOffset, group.bytes.byteLength), documentStart, documentEnd)!;
        const position = { topic: TOPICS.disclosure, partition: 0, offset: String(this.offset++) };
        this.store.record([recordedEvent(documentFacts(group.callerId, eventId, document), payloadHash('document.published', document.value), position, Date.now())]);
        done(i, undefined, position);
      });
    }
  }
}

const callers = CallerRegistry.fromYaml(`callers:
  - id: docs
    tokenSha256: ${hashToken('t')}
    grant: { eventTypes: ['*'], issuingBodies: ['*'] }
`);
const caller = callers.authenticate('Bearer t');
const samples = sampleEvents();
const item = (n: number): PublishRequestLike => ({
  eventId: `batch-${n}`,
  event: 'document',
  document: eventDataToProto('document.published', { ...samples['document.published'], publicationId: `pub-batch-${n}` }),
});

/** A handler over a new accepted-events log and the publisher `make` gives it, made again for each test. */
function withHandler<P extends HeldPublisher>(make: (store: AcceptedLog) => P): { store: AcceptedLog; publisher: P; handler: IngestHandler } {
  const fixture = {} as { store: AcceptedLog; publisher: P; handler: IngestHandler };
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-handler-'));
    fixture.store = new AcceptedLog(join(dir, 'accepted'), 86_400_000);
    fixture.publisher = make(fixture.store);
    fixture.handler = new IngestHandler({ callers, store: fixture.store, publisher: fixture.publisher, logger: createLogger({ service: 'ingest-handler-test', level: 'silent' }), publishTimeoutMs: 5000 });
  });
  afterEach(() => {
    fixture.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}

describe('IngestHandler.publishBatch', () => {
  const t = withHandler((store) => new HeldPublisher(store));

  it('answers each item in order, a bad item failing only itself', async () => {
    const items = [item(1), { ...item(2), eventId: 'no spaces allowed' }, item(3)];
    const answered = t.handler.publishBatch(caller, items, Date.now() + 5000);
    expect(t.publisher.held.map((h) => h.accepted.eventId)).toEqual(['batch-1', 'batch-3']);
    t.publisher.answerAll();
    const results = await answered;
    expect(results[0]).toEqual({ ok: { eventId: 'batch-1', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } });
    expect((results[1] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
    expect(results[2]).toMatchObject({ ok: { eventId: 'batch-3', offset: '1', duplicate: false } });
  });

  it('lets go of the items once they are handed over, before Kafka answers', async () => {
    const items = [item(4), item(5)];
    const answered = t.handler.publishBatch(caller, items, Date.now() + 5000);
    // The gRPC layer keeps the request (and this array) until the call is answered.
    expect(items).toHaveLength(0);
    expect(t.publisher.held).toHaveLength(2);
    t.publisher.answerAll();
    expect((await answered).map((r) => ('ok' in r ? r.ok.eventId : r.error.message))).toEqual(['batch-4', 'batch-5']);
  });

  it('answers an id repeated in flight, and again once recorded, with the first answer as a duplicate', async () => {
    const first = t.handler.publishBatch(caller, [item(9), item(9)], Date.now() + 5000);
    expect(t.publisher.held).toHaveLength(1); // one send to Kafka for both
    t.publisher.answerAll();
    const [a, b] = await first;
    expect(a).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } });
    expect(b).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: true } });
    const [again] = await t.handler.publishBatch(caller, [item(9)], Date.now() + 5000);
    expect(again).toEqual({ ok: { eventId: 'batch-9', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: true } });
    expect(t.publisher.held).toHaveLength(0);
  });

  it('answers UNAVAILABLE for the items Kafka has not confirmed by the deadline', async () => {
    const results = await t.handler.publishBatch(caller, [item(6), { eventId: 'batch-7', event: 'nothing' }], Date.now() + 200);
    expect((results[0] as { error: Error }).error).toBeInstanceOf(UnavailableError);
    expect((results[1] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
  });

  it('tells the caller when Kafka took an event the gateway could not record, and to retry with the same id', async () => {
    const answered = t.handler.publishBatch(caller, [item(10)], Date.now() + 5000);
    t.publisher.answerUnrecorded();
    const [result] = await answered;
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(NotRecordedError);
    const mapped = toGrpcStatus(error);
    expect(mapped.code).toBe(status.INTERNAL);
    expect(mapped.details).toBe('Kafka has the event, but the gateway could not record that it did; retry with the same event id (the copy it sends is skipped downstream)');
    // Nothing was recorded: the retry is sent again rather than answered as a duplicate.
    const retry = t.handler.publishBatch(caller, [item(10)], Date.now() + 5000);
    expect(t.publisher.held).toHaveLength(1);
    t.publisher.answerAll();
    expect(await retry).toEqual([{ ok: { eventId: 'batch-10', topic: TOPICS.disclosure, partition: 0, offset: '0', duplicate: false } }]);
  });

  it("lets a batch's items wait for company in the producer, and no Publish call's (decision 015)", async () => {
    const deadline = Date.now() + 200;
    const calls: Promise<unknown>[] = [t.handler.publishBatch(caller, [item(11), item(12)], deadline), t.handler.publish(caller, item(13), deadline)];
    // Documents as the gateway's decoder leaves them, for the producer thread to write in Avro.
    const wire = loadIngestServiceForMapping();
    const gateway = ingestServiceForGateway();
    const undecoded = (gateway.PublishBatch!.requestDeserialize(wire.PublishBatch!.requestSerialize({ items: [item(14), item(15)] })) as { items: PublishRequestLike[] }).items;
    expect(undecoded[0]).toBeInstanceOf(UndecodedDocumentRequest);
    calls.push(t.handler.publishBatch(caller, undecoded, deadline));
    calls.push(t.handler.publish(caller, gateway.Publish!.requestDeserialize(wire.Publish!.requestSerialize(item(16))) as PublishRequestLike, deadline).catch(() => 'unanswered'));
    expect(t.publisher.held.map((h) => [h.accepted.eventId, h.patient])).toEqual([
      ['batch-11', true],
      ['batch-12', true],
      ['batch-13', false],
    ]);
    expect(t.publisher.documents.map((d) => [d.eventId, d.patient])).toEqual([
      ['batch-14', true],
      ['batch-15', true],
      ['batch-16', false],
    ]);
    t.publisher.answerAll();
    await Promise.all(calls); // the documents, left unanswered, time out
  });

  it('answers at once when no item was sent', async () => {
    const results = await t.handler.publishBatch(caller, [{ eventId: 'batch-8' }], Date.now() + 60_000);
    expect((results[0] as { error: Error }).error).toBeInstanceOf(InvalidEventError);
  });
});

describe('IngestHandler.publishBatch, documents handed over together', () => {
  const t = withHandler((store) => new GroupPublisher(store));
  const interpretation = (n: number): PublishRequestLike => ({
    eventId: `batch-${n}`,
    event: 'interpretation',
    interpretation: eventDataToProto('interpretation.published', samples['interpretation.published']),
  });
  const wire = loadIngestServiceForMapping();
  const gateway = ingestServiceForGateway();
  /** The items as the gateway's decoder gives them: documents left undecoded, in one buffer. */
  const received = (...items: PublishRequestLike[]): PublishRequestLike[] =>
    (gateway.PublishBatch!.requestDeserialize(wire.PublishBatch!.requestSerialize({ items })) as { items: PublishRequestLike[] }).items;
  const answers = (results: { ok: { eventId: string; offset: string; duplicate: boolean } } | { error: Error }) => ('ok' in results ? [results.ok.eventId, results.ok.offset, results.ok.duplicate] : results.error.name);

  it('hands over each run of documents at once, other items between them in their order, and answers every item', async () => {
    const items = received(item(21), item(22), interpretation(23), { eventId: 'bad id', event: 'document', document: {} }, item(24));
    expect(items[0]).toBeInstanceOf(UndecodedDocumentRequest);
    const answered = t.handler.publishBatch(caller, items, Date.now() + 5000);
    expect(t.publisher.groups.map((g) => g.group.documents.map((d) => d.eventId))).toEqual([['batch-21', 'batch-22'], ['batch-24']]);
    expect(t.publisher.order).toEqual(['batch-21', 'batch-22', 'batch-23', 'batch-24']);
    expect(t.publisher.groups.every((g) => g.group.patient && g.group.callerId === 'docs')).toBe(true);
    t.publisher.answerGroups();
    t.publisher.answerAll();
    expect((await answered).map(answers)).toEqual([['batch-21', '100', false], ['batch-22', '101', false], ['batch-23', '0', false], 'InvalidEventError', ['batch-24', '102', false]]);
    expect(t.store.publication('pub-batch-22')?.lastEventId).toBe('batch-22');
  });

  it('answers an id repeated in the run, and a concurrent retry from another call, with the first answer as duplicates', async () => {
    const first = t.handler.publishBatch(caller, received(item(31), item(32), item(31)), Date.now() + 5000);
    const retry = t.handler.publishBatch(caller, received(item(32)), Date.now() + 5000);
    expect(t.publisher.groups.map((g) => g.group.documents.map((d) => d.eventId))).toEqual([['batch-31', 'batch-32']]);
    t.publisher.answerGroups();
    expect((await first).map(answers)).toEqual([['batch-31', '100', false], ['batch-32', '101', false], ['batch-31', '100', true]]);
    expect((await retry).map(answers)).toEqual([['batch-32', '101', true]]);
    expect(t.publisher.held).toHaveLength(0);
    // Once recorded, a retry is answered from the log without being handed over.
    expect((await t.handler.publishBatch(caller, received(item(31)), Date.now() + 5000)).map(answers)).toEqual([['batch-31', '100', true]]);
    expect(t.publisher.groups).toHaveLength(0);
  });

  it('sends a document the producer did not take the general way, and the rest of its run as usual', async () => {
    const answered = t.handler.publishBatch(caller, received(item(41), item(42), item(43)), Date.now() + 5000);
    t.publisher.answerGroups({ 'batch-42': new DocumentNotTaken('unusual', '') });
    // Decoded on this thread, checked and encoded the general way, then sent.
    expect(t.publisher.held.map((h) => [h.accepted.eventId, h.patient])).toEqual([['batch-42', true]]);
    t.publisher.answerAll();
    expect((await answered).map(answers)).toEqual([['batch-41', '100', false], ['batch-42', '0', false], ['batch-43', '101', false]]);
  });

  it('answers UNAVAILABLE for the documents of a run Kafka has not confirmed by the deadline, and lets their retry through', async () => {
    const results = await t.handler.publishBatch(caller, received(item(51), item(52)), Date.now() + 200);
    expect(results.map(answers)).toEqual(['UnavailableError', 'UnavailableError']);
    t.publisher.groups.splice(0)[0]!.done(0, new Error('KafkaJSConnectionError: Connection timeout'));
    // The first is no longer in flight: its retry is handed over again; the second still waits for Kafka.
    const again = t.handler.publishBatch(caller, received(item(51)), Date.now() + 5000);
    expect(t.publisher.groups.map((g) => g.group.documents.map((d) => d.eventId))).toEqual([['batch-51']]);
    t.publisher.answerGroups();
    expect((await again).map(answers)).toEqual([['batch-51', '100', false]]);
  });
});
