import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EventDecodeError, TOPICS, decodeEvent } from '@gongkai/contracts';
import { createKafka, ensureTopics, env, kafkaVariables, loadConfig, type Logger } from '@gongkai/runtime';
import { parse } from 'yaml';
import { validateChannelLimits } from './deadlines';
import { processAccepted, type OutgoingRecord } from './review-processor';
import { loadRouting } from './routing';
import { WorkingCalendar } from './working-calendar';

const HERE = resolve(__dirname, '..');

/** The review service's settings; defaults run on one laptop. */
export const reviewVariables = {
  ...kafkaVariables,
  REVIEW_GROUP_ID: env.string({ default: 'review' }),
  REVIEW_ROUTING_FILE: env.string({ default: resolve(HERE, 'config/routing.yaml') }),
  REVIEW_CALENDAR_DIR: env.string({ default: resolve(HERE, 'calendars') }),
  /** Optional YAML of per-type, per-channel publishing limits in working days. */
  REVIEW_LIMITS_FILE: env.string({ optional: true }),
};

export function loadReviewConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(reviewVariables, environment);
}

export type ReviewServiceConfig = ReturnType<typeof loadReviewConfig>;

/** Dead letters of the review service: what it could not decode, with the error in headers. */
export const REVIEW_DEAD_LETTER_TOPIC = 'review.dlq';

/**
 * Consume accepted events, review them, and produce released or held records. Offsets are
 * committed only after the outcome is in Kafka (at-least-once); an undecodable message goes to
 * the dead-letter topic and never blocks its partition.
 */
export async function startReview(config: ReviewServiceConfig, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const routing = loadRouting(config.REVIEW_ROUTING_FILE);
  const calendar = WorkingCalendar.fromDirectory(config.REVIEW_CALENDAR_DIR);
  const limits = validateChannelLimits(config.REVIEW_LIMITS_FILE ? parse(readFileSync(config.REVIEW_LIMITS_FILE, 'utf8')) : {});
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'gongkai-review', logger });
  await ensureTopics(kafka.kafka, [
    { topic: TOPICS.disclosure, numPartitions: 6 },
    { topic: TOPICS.released, numPartitions: 6 },
    { topic: TOPICS.reviewHeld, numPartitions: 6 },
    { topic: TOPICS.reviewDecisions, numPartitions: 6 },
    { topic: REVIEW_DEAD_LETTER_TOPIC, numPartitions: 1 },
  ]);
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: config.REVIEW_GROUP_ID });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.disclosure, fromBeginning: true });

  const send = async (records: readonly OutgoingRecord[]): Promise<void> => {
    if (records.length === 0) return;
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map(({ key, value, headers }) => ({ key, value, headers })) })),
    });
  };

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      let event;
      try {
        event = decodeEvent(message, { topic, partition });
      } catch (err) {
        if (!(err instanceof EventDecodeError)) throw err;
        logger.warn({ topic, partition, offset: message.offset, code: err.code }, 'undecodable event dead-lettered');
        await send([
          {
            topic: REVIEW_DEAD_LETTER_TOPIC,
            key: message.key?.toString() ?? '',
            value: message.value ?? Buffer.alloc(0),
            headers: { gk_error_code: err.code, gk_error_message: err.message, gk_origin_topic: topic, gk_origin_partition: String(partition), gk_origin_offset: message.offset },
          },
        ]);
        return;
      }
      const records = processAccepted(event, { value: message.value ?? Buffer.alloc(0), headers: message.headers ?? {} }, { routing, calendar, limits });
      await send(records);
      logger.info({ publicationId: event.subject, type: event.type, outcome: records[0]?.topic ?? 'ignored' }, 'reviewed');
    },
  });

  return {
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
