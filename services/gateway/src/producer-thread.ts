/**
 * The gateway's Kafka producer, on a worker thread of its own: encoding record batches is the
 * largest single cost of a publish, and here it runs beside the gRPC work instead of after it.
 * The main thread posts records; this thread batches them (BatchingPublisher), records those
 * Kafka took in the accepted-events file (one transaction for all confirmed in one turn), and
 * posts back where Kafka put each, or why it did not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createLogger } from '@gongkai/runtime';
import { BatchingPublisher, type OutgoingRecord, type RecordPosition } from './batching-publisher';
import { AcceptedEventsWriter, type RecordedEvent } from './idempotency-store';
import type { ProducerThreadData, ToMain, ToProducer } from './producer-thread-messages';

const data = workerData as ProducerThreadData;
const port = parentPort;
if (!port) throw new Error('producer-thread.js runs as a worker thread of the gateway');

const logger = createLogger({ service: 'gateway', level: data.logLevel }).child({ component: 'producer-thread' });
const kafka = createKafka({ brokers: data.brokers, clientId: data.clientId, logger });
const producers = Array.from({ length: data.producers }, () => kafka.producer());
const admin = kafka.kafka.admin();
const writer = new AcceptedEventsWriter(data.acceptedEventsFile, data.retentionMs);
const pruner = setInterval(() => {
  try {
    logger.debug({ forgotten: writer.prune() }, 'accepted event ids past retention pruned');
  } catch (err) {
    logger.error({ err }, 'could not prune accepted event ids');
  }
}, 3_600_000);
pruner.unref();
let stopping = false;

/** Connect, and keep trying while Kafka is away: records wait for it (their callers time out on their own). */
const connected = (async () => {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.connect();
      await Promise.all(producers.map((p) => p.connect()));
      return;
    } catch (err) {
      if (stopping) throw err;
      logger.warn({ err, attempt }, 'Kafka producer could not connect; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
    }
  }
})();

const publisher = new BatchingPublisher({
  producers,
  lingerMs: data.lingerMs,
  partitionsOf: async (topic) => {
    await connected;
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = meta.topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new Error(`topic ${topic} has no partitions`);
    return count;
  },
});

let replies: ToMain[] = [];
let confirmed: { id: number; event: RecordedEvent }[] = [];

/** Answers go back once per turn of the event loop, after that turn's confirmations are recorded. */
function reply(message: ToMain): void {
  replies.push(message);
  scheduleFlush();
}

function recordThenReply(id: number, event: RecordedEvent): void {
  confirmed.push({ id, event });
  scheduleFlush();
}

let flushScheduled = false;
function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    const recorded = confirmed;
    confirmed = [];
    try {
      writer.record(recorded.map((c) => c.event));
      for (const { id, event } of recorded) replies.push({ kind: 'published', id, position: { topic: event.topic, partition: event.partition, offset: event.offset } });
    } catch (err) {
      logger.error({ err, events: recorded.length }, 'Kafka took events that could not be recorded as accepted');
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      for (const { id } of recorded) replies.push({ kind: 'failed', id, error, stage: 'record' });
    }
    const batch = replies;
    replies = [];
    // 'stopped' goes last of all: nothing is confirmed after it, so the file can close.
    if (batch.some((m) => m.kind === 'stopped')) writer.close();
    port!.postMessage(batch);
  });
}

port.on('message', (message: ToProducer) => {
  if (message.kind === 'publish') {
    for (const { id, record, accepted } of message.records) {
      // Structured clone turns a Buffer into a plain Uint8Array: make it a Buffer again, without copying.
      const value = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
      const outgoing: OutgoingRecord = { ...record, value };
      connected
        .then(() => publisher.publish(outgoing))
        .then(
          (position: RecordPosition) => recordThenReply(id, { ...accepted, ...position, acceptedAt: Date.now() }),
          (err: unknown) => reply({ kind: 'failed', id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), stage: 'kafka' }),
        );
    }
  } else if (message.kind === 'stop') {
    stopping = true;
    clearInterval(pruner);
    void publisher
      .drain()
      .then(() => Promise.allSettled([...producers.map((p) => p.disconnect()), admin.disconnect()]))
      .finally(() => reply({ kind: 'stopped' }));
  }
});
