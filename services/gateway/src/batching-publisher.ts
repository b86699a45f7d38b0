import { Partitioners, type Message, type PartitionMetadata, type Producer } from 'kafkajs';

/** Where Kafka put one record. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

interface Pending {
  readonly record: OutgoingRecord;
  readonly resolve: (p: RecordPosition) => void;
  readonly reject: (e: unknown) => void;
}

export interface BatchingPublisherOptions {
  readonly producer: Producer;
  /** Partition count per topic, looked up once (topics are created before the gateway serves). */
  readonly partitionsOf: (topic: string) => Promise<number>;
  /** How long a record may wait for others to share its request. */
  readonly lingerMs?: number;
  readonly maxBatch?: number;
}

/**
 * Gathers records from concurrent calls into one produce request (acks=all, idempotent), the
 * way a Java producer's linger does; kafkajs sends one request per `send` call otherwise.
 * Each caller learns its own partition and offset: the partition is chosen here with the
 * client's default murmur2 partitioner, so the offset is the partition's base offset plus the
 * record's place among that partition's records in the request.
 */
export class BatchingPublisher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly lingerMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: BatchingPublisherOptions) {
    this.lingerMs = options.lingerMs ?? 2;
    this.maxBatch = options.maxBatch ?? 500;
  }

  publish(record: OutgoingRecord): Promise<RecordPosition> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.lingerMs);
    });
  }

  private flushSoon(delay: number): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.queue.splice(0, this.maxBatch);
      // One request at a time keeps records of one key in the order their calls arrived.
      this.sending = this.sending.then(() => this.send(batch));
      if (this.queue.length > 0) this.flushSoon(this.lingerMs);
    }, delay);
  }

  private readonly metadata = new Map<string, PartitionMetadata[]>();

  /** The partitioner wants partition metadata; only the count matters to it. */
  private async metadataOf(topic: string): Promise<PartitionMetadata[]> {
    let list = this.metadata.get(topic);
    if (!list) {
      const count = await this.options.partitionsOf(topic);
      list = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
      this.metadata.set(topic, list);
    }
    return list;
  }

  private async send(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const byTopicPartition = new Map<string, { topic: string; partition: number; items: Pending[] }>();
      for (const item of batch) {
        const partitionMetadata = await this.metadataOf(item.record.topic);
        const partition = this.partitioner({ topic: item.record.topic, partitionMetadata, message: { key: item.record.key, value: item.record.value } });
        const k = `${item.record.topic}\u0000${partition}`;
        const entry = byTopicPartition.get(k) ?? { topic: item.record.topic, partition, items: [] };
        entry.items.push(item);
        byTopicPartition.set(k, entry);
      }
      const topicMessages = new Map<string, Message[]>();
      for (const { topic, partition, items } of byTopicPartition.values()) {
        const list = topicMessages.get(topic) ?? [];
        for (const { record } of items) list.push({ key: record.key, value: record.value, headers: record.headers, partition });
        topicMessages.set(topic, list);
      }
      const results = await this.options.producer.sendBatch({
        acks: -1,
        topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const { topic, partition, items } of byTopicPartition.values()) {
        const meta = results.find((r) => r.topicName === topic && r.partition === partition);
        if (!meta || meta.errorCode !== 0 || meta.baseOffset === undefined) {
          const err = new Error(`Kafka did not confirm ${topic}[${partition}] (error code ${meta?.errorCode ?? 'none'})`);
          for (const item of items) item.reject(err);
          continue;
        }
        const base = BigInt(meta.baseOffset);
        items.forEach((item, i) => item.resolve({ topic, partition, offset: (base + BigInt(i)).toString() }));
      }
    } catch (err) {
      for (const item of batch) item.reject(err);
    }
  }

  /** Resolves when every record handed over so far has been sent or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.timer) {
      await new Promise((r) => setTimeout(r, this.lingerMs + 1));
    }
    await this.sending;
  }
}
