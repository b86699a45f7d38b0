/**
 * Keeps the held-items read model fed from Kafka: `review.held` and `review.decisions`, read
 * from the beginning by a consumer group of this instance alone (it commits nothing, so the
 * broker forgets the group once the instance stops) and only committed transactions.
 *
 * `catchUp()` is the read-your-writes barrier: it resolves once everything the two topics held
 * when it was called has been applied, so a decision or a retraction is judged on every hold
 * and decision any instance wrote before it.
 */
import { randomUUID } from 'node:crypto';
import { EventDecodeError, TOPICS } from '@gongkai/contracts';
import type { KafkaClients, Logger } from '@gongkai/runtime';
import type { Admin, Consumer } from 'kafkajs';
import { ReviewUnavailableError } from './errors';
import { HeldItems, decisionFromRecord, heldFromRecord } from './held-items';

/** The topics the read model is rebuilt from. */
export const HELD_ITEMS_TOPICS = [TOPICS.reviewHeld, TOPICS.reviewDecisions] as const;

export interface HeldItemsFeedOptions {
  readonly kafka: KafkaClients;
  readonly logger: Logger;
  /** Prefix of the instance's own consumer group, e.g. the service's group id. */
  readonly groupPrefix: string;
  /** How long `start` waits for the first catch-up before giving up. */
  readonly startTimeoutMs?: number;
}

export class HeldItemsFeed {
  readonly items = new HeldItems();
  /** Next offset to apply, per `topic:partition`. */
  private readonly positions = new Map<string, bigint>();
  private caughtUpOnce = false;

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly logger: Logger,
  ) {}

  /** Starts reading and resolves once the read model holds everything written before the start. */
  static async start(options: HeldItemsFeedOptions): Promise<HeldItemsFeed> {
    const consumer = options.kafka.consumer({ groupId: `${options.groupPrefix}-held-items-${randomUUID()}` });
    const admin = options.kafka.kafka.admin();
    const feed = new HeldItemsFeed(consumer, admin, options.logger.child({ component: 'held-items' }));
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [...HELD_ITEMS_TOPICS], fromBeginning: true });
    // Batches that hold only transaction markers reach no handler; this event still tells
    // how far a partition has been read.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => feed.advance(payload.topic, payload.partition, payload.lastOffset));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => feed.apply(topic, partition, message),
    });
    try {
      await feed.catchUp(options.startTimeoutMs ?? 60_000);
    } catch (err) {
      await feed.stop();
      throw err;
    }
    feed.caughtUpOnce = true;
    return feed;
  }

  /** True once the read model has caught up with the topics as they were at start. */
  get ready(): boolean {
    return this.caughtUpOnce;
  }

  /**
   * Resolves once every record the two topics held at the call (committed ones) is applied.
   * @throws ReviewUnavailableError when Kafka does not answer or the reading lags past `timeoutMs`.
   */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let targets: { topic: string; partition: number; high: bigint; low: bigint }[];
    // Just after the topics are created (or a leader moves) Kafka may not answer for a moment:
    // ask again until the deadline rather than failing the start on the first refusal.
    for (;;) {
      try {
        targets = (
          await Promise.all(
            HELD_ITEMS_TOPICS.map(async (topic) =>
              (await this.admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, high: BigInt(p.high), low: BigInt(p.low) })),
            ),
          )
        ).flat();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new ReviewUnavailableError('Kafka did not say how far review.held and review.decisions reach', 2000, err);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    for (;;) {
      const behind = targets.filter((t) => t.high > t.low && (this.positions.get(`${t.topic}:${t.partition}`) ?? -1n) < t.high);
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        throw new ReviewUnavailableError(`still reading held events back (${behind.map((t) => `${t.topic}[${t.partition}]`).join(', ')} behind)`, 2000);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }

  private apply(topic: string, partition: number, message: Parameters<typeof heldFromRecord>[0] & { offset: string }): void {
    try {
      if (topic === TOPICS.reviewHeld) {
        // A hold this instance wrote was noted when written (ReviewDesk.noteWritten), and a
        // second hold of an event changes nothing: only others' holds need decoding.
        if (!this.items.hasHoldOf(message)) {
          const { held, original } = heldFromRecord(message);
          this.items.hold(held, original);
        }
      } else {
        const decision = decisionFromRecord(message);
        if (decision) this.items.decide(decision);
      }
    } catch (err) {
      // A record the hub cannot read is the review service's own bug or a foreign writer's; it
      // must not stop the operators' view. It stays in the topic for whoever can read it.
      if (!(err instanceof EventDecodeError)) throw err;
      this.logger.warn({ topic, partition, offset: message.offset, code: err.code }, 'unreadable record skipped by the held-items read model');
    }
    this.advance(topic, partition, message.offset);
  }

  private advance(topic: string, partition: number, lastOffset: string | null): void {
    if (lastOffset === null) return;
    const key = `${topic}:${partition}`;
    const next = BigInt(lastOffset) + 1n;
    if (next > (this.positions.get(key) ?? -1n)) this.positions.set(key, next);
  }
}
