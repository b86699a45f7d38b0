import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { BatchingPublisher, type OutgoingRecord } from './batching-publisher';

/** A stand-in producer that assigns offsets as a partition leader would, and notes overlap. */
function fakeProducer(log: { inFlight: number; maxInFlight: number; requests: { partition: number; keys: string[] }[][] }, delayMs = 5): Producer {
  const next = new Map<number, number>();
  return {
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      log.inFlight += 1;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      const byPartition = new Map<number, string[]>();
      for (const { messages } of batch.topicMessages ?? []) {
        for (const m of messages) byPartition.set(m.partition!, [...(byPartition.get(m.partition!) ?? []), String(m.key)]);
      }
      log.requests.push([...byPartition].map(([partition, keys]) => ({ partition, keys })));
      log.inFlight -= 1;
      return [...byPartition].map(([partition, keys]) => {
        const base = next.get(partition) ?? 0;
        next.set(partition, base + keys.length);
        return { topicName: 't', partition, errorCode: 0, baseOffset: String(base) };
      });
    },
  } as unknown as Producer;
}

const record = (key: string): OutgoingRecord => ({ topic: 't', key, value: Buffer.from(key), headers: {} });

describe('BatchingPublisher', () => {
  it('gathers concurrent records into few requests and tells each its own partition and offset', async () => {
    const log = { inFlight: 0, maxInFlight: 0, requests: [] as { partition: number; keys: string[] }[][] };
    const publisher = new BatchingPublisher({ producers: [fakeProducer(log)], partitionsOf: async () => 6, lingerMs: 2 });
    const keys = Array.from({ length: 60 }, (_, i) => `pub-${i % 7}`);
    const positions = await Promise.all(keys.map((k) => publisher.publish(record(k))));
    expect(log.requests.length).toBeLessThan(5);
    expect(log.maxInFlight).toBe(1);
    // Offsets within a partition are 0..n-1 with no gaps or repeats, in call order per key.
    const byPartition = new Map<number, number[]>();
    positions.forEach((p) => byPartition.set(p.partition, [...(byPartition.get(p.partition) ?? []), Number(p.offset)]));
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
    for (const key of new Set(keys)) expect(new Set(positions.filter((_, i) => keys[i] === key).map((p) => p.partition)).size).toBe(1);
  });

  it("sends the next request before answering the last one's records, and drains only once all are answered", async () => {
    const events: string[] = [];
    let requests = 0;
    const producer = {
      sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
        const n = ++requests;
        events.push(`request ${n} sent`);
        await new Promise((r) => setTimeout(r, 10));
        const messages = batch.topicMessages![0]!.messages;
        return [{ topicName: 't', partition: messages[0]!.partition!, errorCode: 0, baseOffset: String(10 * n) }];
      },
    } as unknown as Producer;
    const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, lingerMs: 1 });
    const answered = (key: string) => (error: unknown) => events.push(error ? `${key} failed` : `${key} answered`);
    publisher.publishThen(record('a'), answered('a'));
    await new Promise((r) => setTimeout(r, 3)); // request 1 is in flight
    publisher.publishThen(record('b'), answered('b'));
    await publisher.drain();
    expect(events).toEqual(['request 1 sent', 'request 2 sent', 'a answered', 'b answered']);
  });

  it('keeps one request in flight per producer while several producers overlap', async () => {
    const log = { inFlight: 0, maxInFlight: 0, requests: [] as { partition: number; keys: string[] }[][] };
    const perProducer = [
      { inFlight: 0, maxInFlight: 0, requests: [] as { partition: number; keys: string[] }[][] },
      { inFlight: 0, maxInFlight: 0, requests: [] as { partition: number; keys: string[] }[][] },
    ];
    const producers = perProducer.map((l) => {
      const inner = fakeProducer(l, 20);
      return {
        sendBatch: async (b: ProducerBatch) => {
          log.inFlight += 1;
          log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
          try {
            return await inner.sendBatch(b);
          } finally {
            log.inFlight -= 1;
          }
        },
      } as unknown as Producer;
    });
    const publisher = new BatchingPublisher({ producers, partitionsOf: async () => 6, lingerMs: 1, maxBatch: 5 });
    await Promise.all(Array.from({ length: 80 }, (_, i) => publisher.publish(record(`k${i}`))));
    expect(perProducer.map((p) => p.maxInFlight)).toEqual([1, 1]);
    expect(log.maxInFlight).toBe(2);
    // Each producer only ever sent its own partitions.
    perProducer.forEach((p, index) => {
      for (const request of p.requests) for (const { partition } of request) expect(partition % 2).toBe(index);
    });
  });

  it('keeps a request under its byte bound, and sends a larger record alone', async () => {
    const log = { inFlight: 0, maxInFlight: 0, requests: [] as { partition: number; keys: string[] }[][] };
    const publisher = new BatchingPublisher({ producers: [fakeProducer(log)], partitionsOf: async () => 1, lingerMs: 2, maxBatchBytes: 10_000 });
    const sized = (key: string, bytes: number): OutgoingRecord => ({ topic: 't', key, value: Buffer.alloc(bytes), headers: {} });
    await Promise.all([
      publisher.publish(sized('a', 4000)),
      publisher.publish(sized('b', 4000)),
      publisher.publish(sized('c', 4000)),
      publisher.publish(sized('huge', 50_000)),
      publisher.publish(sized('d', 100)),
    ]);
    expect(log.requests.map((r) => r.flatMap((p) => p.keys))).toEqual([['a', 'b'], ['c'], ['huge'], ['d']]);
  });

  it('fails every record of a request Kafka refused, and drains', async () => {
    const failing = { sendBatch: () => Promise.reject(new Error('broker down')) } as unknown as Producer;
    const publisher = new BatchingPublisher({ producers: [failing], partitionsOf: async () => 3 });
    const results = await Promise.allSettled([publisher.publish(record('a')), publisher.publish(record('b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(publisher.drain()).resolves.toBeUndefined();
  });

  it('counts offsets exactly past 2^53, and answers each record once through its callback', async () => {
    const base = '9007199254740990';
    const producer = {
      sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> =>
        (batch.topicMessages ?? []).flatMap(({ messages }) => [...new Set(messages.map((m) => m.partition!))].map((partition) => ({ topicName: 't', partition, errorCode: 0, baseOffset: base }))),
    } as unknown as Producer;
    const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, lingerMs: 1 });
    const answers: { key: string; offset?: string; error?: unknown }[] = [];
    await new Promise<void>((done) => {
      for (const key of ['a', 'b', 'c', 'd']) {
        publisher.publishThen(record(key), (error, position) => {
          answers.push({ key, offset: position?.offset, error });
          if (answers.length === 4) setTimeout(done, 20); // later answers, if any, would still arrive
        });
      }
    });
    expect(answers).toEqual([
      { key: 'a', offset: '9007199254740990', error: undefined },
      { key: 'b', offset: '9007199254740991', error: undefined },
      { key: 'c', offset: '9007199254740992', error: undefined },
      { key: 'd', offset: '9007199254740993', error: undefined },
    ]);
  });
});
