import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventDecodeError, TOPICS, decodeEvent, type AnyHubEvent } from '@gongkai/contracts';
import { createKafka, ensureTopics, env, kafkaVariables, loadConfig, type Logger } from '@gongkai/runtime';
import type { KafkaMessage } from 'kafkajs';
import { parse } from 'yaml';
import { validateChannelLimits } from './deadlines';
import { OperatorRegistry } from './operator-registry';
import { startReviewApi } from './review-api';
import { InterpretationTracker, missingInterpretationAlerts } from './interpretation-tracker';
import { boundedRequests, processAccepted, revisionOf, topicMessagesOf, type OutgoingRecord, type ReviewProcessorConfig } from './review-processor';
import { loadRouting } from './routing';
import { WorkingCalendar, chinaDateOf } from './working-calendar';

const HERE = resolve(__dirname, '..');

/** The review service's settings; defaults run on one laptop. */
export const reviewVariables = {
  ...kafkaVariables,
  REVIEW_GROUP_ID: env.string({ default: 'review' }),
  REVIEW_ROUTING_FILE: env.string({ default: resolve(HERE, 'config/routing.yaml') }),
  REVIEW_CALENDAR_DIR: env.string({ default: resolve(HERE, 'calendars') }),
  /** Optional YAML of per-type, per-channel publishing limits in working days. */
  REVIEW_LIMITS_FILE: env.string({ optional: true }),
  /** The operators' review API (gongkai.hub.v1.ReviewService). */
  /** Where the review service keeps what it must remember (policies awaiting interpretation). */
  REVIEW_STATE_DIR: env.string({ default: '.hub/review' }),
  /** Working days after a policy needing an interpretation before an alert says none came. */
  REVIEW_INTERPRETATION_DAYS: env.integer({ default: 5, min: 0, max: 60 }),
  /** How often to look for interpretations that are late. */
  REVIEW_INTERPRETATION_CHECK: env.duration({ default: 3_600_000 }),
  REVIEW_GRPC_HOST: env.string({ default: '127.0.0.1' }),
  REVIEW_GRPC_PORT: env.port({ default: 50052 }),
  /** Who may call the review API: see deploy/dev/operators.yaml. */
  REVIEW_OPERATORS_FILE: env.string({ default: resolve(HERE, '../../deploy/dev/operators.yaml') }),
  /** What one fetch of `disclosure` may bring, per partition and in all: kafkajs spends less CPU per record on fewer, larger fetches (docs/benchmarks.md). */
  REVIEW_FETCH_PARTITION_BYTES: env.integer({ default: 4 * 1024 * 1024, min: 64 * 1024, max: 64 * 1024 * 1024 }),
  REVIEW_FETCH_BYTES: env.integer({ default: 24 * 1024 * 1024, min: 64 * 1024, max: 256 * 1024 * 1024 }),
  /** Partitions of `disclosure` reviewed at once (each in order): one waits on Kafka while another is reviewed. */
  REVIEW_PARTITIONS_CONCURRENTLY: env.integer({ default: 3, min: 1, max: 64 }),
};

export function loadReviewConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(reviewVariables, environment);
}

export type ReviewServiceConfig = ReturnType<typeof loadReviewConfig>;

/** Dead letters of the review service: what it could not decode, with the error in headers. */
export const REVIEW_DEAD_LETTER_TOPIC = 'review.dlq';

/** A running review service. */
export interface ReviewService {
  /** Port the operators' review API is bound to (REVIEW_GRPC_PORT, or the free one picked for 0). */
  readonly apiPort: number;
  stop(): Promise<void>;
}

/**
 * An event reviewed with the held events of its publication known (see
 * `ReviewDesk.reviewWithHeld`): a retraction, or a revision of a publication with held events
 * waiting.
 */
interface ReviewWithHeld {
  readonly event: AnyHubEvent;
  readonly original: Parameters<typeof processAccepted>[1];
}

/**
 * Consume accepted events, review them, and produce released or held records; serve the
 * operators' review API for the held ones. Offsets are committed only after the outcome is in
 * Kafka (at-least-once); an undecodable message goes to the dead-letter topic and never blocks
 * its partition.
 */
export async function startReview(
  config: ReviewServiceConfig,
  logger: Logger,
  options: {
    /** Called when the consumer stopped for good on an error kafkajs does not retry; the process should exit and be restarted. */
    readonly onFatal?: (err: unknown) => void;
  } = {},
): Promise<ReviewService> {
  const routing = loadRouting(config.REVIEW_ROUTING_FILE);
  const calendar = WorkingCalendar.fromDirectory(config.REVIEW_CALENDAR_DIR);
  const limits = validateChannelLimits(config.REVIEW_LIMITS_FILE ? parse(readFileSync(config.REVIEW_LIMITS_FILE, 'utf8')) : {});
  const operators = OperatorRegistry.fromFile(config.REVIEW_OPERATORS_FILE);
  mkdirSync(config.REVIEW_STATE_DIR, { recursive: true });
  const interpretations = new InterpretationTracker(join(config.REVIEW_STATE_DIR, 'interpretations.sqlite'), calendar, config.REVIEW_INTERPRETATION_DAYS);
  const processor: ReviewProcessorConfig = { routing, calendar, limits, interpretations };
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'gongkai-review', logger });
  // Events of up to a few MiB pass through (a 2 MiB body is allowed), so every topic the
  // review service writes takes them.
  const large = [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }];
  await ensureTopics(kafka.kafka, [
    { topic: TOPICS.disclosure, numPartitions: 6, configEntries: large },
    { topic: TOPICS.released, numPartitions: 6, configEntries: large },
    { topic: TOPICS.reviewHeld, numPartitions: 6, configEntries: large },
    { topic: TOPICS.reviewDecisions, numPartitions: 6, configEntries: large },
    { topic: REVIEW_DEAD_LETTER_TOPIC, numPartitions: 1, configEntries: large },
    { topic: TOPICS.alerts, numPartitions: 3 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  // Held events are read back before any accepted event is reviewed, so a retraction knows
  // what of its publication is waiting.
  const api = await startReviewApi({
    kafka,
    logger,
    instancePrefix: config.REVIEW_GROUP_ID,
    host: config.REVIEW_GRPC_HOST,
    port: config.REVIEW_GRPC_PORT,
    operators,
    processor,
  });
  const consumer = kafka.consumer({
    groupId: config.REVIEW_GROUP_ID,
    maxBytesPerPartition: config.REVIEW_FETCH_PARTITION_BYTES,
    maxBytes: config.REVIEW_FETCH_BYTES,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.disclosure, fromBeginning: true });

  const send = async (records: readonly OutgoingRecord[]): Promise<void> => {
    // What the batch taught the tracker (one SQLite transaction) is on disk before its outcomes are in Kafka.
    interpretations.commit();
    if (records.length === 0) return;
    for (const request of boundedRequests(records)) await producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(request) });
    api.desk.noteWritten(records);
  };

  const review = (topic: string, partition: number, message: KafkaMessage, heldUnsent: ReadonlySet<string>): OutgoingRecord[] | ReviewWithHeld => {
    let event;
    try {
      event = decodeEvent(message, { topic, partition });
    } catch (err) {
      if (!(err instanceof EventDecodeError)) throw err;
      logger.warn({ topic, partition, offset: message.offset, code: err.code }, 'undecodable event dead-lettered');
      return [
        {
          topic: REVIEW_DEAD_LETTER_TOPIC,
          key: message.key?.toString() ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers: { gk_error_code: err.code, gk_error_message: err.message, gk_origin_topic: topic, gk_origin_partition: String(partition), gk_origin_offset: message.offset },
        },
      ];
    }
    const original = { value: message.value ?? Buffer.alloc(0), headers: message.headers ?? {} };
    const mayEndAWait = revisionOf(event) !== null && (heldUnsent.has(event.subject) || api.desk.hasWaiting(event.subject));
    if (event.type === 'publication.retracted' || mayEndAWait) return { event, original };
    const records = processAccepted(event, original, processor);
    logger.debug({ publicationId: event.subject, type: event.type, outcome: records[0]?.topic ?? 'ignored' }, 'reviewed');
    return records;
  };

  // A fetched batch is reviewed in order and its outcomes go to Kafka in one request; only then
  // is its last offset resolved (at-least-once: a crash before that reviews the batch again).
  // Partitions that move here may carry holds another instance wrote and this one has not
  // read back yet: the first batch after a (re)join brings the read model up to date first.
  let caughtUp: Promise<void> | null = null;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    caughtUp = null;
  });
  // kafkajs restarts the consumer after a retriable error; after any other it stays stopped,
  // and a review service that consumes nothing must not look alive.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    logger.fatal({ err: payload.error, groupId: payload.groupId }, 'the disclosure consumer stopped on an error it cannot retry');
    options.onFatal?.(payload.error);
  });
  await consumer.run({
    partitionsConsumedConcurrently: config.REVIEW_PARTITIONS_CONCURRENTLY,
    // Resolved offsets are committed once a second rather than after every batch (a crash
    // reviews that second again; its outcomes carry the same event ids).
    autoCommitInterval: 1000,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      // Every partition's batch waits for the one catch-up after a (re)join.
      caughtUp ??= api.desk.catchUp().catch((err: unknown) => {
        caughtUp = null;
        throw err;
      });
      await caughtUp;
      const out: OutgoingRecord[] = [];
      // Publications with a hold among `out`, not yet written nor noted in the read model.
      const heldUnsent = new Set<string>();
      let last: string | undefined;
      for (const message of batch.messages) {
        if (!payload.isRunning() || payload.isStale()) break;
        const reviewed = review(batch.topic, batch.partition, message, heldUnsent);
        if (Array.isArray(reviewed)) {
          out.push(...reviewed);
          for (const record of reviewed) if (record.topic === TOPICS.reviewHeld) heldUnsent.add(record.key);
        } else {
          heldUnsent.clear();
          // What came before it in the batch goes to Kafka first; then the retraction cancels,
          // or the revision supersedes, the held events of its publication under the desk's lock.
          await send(out.splice(0));
          const { event, original } = reviewed;
          await api.desk.reviewWithHeld(event, (waiting) => processAccepted(event, original, processor, waiting), send);
        }
        last = message.offset;
      }
      await send(out);
      if (last !== undefined) payload.resolveOffset(last);
      await payload.heartbeat();
    },
  });

  // Policies that needed an interpretation and have none past their due working day raise an
  // alert, once each. A failed check is tried again at the next tick.
  const checkInterpretations = async (): Promise<void> => {
    const late = interpretations.takeOverdue(chinaDateOf(new Date()));
    if (late.length === 0) return;
    await producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(missingInterpretationAlerts(late, new Date())) });
    logger.warn({ count: late.length }, 'interpretations missing past their due day');
  };
  const interpretationTimer = setInterval(() => {
    checkInterpretations().catch((err: unknown) => logger.error({ err }, 'interpretation check failed'));
  }, config.REVIEW_INTERPRETATION_CHECK);
  interpretationTimer.unref();
  await checkInterpretations().catch((err: unknown) => logger.error({ err }, 'interpretation check failed'));

  return {
    apiPort: api.port,
    async stop() {
      clearInterval(interpretationTimer);
      await api.stop();
      await consumer.disconnect();
      await producer.disconnect();
      interpretations.close();
    },
  };
}
