/**
 * The gateway's Kafka producer on a worker thread of its own (the default): encoding record
 * batches and recording accepted events run beside the gRPC work instead of after it. The main
 * thread posts records (ThreadedPublisher); RecordProducer does the rest and posts back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { documentTranscoderReady } from '@gongkai/contracts';
import { createLogger } from '@gongkai/runtime';
import { RecordProducer } from './producer-core';
import { packAnswers, restoreRepeats, unpackRecords, type ProducerThreadData, type ToProducer } from './producer-thread-messages';

const data = workerData as ProducerThreadData;
const port = parentPort;
if (!port) throw new Error('producer-thread.js runs as a worker thread of the gateway');

const logger = createLogger({ service: 'gateway', level: data.logLevel }).child({ component: 'producer-thread' });
// The schemas and the ingest API's enums, read now rather than on the first document.
documentTranscoderReady();
const producer = new RecordProducer(data, logger, (batch) => port.postMessage(packAnswers(batch)));

port.on('message', (message: ToProducer) => {
  if (message.kind === 'publish') {
    restoreRepeats(message.records);
    producer.publish(unpackRecords(message.records));
  }
  else if (message.kind === 'stop') producer.stop();
});
