import type { Message, Producer, RecordMetadata } from 'kafkajs';
import { partitionForKey } from './murmur2-partitioner';

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

/** Told once where Kafka put a record, or why it did not. It must not throw. */
export type RecordDone = (error: unknown, position?: RecordPosition) => void;

interface Pending {
  readonly record: OutgoingRecord;
  readonly partition: number;
  readonly done: RecordDone;
  /** May wait for company after a return (see BatchingPublisherOptions.patientLingerMs). */
  readonly patient: boolean;
  /** What it adds to a request's size (see recordBytes). */
  readonly bytes: number;
}

export interface BatchingPublisherOptions {
  /**
   * Idempotent producers, each owning the partitions `p` with `p % producers.length` equal to
   * its index. kafkajs keeps one request in flight per producer (its sequence numbers are not
   * safe with more), so several producers are how requests to different partitions overlap.
   */
  readonly producers: readonly Producer[];
  /** Partition count per topic, looked up once (topics are created before the gateway serves). */
  readonly partitionsOf: (topic: string) => Promise<number>;
  /**
   * 0 (the default): a request goes as soon as its producer is free: an idle producer's on the
   * next turn of the event loop (so records handed over together go together), a busy one's the
   * moment the previous request returns, with everything gathered meanwhile (up to full).
   * Above 0: a request waits this long to fill, unless it is full first: from its first record
   * when its producer is idle, from the previous request's return when it is busy. That costs
   * each call up to this much latency for fewer, larger requests (decisions 013 and 014).
   */
  readonly lingerMs?: number;
  /**
   * How long, after a request returns, the next one waits to fill when every record waiting is
   * patient (handed over with `patient`: PublishBatch's, whose callers wait for a hundred
   * records anyway), unless it fills first or a record that is not patient arrives; used when
   * longer than `lingerMs`. Default 0 (decision 015).
   */
  readonly patientLingerMs?: number;
  readonly maxBatch?: number;
  /**
   * Bytes of values and headers in one request; a record larger than this goes alone. Kept
   * under the broker's default `message.max.bytes` (1 MiB), which bounds a partition's batch.
   */
  readonly maxBatchBytes?: number;
}

/** One producer's queue: records wait here while its previous request is in flight. */
interface Shard {
  readonly producer: Producer;
  queue: Pending[];
  /** Sum of the queue's `bytes`. */
  queuedBytes: number;
  /** Records in the queue that are not patient. */
  urgent: number;
  busy: boolean;
  /** The pending start of the next request. */
  timer: Timer | undefined;
}

/**
 * An immediate or a timeout, told apart: clearing an immediate with clearTimeout (or the
 * reverse) leaves it to run, and clearImmediate on a timeout upsets Node's count of pending
 * immediates (seen as a producer thread whose setImmediate slices stalled).
 */
type Timer =
  | { readonly kind: 'immediate'; readonly handle: NodeJS.Immediate }
  | { readonly kind: 'timeout'; readonly handle: NodeJS.Timeout; readonly patient: boolean };

/**
 * Gathers records from concurrent calls into produce requests (acks=all, idempotent): what
 * arrives while a producer's request is in flight goes together in its next one, so requests
 * grow with the load by themselves; kafkajs sends one request per `send` call otherwise. Each
 * caller learns its own partition and offset: the partition is chosen here with Kafka's default
 * murmur2 partitioner (murmur2-partitioner.ts), so the offset is the partition's base offset plus
 * the record's place among that partition's records in the request. A partition's records always
 * go through the same producer, one request at a time, so they stay in the order their calls
 * arrived.
 */
export class BatchingPublisher {
  private readonly shards: Shard[];
  /** Partition count per topic. */
  private readonly partitions = new Map<string, number>();
  private readonly lingerMs: number;
  private readonly patientLingerMs: number;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: BatchingPublisherOptions) {
    if (options.producers.length === 0) throw new RangeError('BatchingPublisher needs at least one producer');
    this.lingerMs = options.lingerMs ?? 0;
    this.patientLingerMs = Math.max(this.lingerMs, options.patientLingerMs ?? 0);
    this.maxBatch = options.maxBatch ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 900 * 1024;
    this.shards = options.producers.map((producer) => ({ producer, queue: [], queuedBytes: 0, urgent: 0, busy: false, timer: undefined }));
  }

  /** `patient`: the record may wait for company after a return (see `patientLingerMs`). */
  publish(record: OutgoingRecord, patient = false): Promise<RecordPosition> {
    return new Promise((resolve, reject) =>
      this.publishThen(record, (error, position) => (position ? resolve(position) : reject(error instanceof Error ? error : new Error(String(error)))), patient),
    );
  }

  /**
   * {@link publish} with a callback: no promise per record, which the producer thread, handing
   * over thousands of records a second, pays for in time and garbage.
   */
  publishThen(record: OutgoingRecord, done: RecordDone, patient = false): void {
    const count = this.partitions.get(record.topic);
    if (count !== undefined) {
      this.enqueue(record, count, done, patient);
      return;
    }
    this.partitionsOf(record.topic).then(
      (known) => this.enqueue(record, known, done, patient),
      (err: unknown) => done(err),
    );
  }

  private enqueue(record: OutgoingRecord, partitions: number, done: RecordDone, patient: boolean): void {
    const partition = partitionForKey(record.key, partitions);
    const shard = this.shards[partition % this.shards.length]!;
    const bytes = recordBytes(record);
    shard.queue.push({ record, partition, done, patient, bytes });
    shard.queuedBytes += bytes;
    if (!patient) {
      shard.urgent++;
      // It does not wait out a linger meant for patient records only.
      if (shard.timer?.kind === 'timeout' && shard.timer.patient) this.cancelTimer(shard);
    }
    this.schedule(shard);
  }

  /** Resolves when every record handed over so far has been sent or failed. */
  drain(): Promise<void> {
    if (this.shards.every((s) => !s.busy && s.queue.length === 0)) return Promise.resolve();
    return new Promise((done) => this.idle.add(done));
  }

  /**
   * Starts the shard's next request now, or sets when it will start. After a return
   * (`returned`) it waits `lingerMs`, or `patientLingerMs` when only patient records wait;
   * otherwise `lingerMs` from the first record, or until the next turn when that is 0.
   */
  private schedule(shard: Shard, returned = false): void {
    if (shard.busy) return; // the request in flight takes the queue when it returns
    const patient = returned && shard.urgent === 0 && this.patientLingerMs > this.lingerMs;
    const linger = patient ? this.patientLingerMs : this.lingerMs;
    if ((returned && linger === 0) || shard.queue.length >= this.maxBatch || shard.queuedBytes >= this.maxBatchBytes) {
      this.cancelTimer(shard);
      void this.sendNext(shard);
    } else if (shard.timer === undefined) {
      const start = () => {
        shard.timer = undefined;
        void this.sendNext(shard);
      };
      shard.timer = linger === 0 ? { kind: 'immediate', handle: setImmediate(start) } : { kind: 'timeout', handle: setTimeout(start, linger), patient };
    }
  }

  private cancelTimer(shard: Shard): void {
    const { timer } = shard;
    if (timer === undefined) return;
    if (timer.kind === 'immediate') clearImmediate(timer.handle);
    else clearTimeout(timer.handle);
    shard.timer = undefined;
  }

  private async sendNext(shard: Shard): Promise<void> {
    if (shard.busy || shard.queue.length === 0) return;
    shard.busy = true;
    let bytes = 0;
    let count = 0;
    while (count < shard.queue.length && count < this.maxBatch) {
      const size = shard.queue[count]!.bytes;
      if (count > 0 && bytes + size > this.maxBatchBytes) break;
      bytes += size;
      count++;
    }
    const batch = shard.queue.splice(0, count);
    shard.queuedBytes -= bytes;
    for (const item of batch) if (!item.patient) shard.urgent--;
    const answer = await this.send(shard.producer, batch);
    shard.busy = false;
    // What arrived meanwhile goes at once (by default, or if it fills a request), else after
    // lingering (decisions 013, 014, 015). This request's records are answered on the next turn,
    // after the next request is on its way (their answers, a digest and a reply each, would
    // otherwise stand between one request and the next) or while it lingers.
    if (shard.queue.length > 0) this.schedule(shard, true);
    setImmediate(() => {
      answer();
      if (this.shards.every((s) => !s.busy && s.queue.length === 0)) {
        for (const done of this.idle) done();
        this.idle.clear();
      }
    });
  }

  private async partitionsOf(topic: string): Promise<number> {
    const count = await this.options.partitionsOf(topic);
    this.partitions.set(topic, count);
    return count;
  }

  /** Sends one request; resolves to what answers its records, each with its position or the error. */
  private async send(producer: Producer, batch: Pending[]): Promise<() => void> {
    const byTopicPartition = new Map<string, { topic: string; partition: number; items: Pending[] }>();
    for (const item of batch) {
      const k = `${item.record.topic}\u0000${item.partition}`;
      const entry = byTopicPartition.get(k) ?? { topic: item.record.topic, partition: item.partition, items: [] };
      entry.items.push(item);
      byTopicPartition.set(k, entry);
    }
    const topicMessages = new Map<string, Message[]>();
    for (const { topic, partition, items } of byTopicPartition.values()) {
      const list = topicMessages.get(topic) ?? [];
      for (const { record } of items) list.push({ key: record.key, value: record.value, headers: record.headers, partition });
      topicMessages.set(topic, list);
    }
    let results: RecordMetadata[];
    try {
      results = await producer.sendBatch({
        acks: -1,
        topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (err) {
      return () => {
        for (const item of batch) item.done(err);
      };
    }
    return () => this.answer(byTopicPartition.values(), results);
  }

  private answer(sent: Iterable<{ topic: string; partition: number; items: Pending[] }>, results: RecordMetadata[]): void {
    for (const { topic, partition, items } of sent) {
      const meta = results.find((r) => r.topicName === topic && r.partition === partition);
      if (!meta || meta.errorCode !== 0 || meta.baseOffset === undefined) {
        const err = new Error(`Kafka did not confirm ${topic}[${partition}] (error code ${meta?.errorCode ?? 'none'})`);
        for (const item of items) item.done(err);
        continue;
      }
      const base = Number(meta.baseOffset);
      if (Number.isSafeInteger(base + items.length)) {
        items.forEach((item, i) => item.done(undefined, { topic, partition, offset: String(base + i) }));
      } else {
        const big = BigInt(meta.baseOffset);
        items.forEach((item, i) => item.done(undefined, { topic, partition, offset: (big + BigInt(i)).toString() }));
      }
    }
  }
}

function recordBytes(record: OutgoingRecord): number {
  let size = record.value.length + record.key.length + 64;
  // for…in: Object.entries made an array per header, 11% of the bytes the producer thread
  // allocated for a 2 KB event (docs/benchmarks.md, twenty-fifth round).
  const { headers } = record;
  for (const k in headers) size += k.length + headers[k]!.length + 8;
  return size;
}
