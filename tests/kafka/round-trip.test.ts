import type { Consumer, EachMessagePayload } from 'kafkajs';
import { ensureTopics } from '@gongkai/runtime';
import { eventually, testKafka, unique } from '../support/kafka';

describe('kafkajs against the real broker', () => {
  const clients = testKafka();

  it('round-trips messages produced with acks=all, Chinese text byte for byte', async () => {
    const topic = unique('round-trip');
    await ensureTopics(clients.kafka, [{ topic, numPartitions: 3 }]);
    const producer = clients.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `pub-${i % 5}`, value: `聊城市政务公开 第${i}条 ✓` }));
    const metadata = await producer.send({ topic, acks: -1, messages: sent });
    expect(metadata.every((m) => m.errorCode === 0)).toBe(true);
    await producer.disconnect();

    const received: { key: string; value: string; partition: number }[] = [];
    const consumer = clients.consumer({ groupId: unique('rt') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({ key: message.key!.toString(), value: message.value!.toString('utf8'), partition });
      },
    });
    await eventually(() => received.length === sent.length, 30_000, 'all 30 messages');
    await consumer.disconnect();

    expect(received.map((r) => r.value).sort()).toEqual(sent.map((s) => s.value).sort());
    // One key, one partition: a publication's events stay in order.
    for (const key of new Set(sent.map((s) => s.key))) {
      const forKey = received.filter((r) => r.key === key);
      expect(new Set(forKey.map((r) => r.partition)).size).toBe(1);
      expect(forKey.map((r) => r.value)).toEqual(sent.filter((s) => s.key === key).map((s) => s.value));
    }
  });

  it('two consumers in one group split the partitions, and one takes over when the other leaves', async () => {
    const topic = unique('group');
    const groupId = unique('group');
    await ensureTopics(clients.kafka, [{ topic, numPartitions: 4 }]);
    // A member's last assignment may be of an older generation than the other's while a
    // rebalance is under way: wait until the two are a split of the partitions.
    const assigned = new Map<string, number[]>();
    const split = (): boolean => {
      const a = assigned.get('a') ?? [];
      const b = assigned.get('b') ?? [];
      return a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === '0,1,2,3';
    };
    const seen = new Map<string, Set<number>>();
    const start = async (name: string): Promise<Consumer> => {
      const consumer = clients.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
      consumer.on(consumer.events.GROUP_JOIN, (e) => void assigned.set(name, e.payload.memberAssignment[topic] ?? []));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      seen.set(name, new Set());
      await consumer.run({ eachMessage: async ({ partition }: EachMessagePayload) => void seen.get(name)!.add(partition) });
      return consumer;
    };
    const a = await start('a');
    const b = await start('b');
    await eventually(split, 30_000, 'the two consumers to split the 4 partitions between them');

    await b.disconnect(); // leaves the group: a must take every partition
    await eventually(() => assigned.get('a')?.length === 4, 30_000, 'a to own all 4 partitions');

    const producer = clients.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `p${partition}` })) });
    await producer.disconnect();
    await eventually(() => seen.get('a')!.size === 4, 30_000, 'a to read every partition');
    await a.disconnect();
  });
});
