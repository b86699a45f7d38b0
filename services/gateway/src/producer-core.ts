import { createKafka, type Logger } from '@gongkai/runtime';
import { BatchingPublisher, type OutgoingRecord } from './batching-publisher';
import { AcceptedEventsWriter, recordedEvent, type RecordedEvent } from './idempotency-store';
import type { ProducerThreadData, RecordToPublish, ToMain } from './producer-thread-messages';

/**
 * The gateway's Kafka side: batches records into produce requests (BatchingPublisher), records
 * those Kafka took in the accepted-events file (one transaction for all confirmed in one turn
 * of the event loop), and answers where Kafka put each, or why it did not — a turn's answers
 * together, through `answer`. It runs on the producer thread (producer-thread.ts) or, with
 * `GATEWAY_PRODUCER_THREAD=false`, on the gRPC thread itself (see ThreadedPublisher).
 */
export class RecordProducer {
  private readonly kafka;
  private readonly producers;
  private readonly admin;
  private readonly writer: AcceptedEventsWriter;
  private readonly publisher: BatchingPublisher;
  private readonly pruner: NodeJS.Timeout;
  private readonly connected: Promise<void>;
  private isConnected = false;
  private stopping = false;
  private replies: ToMain[] = [];
  private confirmed: { id: number; event: RecordedEvent }[] = [];
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
    this.writer = new AcceptedEventsWriter(data.acceptedEventsFile, data.retentionMs);
    this.pruner = setInterval(() => {
      try {
        logger.debug({ forgotten: this.writer.prune() }, 'accepted event ids past retention pruned');
      } catch (err) {
        logger.error({ err }, 'could not prune accepted event ids');
      }
    }, 3_600_000);
    this.pruner.unref();
    this.connected = this.connect().then(() => {
      this.isConnected = true;
    });
    this.connected.catch(() => undefined); // a failure here is only stopping; records see it
    this.publisher = new BatchingPublisher({
      producers: this.producers,
      lingerMs: data.lingerMs,
      partitionsOf: async (topic) => {
        await this.connected;
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const count = meta.topics[0]?.partitions.length ?? 0;
        if (count === 0) throw new Error(`topic ${topic} has no partitions`);
        return count;
      },
    });
  }

  publish(records: readonly RecordToPublish[]): void {
    if (!this.isConnected) {
      this.connected.then(
        () => this.publish(records),
        (err: unknown) => {
          for (const { id } of records) this.failed(id, err);
        },
      );
      return;
    }
    for (const { id, record, accepted } of records) {
      // Structured clone turns a Buffer into a plain Uint8Array: make it a Buffer again, without copying.
      const outgoing: OutgoingRecord = Buffer.isBuffer(record.value)
        ? (record as OutgoingRecord)
        : { ...record, value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength) };
      this.publisher.publishThen(outgoing, (err, position) => {
        if (position) this.recordThenReply(id, recordedEvent(accepted, outgoing.value, position, Date.now()));
        else this.failed(id, err);
      });
    }
  }

  private failed(id: number, err: unknown): void {
    this.reply({ kind: 'failed', id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), stage: 'kafka' });
  }

  /** Send what was handed over, disconnect, and answer 'stopped' last of all. */
  stop(): void {
    this.stopping = true;
    clearInterval(this.pruner);
    void this.publisher
      .drain()
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

  private recordThenReply(id: number, event: RecordedEvent): void {
    this.confirmed.push({ id, event });
    this.scheduleFlush();
  }

  /** Answers go out once per turn of the event loop, after that turn's confirmations are recorded. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const recorded = this.confirmed;
      this.confirmed = [];
      try {
        this.writer.record(recorded.map((c) => c.event));
        for (const { id, event } of recorded) this.replies.push({ kind: 'published', id, position: { topic: event.topic, partition: event.partition, offset: event.offset } });
      } catch (err) {
        this.logger.error({ err, events: recorded.length }, 'Kafka took events that could not be recorded as accepted');
        const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        for (const { id } of recorded) this.replies.push({ kind: 'failed', id, error, stage: 'record' });
      }
      const batch = this.replies;
      this.replies = [];
      // 'stopped' goes last of all: nothing is confirmed after it, so the file can close.
      if (batch.some((m) => m.kind === 'stopped')) this.writer.close();
      this.answer(batch);
    });
  }
}
