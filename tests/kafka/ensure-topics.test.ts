import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { ensureTopics } from '@gongkai/runtime';
import { testKafka, unique } from '../support/kafka';

describe('ensureTopics on a topic that already exists', () => {
  const clients = testKafka();
  let admin: Admin;

  beforeAll(async () => {
    admin = clients.kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  async function config(topic: string): Promise<Record<string, string>> {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  }

  it('raises a message size limit too small for the hub, keeps the topic’s other overrides, and never lowers a larger limit', async () => {
    // As a topic made by hand or by an older version might be: Kafka's default limit, and a retention of its own.
    const topic = unique('small-limit');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'max.message.bytes', value: '1048588' }, { name: 'retention.ms', value: '3600000' }] }] });
    const producer = clients.producer();
    await producer.connect();
    try {
      const large = { key: 'pub-1', value: Buffer.alloc(1_500_000, 0x61) };
      await expect(producer.send({ topic, acks: -1, messages: [large] })).rejects.toThrow(/larger than the max message size/);

      const eightMiB = String(8 * 1024 * 1024);
      await ensureTopics(clients.kafka, [{ topic, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: eightMiB }] }]);
      expect(await config(topic)).toMatchObject({ 'max.message.bytes': eightMiB, 'retention.ms': '3600000' });
      const [sent] = await producer.send({ topic, acks: -1, messages: [large] });
      expect(sent!.errorCode).toBe(0);

      await ensureTopics(clients.kafka, [{ topic, configEntries: [{ name: 'max.message.bytes', value: '2000000' }] }]);
      expect((await config(topic))['max.message.bytes']).toBe(eightMiB);
      expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(2); // partitions are left as they are
    } finally {
      await producer.disconnect();
    }
  });
});
