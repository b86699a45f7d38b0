/**
 * Kafka as the delivery commands need it: read a topic from its beginning to where it ends
 * now, and write records. The one module of hubctl that opens Kafka connections; the commands
 * take a {@link KafkaCalls}, so tests hand them a fake without a broker.
 *
 * A person is waiting: every call fails within the deadline it is given (exit 7), and a broker
 * that does not answer is given up on after a few seconds rather than kafkajs' default of half
 * a minute of retries.
 */
import { randomUUID } from 'node:crypto';
import { boundedRequests, topicMessagesOf, type OutgoingRecord } from '@gongkai/runtime';
import {
  Kafka,
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSMetadataNotLoaded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSTimeout,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type Producer,
} from 'kafkajs';
import { HubctlError, KafkaRequestError, KafkaUnavailableError } from './errors';

/** One record as read, its headers as text (the first value of a repeated header, as the delivery engine reads them). */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  /** The record's Kafka timestamp, ms since the epoch. */
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** What came of reading a topic to its end. */
export interface TopicRead {
  /** False when the topic does not exist (nothing was read). */
  readonly exists: boolean;
  /** Records read (every one handed to `onRecord`). */
  readonly records: number;
}

/** The calls the delivery commands make; each rejects with a {@link HubctlError} (unavailable or refused). */
export interface KafkaCalls {
  /**
   * Hands `onRecord` every record of `topic` from the beginning up to the end offsets the topic
   * has when the call starts (records written meanwhile are left out), then resolves. Commits
   * no consumer offsets and leaves no consumer group behind.
   */
  readTopic(topic: string, onRecord: (record: TopicRecord) => void): Promise<TopicRead>;
  topicExists(topic: string): Promise<boolean>;
  /** Writes the records, acknowledged by every in-sync replica, in the order given (per partition). */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** Closes every connection; never rejects, and returns within a few seconds. */
  close(): Promise<void>;
}

/** How long one connection attempt to a broker may take. */
const CONNECTION_TIMEOUT_MS = 3000;
/**
 * Retries of a refused connection or a passing refusal (a partition whose leader just moved):
 * about two and a half seconds in all, instead of kafkajs' half a minute; the deadline bounds
 * the rest.
 */
const RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 };
/** Pause before asking a broker again that answered it is not ready. */
const NOT_READY_PAUSE_MS = 250;
/** How long close() waits for kafkajs to say goodbye before giving up on it. */
const CLOSE_TIMEOUT_MS = 3000;

/**
 * Kafka at `brokers`, for one command that must be done by `deadline` (ms since the epoch).
 * Connects lazily, on the first call.
 */
export function connectKafka(brokers: readonly string[], deadline: number): KafkaCalls {
  const kafka = new Kafka({
    clientId: 'hubctl',
    brokers: [...brokers],
    connectionTimeout: Math.max(500, Math.min(CONNECTION_TIMEOUT_MS, deadline - Date.now())),
    requestTimeout: 30_000,
    retry: RETRY,
    // The command reports failures itself; kafkajs' own log lines would only repeat them.
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  const consumers = new Set<Consumer>();

  /** Runs `work` within the deadline, turning what kafkajs throws into hubctl's errors. */
  const bounded = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeLeft = deadline - Date.now();
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new KafkaUnavailableError(brokers, `no answer in time while ${what} (--timeout)`)), Math.max(0, timeLeft));
    });
    try {
      return await Promise.race([work(), expired]);
    } catch (err) {
      throw hubctlErrorOf(err, brokers, what);
    } finally {
      clearTimeout(timer);
    }
  };

  let adminReady: Promise<Admin> | undefined;
  const connectedAdmin = (): Promise<Admin> => {
    adminReady ??= (async () => {
      const created = kafka.admin({ retry: RETRY });
      admin = created;
      await created.connect();
      return created;
    })().catch((err: unknown) => {
      // The next call connects afresh.
      adminReady = undefined;
      throw err;
    });
    return adminReady;
  };

  /**
   * Runs `work` again while the broker answers that it is not ready yet (a partition whose
   * leader is moving or just created), until the deadline. A broker that cannot be reached
   * fails at once, after kafkajs' few retries.
   */
  const whileNotReady = async <T>(work: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!brokerNotReady(err) || Date.now() + NOT_READY_PAUSE_MS >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, NOT_READY_PAUSE_MS));
      }
    }
  };

  const topicExists = async (topic: string): Promise<boolean> => {
    const topics = await (await connectedAdmin()).listTopics();
    return topics.includes(topic);
  };

  return {
    topicExists: (topic) => bounded(`looking up ${topic}`, () => topicExists(topic)),

    readTopic: (topic, onRecord) =>
      bounded(`reading ${topic}`, async () => {
        if (!(await topicExists(topic))) return { exists: false, records: 0 };
        const offsets = await whileNotReady(async () => (await connectedAdmin()).fetchTopicOffsets(topic));
        /** Partitions still to read, with the offset each ends at (exclusive). */
        const ends = new Map<number, bigint>();
        for (const { partition, low, high } of offsets) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
        if (ends.size === 0) return { exists: true, records: 0 };

        const groupId = `hubctl-read-${randomUUID()}`;
        const consumer = kafka.consumer({
          groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: 10_000,
          heartbeatInterval: 1000,
          maxWaitTimeInMs: 250,
          // A passing failure (a fresh cluster still loading its group coordinator) restarts
          // the consumer while there is time; the deadline ends it otherwise.
          retry: { ...RETRY, restartOnFailure: async () => Date.now() < deadline },
        });
        consumers.add(consumer);
        let records = 0;
        try {
          const finished = new Promise<void>((resolve, reject) => {
            // END_BATCH_PROCESS also comes for batches of nothing but transaction markers,
            // which never reach eachBatch: the partition's progress is taken from it.
            consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
              const end = ends.get(payload.partition);
              if (payload.topic !== topic || end === undefined) return;
              if (BigInt(payload.lastOffset) >= end - 1n) ends.delete(payload.partition);
              if (ends.size === 0) resolve();
            });
            consumer.on(consumer.events.CRASH, ({ payload }) => {
              if (!payload.restart) reject(payload.error);
            });
          });
          // It may crash while connecting, before anything waits for it: awaited below.
          finished.catch(() => undefined);
          const readEnds = new Map(ends);
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: true });
          await consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = readEnds.get(batch.partition);
              if (end === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) >= end) break;
                records += 1;
                onRecord({
                  partition: batch.partition,
                  offset: message.offset,
                  timestamp: Number(message.timestamp),
                  key: message.key?.toString('utf8') ?? null,
                  value: message.value,
                  headers: textHeaders(message.headers),
                });
              }
            },
          });
          await finished;
        } finally {
          consumers.delete(consumer);
          await settle(consumer.disconnect());
          // Nothing was committed, so the group holds nothing worth keeping.
          if (admin) await settle(admin.deleteGroups([groupId]));
        }
        return { exists: true, records };
      }),

    send: (records) =>
      bounded(`writing ${records.length} record${records.length === 1 ? '' : 's'}`, async () => {
        if (records.length === 0) return;
        if (!producer) {
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
          await producer.connect();
        }
        const connected = producer;
        // Bounded requests: no partition's batch passes the broker's message.max.bytes.
        for (const request of boundedRequests(records)) await connected.sendBatch({ acks: -1, topicMessages: topicMessagesOf(request) });
      }),

    async close() {
      await Promise.all([...[...consumers].map((c) => settle(c.disconnect())), settle(producer?.disconnect()), settle(admin?.disconnect())]);
    },
  };
}

/** Kafka headers as text, the first value of each. */
function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** Waits for `promise` at most {@link CLOSE_TIMEOUT_MS}, ignoring how it ends. */
async function settle(promise: Promise<unknown> | undefined): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
  clearTimeout(timer);
}

/** True when a broker answered with a retriable refusal (not leader, coordinator loading …), whatever kafkajs wrapped it in. */
function brokerNotReady(err: unknown): boolean {
  return causesOf(err).some((e) => e instanceof KafkaJSProtocolError && e.retriable);
}

/** The error and its causes, outermost first. */
function causesOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  return chain;
}

/** kafkajs errors that mean no broker could be reached, or did not answer. */
const UNREACHABLE = [KafkaJSConnectionError, KafkaJSRequestTimeoutError, KafkaJSBrokerNotFound, KafkaJSTimeout, KafkaJSGroupCoordinatorNotFound, KafkaJSMetadataNotLoaded];

/** The hubctl error for what a Kafka call threw: unavailable when any cause says so, refused otherwise. */
export function hubctlErrorOf(err: unknown, brokers: readonly string[], what: string): HubctlError {
  if (err instanceof HubctlError) return err;
  const chain = causesOf(err);
  const last = chain[chain.length - 1];
  const reason = `${what}: ${last instanceof Error ? last.message : String(err)}`;
  const unreachable = chain.some((e) => UNREACHABLE.some((type) => e instanceof type) || (e instanceof KafkaJSError && e.retriable));
  return unreachable ? new KafkaUnavailableError(brokers, reason, { cause: err }) : new KafkaRequestError(brokers, reason, { cause: err });
}
