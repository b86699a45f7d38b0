import { TOPICS, transcodeDocument, withFastUtf8, wrapEncodedEvent } from '@gongkai/contracts';
import { createKafka, type Logger } from '@gongkai/runtime';
import { BatchingPublisher, type OutgoingRecord } from './batching-publisher';
import { payloadHash } from './accepted-event';
import type { DocumentToPublish, ProducerJob, ProducerThreadData, ToMain } from './producer-thread-messages';

/**
 * The gateway's Kafka side: batches records into produce requests (BatchingPublisher) and
 * answers where Kafka put each, with the digest the accepted-events log keeps of it, or why
 * Kafka did not take it — a turn's answers together, through `answer`. It runs on the producer
 * thread (producer-thread.ts) or, with `GATEWAY_PRODUCER_THREAD=false`, on the gRPC thread
 * itself (see ThreadedPublisher).
 */
export class RecordProducer {
  private readonly kafka;
  private readonly producers;
  private readonly admin;
  private readonly publisher: BatchingPublisher;
  private readonly connected: Promise<void>;
  private isConnected = false;
  private stopping = false;
  private replies: ToMain[] = [];
  private flushScheduled = false;

  constructor(
    data: ProducerThreadData,
    private readonly logger: Logger,
    private readonly answer: (batch: ToMain[]) => void,
  ) {
    this.kafka = createKafka({ brokers: data.brokers, clientId: data.clientId, logger });
    // BatchingPublisher names every record's partition; kafkajs's default partitioner would
    // still walk the partition list for each record before taking it.
    this.producers = Array.from({ length: data.producers }, () => this.kafka.producer({ createPartitioner: () => ({ message }) => message.partition ?? 0 }));
    this.admin = this.kafka.kafka.admin();
    this.connected = this.connect().then(() => {
      this.isConnected = true;
    });
    this.connected.catch(() => undefined); // a failure here is only stopping; records see it
    this.publisher = new BatchingPublisher({
      producers: this.producers,
      lingerMs: data.lingerMs,
      patientLingerMs: data.patientLingerMs,
      partitionsOf: async (topic) => {
        await this.connected;
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const count = meta.topics[0]?.partitions.length ?? 0;
        if (count === 0) throw new Error(`topic ${topic} has no partitions`);
        return count;
      },
    });
  }

  publish(jobs: readonly ProducerJob[]): void {
    if (!this.isConnected) {
      this.connected.then(
        () => this.publish(jobs),
        (err: unknown) => {
          for (const { id } of jobs) this.failed(id, err);
        },
      );
      return;
    }
    for (const job of jobs) this.queued.push(job);
    if (!this.slicing) {
      this.slicing = true;
      this.slice();
    }
  }

  /** Jobs handed over and not yet given to the publisher, from `next` on, oldest first. */
  private queued: ProducerJob[] = [];
  private next = 0;
  private slicing = false;
  private afterSlices: (() => void)[] = [];

  /**
   * Up to {@link SLICE_JOBS} jobs now, the rest on later turns of the event loop. A message of a
   * hundred documents is milliseconds of checking and writing Avro; Kafka's answer to the
   * request in flight, and with it the next request, would otherwise wait behind all of it
   * (measured on the gateway benchmark at 8 calls in flight: 10 ms between an answer and the
   * next request, against a 15 ms round trip).
   */
  private slice(): void {
    const end = Math.min(this.queued.length, this.next + SLICE_JOBS);
    while (this.next < end) {
      const job = this.queued[this.next++]!;
      try {
        this.take(job);
      } catch (err) {
        this.failed(job.id, err); // not expected; but one job's fault must not stall the rest
      }
    }
    if (this.next < this.queued.length) {
      if (this.next >= 1024) {
        this.queued.splice(0, this.next);
        this.next = 0;
      }
      setImmediate(() => this.slice());
      return;
    }
    this.queued = [];
    this.next = 0;
    this.slicing = false;
    for (const done of this.afterSlices.splice(0)) done();
  }

  private take(job: ProducerJob): void {
    if (job.kind === 'document') {
      this.publishDocument(job);
      return;
    }
    const { id, record, eventType } = job;
    // Structured clone turns a Buffer into a plain Uint8Array: make it a Buffer again, without copying.
    const outgoing: OutgoingRecord = Buffer.isBuffer(record.value)
      ? (record as OutgoingRecord)
      : { ...record, value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength) };
    const payloadSha256 = payloadHash(eventType, outgoing.value); // now, as a document's (publishDocument)
    this.publisher.publishThen(outgoing, (err, position) => {
      if (position) this.reply({ kind: 'published', id, position, payloadSha256 });
      else this.failed(id, err);
    }, job.patient);
  }

  /** The last buffer of documents seen, and the same bytes as a Buffer the transcoder reads. */
  private documentBytes: Uint8Array | undefined;
  private documentView: Buffer | undefined;

  /**
   * A document as its PublishRequest sent it: checked and written in Avro by the transcoder,
   * its issuing body held to the caller's grant, then sent like any record. What the transcoder
   * does not accept goes back unsent, for the gRPC thread to decode and name what is wrong.
   */
  private publishDocument(job: DocumentToPublish): void {
    const { id } = job;
    if (job.bytes !== this.documentBytes) {
      this.documentBytes = job.bytes;
      this.documentView = withFastUtf8(job.bytes);
    }
    const document = transcodeDocument(this.documentView!, job.start, job.end);
    if (!document) {
      this.reply({ kind: 'notTaken', id, reason: 'unusual', creditCode: '' });
      return;
    }
    const { creditCode } = document;
    if (!job.issuingBodies.includes('*') && !job.issuingBodies.includes(creditCode)) {
      this.reply({ kind: 'notTaken', id, reason: 'denied', creditCode });
      return;
    }
    const encoded = wrapEncodedEvent(
      {
        type: 'document.published',
        source: `/gongkai/upstream/${job.callerId}`,
        id: job.eventId,
        subject: document.publicationId,
        time: new Date(job.time),
        ...(job.traceparent ? { traceparent: job.traceparent } : {}),
      },
      document.value,
    );
    const record: OutgoingRecord = { topic: TOPICS.disclosure, key: encoded.key, value: encoded.value, headers: encoded.headers };
    // Digested now, while the value just written is in the CPU's cache: by Kafka's answer
    // thousands of other values have been written after it.
    const payloadSha256 = payloadHash('document.published', record.value);
    this.publisher.publishThen(record, (err, position) => {
      if (!position) {
        this.failed(id, err);
        return;
      }
      const { publicationId, revision, title } = document;
      this.reply({ kind: 'publishedDocument', id, position, payloadSha256, document: { publicationId, revision, title, creditCode } });
    }, job.patient);
  }

  private failed(id: number, err: unknown): void {
    this.reply({ kind: 'failed', id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }

  /** Send what was handed over, disconnect, and answer 'stopped' last of all. */
  stop(): void {
    this.stopping = true;
    const sliced = this.slicing ? new Promise<void>((done) => this.afterSlices.push(done)) : Promise.resolve();
    void sliced
      .then(() => this.publisher.drain())
      .then(() => Promise.allSettled([...this.producers.map((p) => p.disconnect()), this.admin.disconnect()]))
      .finally(() => this.reply({ kind: 'stopped' }));
  }

  /** Connect, and keep trying while Kafka is away: records wait for it (their callers time out on their own). */
  private async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.admin.connect();
        await Promise.all(this.producers.map((p) => p.connect()));
        return;
      } catch (err) {
        if (this.stopping) throw err;
        this.logger.warn({ err, attempt }, 'Kafka producer could not connect; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  private reply(message: ToMain): void {
    this.replies.push(message);
    this.scheduleFlush();
  }

  /** Answers go out once per turn of the event loop. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.replies;
      this.replies = [];
      this.answer(batch);
    });
  }
}

/** Jobs taken in one turn of the producer thread's event loop (see RecordProducer.slice). */
const SLICE_JOBS = 16;
