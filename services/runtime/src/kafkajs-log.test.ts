import { Writable } from 'node:stream';
// Before kafkajs, as in a service: the runtime puts its grouping in place first (kafkajs-grouping.ts).
import { createKafka } from './kafka';
import { logLevel } from 'kafkajs';
import { kafkajsLevel } from './kafkajs-log';
import { createLogger } from './logger';

const LOADING = "The coordinator is loading and hence can't process requests for this group";
const CORRUPT = 'This message has failed its CRC checksum, exceeds the valid size, or is otherwise corrupt';

function capturedKafka(): ReturnType<typeof createKafka> & { lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').trim().split('\n'));
      done();
    },
  });
  return { ...createKafka({ brokers: ['127.0.0.1:1'], clientId: 'test', logger: createLogger({ service: 'test', destination }) }), lines };
}

describe('kafkajsLevel', () => {
  it('writes a failed response that kafkajs retries by itself as a warning', () => {
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response InitProducerId(key: 22, version: 1)', error: LOADING })).toBe('warn');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response CreateTopics(key: 19, version: 3)', error: 'Topic with this name already exists' })).toBe('warn');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response CreateTopics(key: 19, version: 3)', error: 'Topic creation errors' })).toBe('warn');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response Metadata(key: 3, version: 6)', error: 'There is no leader for this topic-partition as we are in the middle of a leadership election' })).toBe('warn');
  });

  it('keeps every other error an error, and every other level as kafkajs gives it', () => {
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response Produce(key: 0, version: 7)', error: CORRUPT })).toBe('error');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Crash: KafkaJSNumberOfRetriesExceeded', error: LOADING })).toBe('error');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response InitProducerId(key: 22, version: 1)' })).toBe('error');
    expect(kafkajsLevel(logLevel.ERROR, { message: 'Response Produce(key: 0, version: 7)', error: 'Topic creation errors' })).toBe('error');
    expect(kafkajsLevel(logLevel.WARN, { message: 'anything' })).toBe('warn');
    expect(kafkajsLevel(logLevel.INFO, { message: 'anything' })).toBe('info');
    expect(kafkajsLevel(logLevel.DEBUG, { message: 'anything' })).toBe('debug');
  });

  it("is the level of kafkajs's lines in the service's log", () => {
    const { kafka, lines } = capturedKafka();
    kafka.logger().error('Response InitProducerId(key: 22, version: 1)', { error: LOADING, correlationId: 2 });
    kafka.logger().error('Response Produce(key: 0, version: 7)', { error: CORRUPT, correlationId: 3 });
    const written = lines.map((l) => JSON.parse(l) as { level: number; msg: string; error: string; component: string });
    expect(written.map(({ level, msg, error, component }) => ({ level, msg, error, component }))).toEqual([
      { level: 40, msg: 'Response InitProducerId(key: 22, version: 1)', error: LOADING, component: 'kafkajs' },
      { level: 50, msg: 'Response Produce(key: 0, version: 7)', error: CORRUPT, component: 'kafkajs' },
    ]);
  });
});

describe('createKafka producers', () => {
  it("name kafkajs 2's default partitioner, so kafkajs does not warn about its change from 1.x", () => {
    const previous = process.env.KAFKAJS_NO_PARTITIONER_WARNING;
    delete process.env.KAFKAJS_NO_PARTITIONER_WARNING;
    try {
      const clients = capturedKafka();
      clients.producer();
      expect(clients.lines.filter((l) => l.includes('partitioner'))).toEqual([]);
      // Without it kafkajs does warn: the line above can fail.
      clients.kafka.producer();
      expect(clients.lines.filter((l) => l.includes('switched default partitioner'))).toHaveLength(1);
    } finally {
      if (previous !== undefined) process.env.KAFKAJS_NO_PARTITIONER_WARNING = previous;
    }
  });
});
