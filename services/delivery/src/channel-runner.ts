/**
 * Runs a channel adapter on Kafka: one consumer group reads `released`, another the channel's
 * retry tiers; each delivery goes through the engine; outcomes, retries and dead letters are
 * written before the offsets that produced them are resolved (at-least-once, and exactly once
 * as the target sees it through idempotency keys and the engine's memory of confirmations).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventDecodeError, HUB_HEADERS, TOPICS, deadLetterTopic, decodeEvent, retryTopic, type AnyHubEvent, type ChannelName } from '@gongkai/contracts';
import { boundedRequests, createKafka, ensureTopics, textHeaders, topicMessagesOf, type Logger, type OutgoingRecord } from '@gongkai/runtime';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { ChannelAdapter } from './channel-adapter';
import { CommitFrontier } from './commit-frontier';
import type { DeliveryConfig } from './delivery-config';
import { DeliveryEngine, DeliveryInterruptedError, type ReleasedDelivery } from './delivery-engine';
import { journeyOf, type DeliveryTask } from './delivery-records';
import { DeliveryState } from './delivery-state';
import { RecordWriter } from './record-writer';
import { RetryPolicy } from './retry-policy';
import { TargetGuard } from './target-guard';

/** A channel adapter running on Kafka. */
export interface RunningChannel {
  readonly channel: ChannelName;
  /** Stops consuming, interrupts calls in flight (their deliveries are redone after a restart), closes everything. */
  stop(): Promise<void>;
}

/** Partitions of the topics the engine creates when they do not exist yet. */
const PARTITIONS = 6;
const LARGE = [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }];
/** How long a stop waits for deliveries to settle and their records to be written. */
const STOP_WAIT_MS = 5000;
/** Pause before a partition is read again from an event whose delivery failed unexpectedly; doubles per failure of the same event. */
const REREAD_FIRST_MS = 1000;
const REREAD_MAX_MS = 60_000;

export async function runChannel(adapter: ChannelAdapter, config: DeliveryConfig, logger: Logger): Promise<RunningChannel> {
  const { channel } = adapter;
  const log = logger.child({ channel });
  mkdirSync(config.DELIVERY_STATE_DIR, { recursive: true });
  const state = new DeliveryState(join(config.DELIVERY_STATE_DIR, `${channel}.sqlite`));
  const policy = new RetryPolicy({
    initialDelayMs: config.DELIVERY_RETRY_INITIAL,
    factor: config.DELIVERY_RETRY_FACTOR,
    maxDelayMs: Math.max(config.DELIVERY_RETRY_MAX, config.DELIVERY_RETRY_INITIAL),
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
  });
  const guard = new TargetGuard(channel, {
    ratePerSecond: config.DELIVERY_TARGET_RATE,
    ratesPerTarget: config.DELIVERY_TARGET_RATES,
    windowMs: config.DELIVERY_BREAKER_WINDOW,
    volumeThreshold: config.DELIVERY_BREAKER_VOLUME,
    resetTimeoutMs: config.DELIVERY_BREAKER_RESET,
  });
  guard.on('breaker', ({ target, state: breaker }) => {
    if (breaker === 'open') log.warn({ target }, 'target keeps failing: circuit breaker open, calls paused');
    else log.info({ target, breaker }, breaker === 'closed' ? 'target answers again: circuit breaker closed' : 'circuit breaker lets a probe through');
  });
  const engine = new DeliveryEngine({ channel, adapter, state, policy, guard, logger: log, attemptTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT });

  const retryTopics = Array.from({ length: policy.tiers }, (_, i) => retryTopic(channel, i + 1));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? `gongkai-delivery-${channel}`, logger: log });
  await ensureTopics(kafka.kafka, [
    { topic: TOPICS.released, numPartitions: PARTITIONS, configEntries: LARGE },
    { topic: TOPICS.delivery, numPartitions: PARTITIONS },
    ...retryTopics.map((topic) => ({ topic, numPartitions: PARTITIONS, configEntries: LARGE })),
    { topic: deadLetterTopic(channel), numPartitions: 3, configEntries: LARGE },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  // Outcomes, retries and dead letters of all deliveries go out together, a request at a time.
  const writer = new RecordWriter(async (records) => {
    for (const request of boundedRequests(records)) await producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(request) });
  }, log);

  const slots = new Semaphore(config.DELIVERY_CONCURRENCY);
  /** Delivers tasks concurrently (one publication's in order, by the engine's lock); records in task order. */
  const deliverAll = async (tasks: readonly DeliveryTask[]): Promise<OutgoingRecord[]> => {
    const results = await Promise.all(tasks.map((task) => slots.run(() => engine.deliver(task))));
    return results.flat();
  };

  /** A record the engine cannot work with goes to the dead-letter topic with the reason. */
  const unreadable = (topic: string, partition: number, message: KafkaMessage, code: string, reason: string): OutgoingRecord => {
    log.warn({ topic, partition, offset: message.offset, code }, 'unreadable record dead-lettered');
    return {
      topic: deadLetterTopic(channel),
      key: message.key?.toString() ?? '',
      value: message.value ?? Buffer.alloc(0),
      headers: {
        ...textHeaders(message.headers ?? {}),
        [HUB_HEADERS.errorCode]: code,
        [HUB_HEADERS.errorMessage]: reason.slice(0, 1000),
        [HUB_HEADERS.originTopic]: topic,
        [HUB_HEADERS.originPartition]: String(partition),
        [HUB_HEADERS.originOffset]: message.offset,
      },
    };
  };

  /** What one released record asks of this channel (its targets are worked out by the engine), or null for nothing. */
  const releasedOf = (partition: number, message: KafkaMessage, rejects: OutgoingRecord[]): ReleasedDelivery | null => {
    let event: AnyHubEvent;
    try {
      event = decodeEvent(message, { topic: TOPICS.released, partition });
    } catch (err) {
      if (!(err instanceof EventDecodeError)) throw err;
      rejects.push(unreadable(TOPICS.released, partition, message, err.code, err.message));
      return null;
    }
    const headers = textHeaders(message.headers ?? {});
    const base = { channel, event, value: message.value ?? Buffer.alloc(0), headers, attempt: 1, released: { partition, offset: message.offset }, history: [] };
    if (event.type === 'publication.retracted') return { ...base, plan: [] };
    let plan: { channel: string; target: string; dueOn: string | null }[];
    try {
      plan = (headers[HUB_HEADERS.channels] ?? '').split(',').includes(channel) ? parsePlan(headers[HUB_HEADERS.route]).filter((p) => p.channel === channel) : [];
    } catch (err) {
      rejects.push(unreadable(TOPICS.released, partition, message, 'ROUTE_INVALID', err instanceof Error ? err.message : String(err)));
      return null;
    }
    // A first revision not meant for this channel has nothing to do here; a later one may have
    // to take an earlier revision off (the engine knows).
    const revision = 'revision' in event.data && typeof event.data.revision === 'number' ? event.data.revision : 1;
    if (plan.length === 0 && revision <= 1) return null;
    return { ...base, plan };
  };

  /** A delivery brought back from a retry tier; `due: false` when its time has not come. */
  const taskOfRetry = (topic: string, partition: number, message: KafkaMessage, now: number): { due: true; task: DeliveryTask | null; reject?: OutgoingRecord } | { due: false; at: number } => {
    const headers = textHeaders(message.headers ?? {});
    const journey = journeyOf(headers);
    if (!journey) return { due: true, task: null, reject: unreadable(topic, partition, message, 'RETRY_RECORD_INVALID', 'the record lacks the delivery engine’s journey headers') };
    if (journey.notBefore !== null && journey.notBefore > now) return { due: false, at: journey.notBefore };
    let event: AnyHubEvent;
    try {
      event = decodeEvent(message, { topic, partition });
    } catch (err) {
      if (!(err instanceof EventDecodeError)) throw err;
      return { due: true, task: null, reject: unreadable(topic, partition, message, err.code, err.message) };
    }
    let dueOn: string | null;
    try {
      dueOn = parsePlan(headers[HUB_HEADERS.route]).find((p) => p.channel === channel && p.target === journey.target)?.dueOn ?? null;
    } catch {
      dueOn = null;
    }
    return {
      due: true,
      task: { channel, event, value: message.value ?? Buffer.alloc(0), headers, target: journey.target, action: journey.action, dueOn, attempt: journey.attemptsMade + 1, released: journey.released, history: journey.history },
    };
  };

  /** Runs `work` with the consumer's heartbeat kept up, however long the targets take. */
  const withHeartbeat = async <T>(payload: EachBatchPayload, work: () => Promise<T>): Promise<T> => {
    const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), 3000);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };

  const released = kafka.consumer({ groupId: `${config.DELIVERY_GROUP_PREFIX}-${channel}` });
  const retries = kafka.consumer({ groupId: `${config.DELIVERY_GROUP_PREFIX}-${channel}-retry` });
  const resumeTimers = new Set<NodeJS.Timeout>();
  let stopping = false;

  await released.connect();
  await released.subscribe({ topic: TOPICS.released, fromBeginning: true });
  await retries.connect();
  await retries.subscribe({ topics: retryTopics, fromBeginning: true });

  // Released events are delivered as they are fetched, not a batch at a time: each one's
  // outcome is written as soon as its targets answer, and a partition's offset is committed up
  // to the first event still being delivered (`CommitFrontier`). At most DELIVERY_QUEUE events
  // are fetched and not yet done; the consumer waits for room before it takes more.
  const frontier = new CommitFrontier();
  const room = new Room(config.DELIVERY_QUEUE);
  /**
   * An unexpected failure of a delivery (not a target's: the engine records those, but its own,
   * like a state file another process holds locked) reads the partition again from that event,
   * after a pause that doubles while the partition keeps failing. Commits stop at the event
   * until then, and it is tried again even when nothing new arrives on its partition.
   */
  const reread = new Map<number, { offset: bigint; timer: NodeJS.Timeout }>();
  /** Per partition, the event that failed last and how many times in a row. */
  const failing = new Map<number, { offset: bigint; times: number }>();
  /** Returns the pause before the partition is read again, or undefined if an earlier event of it is already waiting. */
  const readAgainLater = (partition: number, offset: string): number | undefined => {
    const at = BigInt(offset);
    const pending = reread.get(partition);
    if (pending && pending.offset <= at) return undefined;
    if (pending) clearTimeout(pending.timer);
    const last = failing.get(partition);
    const times = last?.offset === at ? last.times + 1 : 1;
    failing.set(partition, { offset: at, times });
    const pauseMs = Math.min(REREAD_MAX_MS, REREAD_FIRST_MS * 2 ** Math.min(times - 1, 16));
    const timer = setTimeout(() => {
      reread.delete(partition);
      if (stopping) return;
      try {
        released.seek({ topic: TOPICS.released, partition, offset });
      } catch (err) {
        // Not this consumer's partition any more: its new owner starts from the committed offset, which stopped before the event.
        log.warn({ err, partition, offset }, 'could not read the partition again');
      }
    }, pauseMs);
    reread.set(partition, { offset: at, timer });
    return pauseMs;
  };

  const handleReleased = async (partition: number, message: KafkaMessage): Promise<void> => {
    const rejects: OutgoingRecord[] = [];
    const release = releasedOf(partition, message, rejects);
    const records = release ? await slots.run(() => engine.deliverReleased(release)) : [];
    await writer.write(rejects.length > 0 ? [...rejects, ...records] : records);
  };

  const commitReleased = async (): Promise<void> => {
    const due = frontier.due();
    if (due.length === 0) return;
    try {
      await released.commitOffsets(due.map(({ partition, offset }) => ({ topic: TOPICS.released, partition, offset })));
    } catch (err) {
      // Committed again with the next frontier; until then a restart redoes a little more.
      log.warn({ err }, 'offsets of released events not committed; trying again');
    }
  };
  let committing: Promise<void> = Promise.resolve();
  const commitTimer = setInterval(() => {
    committing = committing.then(commitReleased);
  }, 1000);
  released.on(released.events.GROUP_JOIN, ({ payload }) => {
    frontier.keepOnly(new Set(payload.memberAssignment[TOPICS.released] ?? []));
  });

  await released.run({
    partitionsConsumedConcurrently: config.DELIVERY_PARTITIONS_CONCURRENTLY,
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      let started: string | undefined;
      for (const message of batch.messages) {
        if (stopping || !payload.isRunning() || payload.isStale()) break;
        if (room.full) await withHeartbeat(payload, () => room.wait());
        if (stopping || !payload.isRunning() || payload.isStale()) break;
        const handled = frontier.track(batch.partition, message.offset);
        room.take();
        started = message.offset;
        handleReleased(batch.partition, message)
          .then(
            () => {
              handled();
              if (failing.get(batch.partition)?.offset === BigInt(message.offset)) failing.delete(batch.partition);
            },
            (err: unknown) => {
              // Not handled: the event is delivered again, after a pause or a restart (the engine skips targets that confirmed it).
              if (err instanceof DeliveryInterruptedError || stopping) return;
              const pauseMs = readAgainLater(batch.partition, message.offset);
              log.error({ err, partition: batch.partition, offset: message.offset, readAgainInMs: pauseMs }, 'delivery failed unexpectedly; its partition is read again from it after a pause');
            },
          )
          .finally(() => room.give());
      }
      // Fetching goes on after what was started; committing waits for it to be done.
      if (started !== undefined) payload.resolveOffset(started);
      await payload.heartbeat();
    },
  });

  await retries.run({
    partitionsConsumedConcurrently: config.DELIVERY_PARTITIONS_CONCURRENTLY,
    // Resolved offsets are committed once a second, not after every batch: a crash redoes at
    // most that second's deliveries, which the confirmations and idempotency keys make harmless.
    autoCommitInterval: 1000,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const now = Date.now();
      const tasks: DeliveryTask[] = [];
      const rejects: OutgoingRecord[] = [];
      let last: string | undefined;
      let wakeAt: number | undefined;
      for (const message of batch.messages) {
        const found = taskOfRetry(batch.topic, batch.partition, message, now);
        if (!found.due) {
          wakeAt = found.at;
          break;
        }
        if (found.task) tasks.push(found.task);
        if (found.reject) rejects.push(found.reject);
        last = message.offset;
      }
      if (last !== undefined) {
        let records: OutgoingRecord[];
        try {
          records = await withHeartbeat(payload, () => deliverAll(tasks));
        } catch (err) {
          if (err instanceof DeliveryInterruptedError || stopping) return;
          throw err;
        }
        await writer.write([...rejects, ...records]);
        payload.resolveOffset(last);
        await payload.heartbeat();
      }
      if (wakeAt !== undefined && !stopping) {
        // A tier holds its messages in about the order they fall due: wait for the first one
        // that is not due by pausing its partition; what follows it is fetched again on resume.
        const resume = payload.pause();
        const timer = setTimeout(() => {
          resumeTimers.delete(timer);
          resume();
        }, Math.max(0, wakeAt - Date.now()));
        resumeTimers.add(timer);
      }
    },
  });
  log.info({ retryTopics, dlq: deadLetterTopic(channel) }, 'delivering');

  return {
    channel,
    async stop() {
      stopping = true;
      engine.stop();
      for (const timer of resumeTimers) clearTimeout(timer);
      for (const { timer } of reread.values()) clearTimeout(timer);
      clearInterval(commitTimer);
      // What was delivered before the stop is written and committed; interrupted deliveries are redone after a restart.
      await room.idle(STOP_WAIT_MS);
      await Promise.race([writer.flushed(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
      await writer.close(new DeliveryInterruptedError());
      await committing;
      await commitReleased();
      await Promise.allSettled([released.disconnect(), retries.disconnect()]);
      await producer.disconnect();
      guard.close();
      state.close();
    },
  };
}

/** The `gk_route` plan of a released record. */
function parsePlan(text: string | undefined): { channel: string; target: string; dueOn: string | null }[] {
  if (text === undefined) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${HUB_HEADERS.route} is not a list`);
  return parsed.map((entry: unknown, i) => {
    const p = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof p.channel !== 'string' || typeof p.target !== 'string') throw new Error(`${HUB_HEADERS.route}[${i}] lacks channel or target`);
    return { channel: p.channel, target: p.target, dueOn: typeof p.dueOn === 'string' ? p.dueOn : null };
  });
}

/** Room for at most `size` events fetched and not yet done. */
class Room {
  private used = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.used >= this.size;
  }

  take(): void {
    this.used++;
  }

  give(): void {
    this.used--;
    // Wakes the consumer waiting for room and a stop waiting for none (each checks again).
    if (this.used < this.size) for (const wake of this.waiting.splice(0)) wake();
  }

  /** Resolves when there is room (or nothing is held). */
  wait(): Promise<void> {
    return this.full ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve();
  }

  /** Resolves when nothing is held any more, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.used > 0 && Date.now() < until) {
      await Promise.race([new Promise<void>((resolve) => this.waiting.push(resolve)), new Promise((resolve) => setTimeout(resolve, until - Date.now()).unref())]);
    }
  }
}

/** At most `size` pieces of work at once. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A finishing piece of work hands its slot straight to the next waiting one.
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
