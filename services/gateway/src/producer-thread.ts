/**
 * The gateway's Kafka producer, on a worker thread of its own: encoding record batches is the
 * largest single cost of a publish, and here it runs beside the gRPC work instead of after it.
 * The main thread posts records; this thread batches them (BatchingPublisher) and posts back
 * where Kafka put each, or why it did not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createLogger } from '@gongkai/runtime';
import { BatchingPublisher, type OutgoingRecord, type RecordPosition } from './batching-publisher';
import type { ProducerThreadData, ToMain, ToProducer } from './producer-thread-messages';

const data = workerData as ProducerThreadData;
const port = parentPort;
if (!port) throw new Error('producer-thread.js runs as a worker thread of the gateway');

const logger = createLogger({ service: 'gateway', level: data.logLevel }).child({ component: 'producer-thread' });
const kafka = createKafka({ brokers: data.brokers, clientId: data.clientId, logger });
const producers = Array.from({ length: data.producers }, () => kafka.producer());
const admin = kafka.kafka.admin();
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
function reply(message: ToMain): void {
  replies.push(message);
  if (replies.length === 1) {
    setImmediate(() => {
      const batch = replies;
      replies = [];
      port!.postMessage(batch);
    });
  }
}

port.on('message', (message: ToProducer) => {
  if (message.kind === 'publish') {
    for (const { id, record } of message.records) {
      // Structured clone turns a Buffer into a plain Uint8Array: make it a Buffer again, without copying.
      const value = Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength);
      const outgoing: OutgoingRecord = { ...record, value };
      connected
        .then(() => publisher.publish(outgoing))
        .then(
          (position: RecordPosition) => reply({ kind: 'published', id, position }),
          (err: unknown) => reply({ kind: 'failed', id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
        );
    }
  } else if (message.kind === 'stop') {
    stopping = true;
    void publisher
      .drain()
      .then(() => Promise.allSettled([...producers.map((p) => p.disconnect()), admin.disconnect()]))
      .finally(() => reply({ kind: 'stopped' }));
  }
});
