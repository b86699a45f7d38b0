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

  describe('after a request returns', () => {
    /** A producer whose requests return when the test says, each a partition's base offset 100 × n. */
    function manualProducer() {
      const requests: { keys: string[]; reply: () => void }[] = [];
      const producer = {
        sendBatch: (batch: ProducerBatch) =>
          new Promise<RecordMetadata[]>((resolve) => {
            const messages = batch.topicMessages![0]!.messages;
            const n = requests.length;
            requests.push({
              keys: messages.map((m) => String(m.key)),
              reply: () => resolve([{ topicName: 't', partition: messages[0]!.partition!, errorCode: 0, baseOffset: String(100 * n) }]),
            });
          }),
      } as unknown as Producer;
      return { producer, requests };
    }

    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('by default sends an idle producer\'s records on the next turn, together, and a busy one\'s the moment the last request returns', async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1 });
      const answers: string[] = [];
      // Each answer notes how many requests had gone by then.
      const answered = (key: string) => (error: unknown, position?: { offset: string }) =>
        answers.push(`${key}${error ? ' failed' : `@${position?.offset}`} after ${requests.length}`);
      publisher.publishThen(record('a'), answered('a'));
      publisher.publishThen(record('b'), answered('b')); // handed over in the same turn
      expect(requests).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(0); // no timer passes: an immediate, not a linger
      expect(requests.map((r) => r.keys)).toEqual([['a', 'b']]);

      publisher.publishThen(record('c'), answered('c')); // while request 1 is in flight
      await jest.advanceTimersByTimeAsync(50);
      expect(requests).toHaveLength(1); // one request in flight per producer
      publisher.publishThen(record('d'), answered('d'));
      requests[0]!.reply();
      await jest.advanceTimersByTimeAsync(0); // the clock stands still: nothing lingers
      expect(requests.map((r) => r.keys)).toEqual([['a', 'b'], ['c', 'd']]);
      expect(answers).toEqual(['a@0 after 2', 'b@1 after 2']); // request 2 went before request 1's answers

      requests[1]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      await publisher.drain();
      expect(answers).toEqual(['a@0 after 2', 'b@1 after 2', 'c@100 after 2', 'd@101 after 2']);
    });

    it('lets patient records wait for company after a return, unless a record that is not patient comes', async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, patientLingerMs: 5 });
      const patient = (key: string) => publisher.publishThen(record(key), () => undefined, true);
      patient('a');
      await jest.advanceTimersByTimeAsync(0); // an idle producer does not wait, patient or not
      expect(requests.map((r) => r.keys)).toEqual([['a']]);

      patient('b'); // while request 1 is in flight
      requests[0]!.reply();
      await jest.advanceTimersByTimeAsync(4);
      patient('c');
      expect(requests).toHaveLength(1); // only patient records wait: the next request lingers
      await jest.advanceTimersByTimeAsync(1);
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c']]);

      patient('d'); // while request 2 is in flight
      requests[1]!.reply();
      await jest.advanceTimersByTimeAsync(2);
      expect(requests).toHaveLength(2); // lingering for company
      publisher.publishThen(record('e'), () => undefined); // a record that may not wait cuts it short
      expect(requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(0); // on the next turn, without the clock moving
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);

      patient('f'); // with one that may not wait among those gathered during a round trip,
      publisher.publishThen(record('g'), () => undefined);
      requests[2]!.reply();
      await jest.advanceTimersByTimeAsync(0); // the next request goes at the return
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f', 'g']]);

      patient('h'); // and once they have gone, patient records wait again
      requests[3]!.reply();
      await jest.advanceTimersByTimeAsync(4);
      expect(requests).toHaveLength(4);
      await jest.advanceTimersByTimeAsync(1);
      expect(requests.map((r) => r.keys)).toHaveLength(5);
      requests[4]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      await publisher.drain();
    });

    it('sends patient records that fill a request without waiting', async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, patientLingerMs: 5, maxBatch: 3 });
      const patient = (key: string) => publisher.publishThen(record(key), () => undefined, true);
      patient('a');
      await jest.advanceTimersByTimeAsync(0);
      patient('b');
      patient('c');
      requests[0]!.reply();
      await jest.advanceTimersByTimeAsync(1);
      expect(requests).toHaveLength(1);
      patient('d'); // the third: full
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c', 'd']]);
      requests[1]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      await publisher.drain();
    });

    it('lets the next request linger, so it carries what arrives meanwhile, and answers the last one first', async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, lingerMs: 5 });
      const answers: string[] = [];
      const answered = (key: string) => (error: unknown, position?: { offset: string }) => answers.push(error ? `${key} failed` : `${key}@${position?.offset}`);
      publisher.publishThen(record('a'), answered('a'));
      await jest.advanceTimersByTimeAsync(4);
      expect(requests).toHaveLength(0); // an idle producer lingers from the first record
      await jest.advanceTimersByTimeAsync(1);
      expect(requests.map((r) => r.keys)).toEqual([['a']]);

      publisher.publishThen(record('b'), answered('b')); // while request 1 is in flight
      requests[0]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      expect(answers).toEqual(['a@0']);
      await jest.advanceTimersByTimeAsync(3);
      publisher.publishThen(record('c'), answered('c')); // while request 2 lingers
      await jest.advanceTimersByTimeAsync(1);
      expect(requests).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c']]);

      requests[1]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      await publisher.drain();
      expect(answers).toEqual(['a@0', 'b@100', 'c@101']);
    });

    it("sends a request that is already full at once, before answering the last one's records", async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, lingerMs: 5, maxBatch: 2 });
      const events: string[] = [];
      // Each answer notes how many requests had gone by then.
      const answered = (key: string) => (error: unknown) => events.push(`${key} ${error ? 'failed' : 'answered'} after ${requests.length}`);
      publisher.publishThen(record('a'), answered('a'));
      await jest.advanceTimersByTimeAsync(5);
      for (const key of ['b', 'c', 'd']) publisher.publishThen(record(key), answered(key));
      requests[0]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c']]);
      // d does not fill a request: it lingers after request 2 returns.
      requests[1]!.reply();
      await jest.advanceTimersByTimeAsync(4);
      expect(requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(requests.map((r) => r.keys)).toEqual([['a'], ['b', 'c'], ['d']]);
      requests[2]!.reply();
      await jest.advanceTimersByTimeAsync(0);
      await publisher.drain();
      expect(events).toEqual(['a answered after 2', 'b answered after 2', 'c answered after 2', 'd answered after 3']);
    });

    it('counts a request full by its bytes as well as its records', async () => {
      const { producer, requests } = manualProducer();
      const publisher = new BatchingPublisher({ producers: [producer], partitionsOf: async () => 1, lingerMs: 5, maxBatchBytes: 10_000 });
      const sized = (key: string): OutgoingRecord => ({ topic: 't', key, value: Buffer.alloc(6_000), headers: {} });
      publisher.publishThen(sized('a'), () => undefined);
      await jest.advanceTimersByTimeAsync(1);
      expect(requests).toHaveLength(0);
      publisher.publishThen(sized('b'), () => undefined); // 12 KB waiting: full, goes without lingering
      await jest.advanceTimersByTimeAsync(0);
      expect(requests.map((r) => r.keys)).toEqual([['a']]);
    });
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
