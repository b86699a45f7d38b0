// Before kafkajs loads (see kafkajs-grouping.ts).
import { groupingState } from './kafkajs-grouping';
import { ConfigResourceTypes, ConfigSource, Kafka, Partitioners, logLevel, type Admin, type Consumer, type ConsumerConfig, type Producer, type ProducerConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { CRC32C_IMPLEMENTATION, useFastCrc32c } from './kafkajs-crc32c';
import { kafkajsLevel } from './kafkajs-log';
import { useFastProduceEncoding } from './kafkajs-produce';

/**
 * The hub's one door to the Kafka client library. kafkajs has had no release since 2023; keeping
 * it behind this module means another client can replace it in one place.
 */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface KafkaClients {
  readonly kafka: Kafka;
  /** Idempotent, acks=all producer: a send resolves only once every in-sync replica has the record. */
  producer(overrides?: ProducerConfig): Producer;
  consumer(config: ConsumerConfig): Consumer;
}

export function createKafka(settings: KafkaSettings): KafkaClients {
  const log = settings.logger.child({ component: 'kafkajs' });
  const crc = useFastCrc32c();
  if (crc !== 'fast') log.info({ crc32c: crc }, 'kafkajs keeps its own CRC32C: producing costs more CPU');
  else if (CRC32C_IMPLEMENTATION === 'portable') log.info({ crc32c: 'portable' }, '@node-rs/crc32 has no build for this platform: CRC32C runs in JavaScript');
  // After the CRC32C: kafkajs's own produce encoder, kept for what the fast one leaves, loads the CRC.
  const produceEncoding = useFastProduceEncoding();
  if (produceEncoding !== 'fast') log.info({ produceEncoding }, 'kafkajs keeps its own produce request encoder: producing costs more CPU');
  const grouping = groupingState();
  if (grouping !== 'linear') log.info({ grouping }, 'kafkajs keeps its own grouping of messages by partition: large produce calls cost more CPU');
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: settings.connectionTimeoutMs ?? 3000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[kafkajsLevel(level, entry)](rest, message);
      },
  });
  return {
    kafka,
    producer: (overrides = {}) =>
      kafka.producer({
        idempotent: true,
        // kafkajs 2's default (murmur2, as Java clients partition), named so that kafkajs does not warn about its change from 1.x.
        createPartitioner: Partitioners.DefaultPartitioner,
        // One request in flight per broker keeps the idempotent sequence numbers in order on retry.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        ...overrides,
      }),
    consumer: (config) => kafka.consumer({ sessionTimeout: 30_000, heartbeatInterval: 3000, allowAutoTopicCreation: false, ...config }),
  };
}

/**
 * Create topics that do not exist yet, raise an existing topic's config to what is asked for
 * (see raiseConfigs; its partitions are left as they are), and wait until
 * every partition has a leader. kafkajs' own `waitForLeaders` gives up when a broker that has
 * not yet heard of the new topic answers its metadata request (UNKNOWN_TOPIC_OR_PARTITION),
 * which happens on a multi-node cluster; this waits through that.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly { topic: string; numPartitions?: number; replicationFactor?: number; configEntries?: { name: string; value: string }[] }[],
  timeoutMs = 30_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    await raiseConfigs(admin, topics.filter((t) => existing.has(t.topic) && (t.configEntries?.length ?? 0) > 0));
    if (missing.length > 0) {
      try {
        await admin.createTopics({ waitForLeaders: false, topics: missing.map((t) => ({ numPartitions: 3, replicationFactor: -1, ...t })) });
      } catch (err) {
        // Another instance created it first: that is what we wanted.
        if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

type TopicConfig = { readonly name: string; readonly value: string };

/**
 * Brings topics that already exist up to the config the hub asks for. A topic made before (by
 * an earlier version, or by hand) may have Kafka's default 1 MiB `max.message.bytes`, and then
 * every larger event it is sent fails, and fails the others in the same produce request. A
 * numeric entry is a limit: raised when smaller, left alone when larger. Any other entry is set.
 * AlterConfigs replaces a topic's whole set of overrides, so the topic's other overrides are
 * sent again with the change.
 */
async function raiseConfigs(admin: Admin, topics: readonly { topic: string; configEntries?: readonly TopicConfig[] }[]): Promise<void> {
  if (topics.length === 0) return;
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic })) });
  for (const { topic, configEntries = [] } of topics) {
    const entries = described.resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
    const current = new Map(entries.map((e) => [e.configName, e.configValue]));
    const changes = configEntries.filter(({ name, value }) => {
      const now = current.get(name);
      if (now === undefined || now === null) return true;
      const [had, wanted] = [Number(now), Number(value)];
      return Number.isFinite(had) && Number.isFinite(wanted) && now !== '' ? had < wanted : now !== value;
    });
    if (changes.length === 0) continue;
    const overrides = entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !changes.some((c) => c.name === e.configName));
    const secret = overrides.find((e) => e.isSensitive);
    if (secret) {
      throw new Error(`topic ${topic} needs ${changes.map((c) => `${c.name}=${c.value}`).join(', ')}; it has a sensitive override (${secret.configName}) that changing its config would clear, so set it by hand`);
    }
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...overrides.map((e) => ({ name: e.configName, value: e.configValue })), ...changes] }],
    });
  }
}
