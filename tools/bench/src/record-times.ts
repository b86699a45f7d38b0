/**
 * What a topic holds for given keys, read after a run by a consumer group of its own, so it
 * costs the measured window nothing: for example the CreateTime each service's Kafka client
 * stamped on an event's record, which tells how much of an end-to-end latency each hop took.
 */
import type { KafkaClients } from '@gongkai/runtime';
import type { KafkaMessage } from 'kafkajs';

/** The CreateTime (Unix ms) kafkajs stamped on a record when it built the produce request. */
export const createTime = (message: KafkaMessage): number => Number(message.timestamp);

/**
 * `pick` of the first record of each key in `keys` on `topic` for which it gives a value, from
 * the topic's beginning to where it ends now. Keys without one are absent.
 */
export async function recordsByKey<T>(
  clients: KafkaClients,
  topic: string,
  keys: ReadonlySet<string>,
  options: { readonly groupId: string; readonly timeoutMs: number; readonly pick: (message: KafkaMessage) => T | undefined },
): Promise<Map<string, T>> {
  const admin = clients.kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const found = new Map<string, T>();
  if (ends.size === 0) return found;
  const consumer = clients.consumer({ groupId: options.groupId, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition);
          if (end === undefined) return;
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= end) break;
            const key = message.key?.toString() ?? '';
            if (keys.has(key) && !found.has(key)) {
              const value = options.pick(message);
              if (value !== undefined) found.set(key, value);
            }
            if (BigInt(message.offset) === end - 1n) ends.delete(batch.partition);
          }
          if (ends.size === 0) resolve();
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs);
    });
    await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (ends.size > 0) throw new Error(`${topic} was not read to its end within ${options.timeoutMs} ms (${ends.size} partitions left)`);
  } finally {
    await consumer.disconnect();
  }
  return found;
}
