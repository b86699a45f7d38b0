import Database from 'better-sqlite3';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { EVENT_HEADERS, EventDecodeError, TOPICS, decodeEvent, type AnyHubEvent, type EventData } from '@gongkai/contracts';
import { ensureTopics, textHeaders, type KafkaClients, type Logger } from '@gongkai/runtime';
import type { PublicationRecord } from './accepted-event';

type Decision = EventData<'review.decided'>;
type Outcome = EventData<'delivery.outcome'>;

/** Where a publication stands, in the proto's `PublicationState` terms. */
export type PublicationStateName =
  | 'PUBLICATION_STATE_PENDING_REVIEW'
  | 'PUBLICATION_STATE_HELD'
  | 'PUBLICATION_STATE_RELEASED'
  | 'PUBLICATION_STATE_REJECTED'
  | 'PUBLICATION_STATE_RETRACTED';

/** The review gate's last decision on a publication. */
export interface ReviewDecisionRecord {
  readonly revision: number;
  readonly decision: string;
  readonly decidedAt: number;
}

/** The last word of one channel target on a publication (the proto's `ChannelDelivery`). */
export interface DeliveryRecord {
  readonly channel: string;
  readonly target: string;
  readonly revision: number;
  readonly outcome: string;
  readonly attempts: number;
  readonly channelReference: string | null;
  readonly updatedAt: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

/** The last of a publication's events that review released to the channels. */
export interface ReleaseRecord {
  /** CloudEvents `source` and `id` of the released event: `/gongkai/upstream/<caller>` and the caller's event id. */
  readonly source: string;
  readonly eventId: string;
  readonly releasedAt: number;
}

/** An event review released, as its Kafka headers name it (the value is not needed). */
export interface Release {
  readonly subject: string;
  readonly source: string;
  readonly eventId: string;
  readonly releasedAt: number;
}

export interface PublicationStatus {
  readonly release: ReleaseRecord | undefined;
  readonly decision: ReviewDecisionRecord | undefined;
  readonly deliveries: readonly DeliveryRecord[];
}

/**
 * What the stages after the gateway said of each publication — what review released
 * (`released`: clean events go there without a decision), the review gate's decisions on held
 * ones (`review.decisions`) and every channel target's delivery outcomes (`delivery`) — kept in the
 * gateway's state file beside the accepted events, so `GetPublication` answers where a
 * publication really stands. Written by {@link PublicationStatusFollower}, read by the gRPC thread.
 */
export class PublicationStatusStore {
  private readonly db: Database.Database;
  private readonly applyMany: (events: readonly AnyHubEvent[]) => void;
  private readonly releaseMany: (releases: readonly Release[]) => void;
  private readonly findRelease: Database.Statement<[string], { source: string; event_id: string; released_at: number }>;
  private readonly findDecision: Database.Statement<[string], { revision: number; decision: string; decided_at: number }>;
  private readonly findDeliveries: Database.Statement<[string], Record<string, unknown>>;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS releases (
        publication_id TEXT PRIMARY KEY, source TEXT NOT NULL, event_id TEXT NOT NULL, released_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS review_decisions (
        publication_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, decision TEXT NOT NULL, decided_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS channel_deliveries (
        publication_id TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL, revision INTEGER NOT NULL,
        outcome TEXT NOT NULL, attempts INTEGER NOT NULL, channel_reference TEXT, updated_at INTEGER NOT NULL,
        error_code TEXT, error_message TEXT,
        PRIMARY KEY (publication_id, channel, target)
      ) WITHOUT ROWID;
    `);
    // A later revision's decision replaces an earlier one; within a revision the later decision
    // (an operator's, after HELD) wins. Replays and reordering change nothing.
    const decide = this.db.prepare(`INSERT INTO review_decisions (publication_id, revision, decision, decided_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(publication_id) DO UPDATE SET revision = excluded.revision, decision = excluded.decision, decided_at = excluded.decided_at
      WHERE excluded.revision > revision OR (excluded.revision = revision AND excluded.decided_at >= decided_at)`);
    // The latest attempt speaks for the target. Attempts count within one revision; a retraction's
    // take-down (no revision) keeps the revision it takes down. SKIPPED (nothing to do) never
    // hides what an earlier attempt did.
    const deliver = this.db.prepare(`INSERT INTO channel_deliveries
      (publication_id, channel, target, revision, outcome, attempts, channel_reference, updated_at, error_code, error_message)
      VALUES (@publication, @channel, @target, @revision, @outcome, @attempt, @reference, @at, @errorCode, @errorMessage)
      ON CONFLICT(publication_id, channel, target) DO UPDATE SET
        attempts = CASE WHEN @revision > 0 AND @revision <> revision THEN @attempt ELSE MAX(attempts, @attempt) END,
        revision = CASE WHEN @revision > 0 THEN @revision ELSE revision END,
        outcome = @outcome, channel_reference = COALESCE(@reference, channel_reference), updated_at = @at,
        error_code = @errorCode, error_message = @errorMessage
      WHERE @outcome <> 'SKIPPED' AND @at >= updated_at`);
    this.applyMany = this.db.transaction((events: readonly AnyHubEvent[]) => {
      for (const event of events) {
        if (event.type === 'review.decided') {
          const d: Decision = event.data;
          if (d.decision !== 'UNKNOWN') decide.run(d.subject, d.revision ?? 0, d.decision, millis(d.decidedAt));
        } else if (event.type === 'delivery.outcome') {
          const o: Outcome = event.data;
          if (o.outcome === 'UNKNOWN') continue;
          deliver.run({
            publication: o.subject,
            channel: o.channel,
            target: o.target,
            revision: o.revision ?? 0,
            outcome: o.outcome,
            attempt: o.attempt,
            reference: o.channelReference ?? null,
            at: millis(o.attemptedAt),
            errorCode: o.error?.code ?? null,
            errorMessage: o.error?.message ?? null,
          });
        }
      }
    });
    // `released` is keyed by publication, so its order is the publication's: the last one wins.
    const release = this.db.prepare(`INSERT INTO releases (publication_id, source, event_id, released_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(publication_id) DO UPDATE SET source = excluded.source, event_id = excluded.event_id, released_at = excluded.released_at`);
    this.releaseMany = this.db.transaction((releases: readonly Release[]) => {
      for (const r of releases) release.run(r.subject, r.source, r.eventId, r.releasedAt);
    });
    this.findRelease = this.db.prepare('SELECT source, event_id, released_at FROM releases WHERE publication_id = ?');
    this.findDecision = this.db.prepare('SELECT revision, decision, decided_at FROM review_decisions WHERE publication_id = ?');
    this.findDeliveries = this.db.prepare('SELECT * FROM channel_deliveries WHERE publication_id = ? ORDER BY channel, target');
  }

  /** Take in decisions and delivery outcomes (other event types are passed over), in one transaction. */
  apply(events: readonly AnyHubEvent[]): void {
    if (events.length > 0) this.applyMany(events);
  }

  /** Take in releases, in one transaction. */
  applyReleases(releases: readonly Release[]): void {
    if (releases.length > 0) this.releaseMany(releases);
  }

  status(publicationId: string): PublicationStatus {
    const d = this.findDecision.get(publicationId);
    const r = this.findRelease.get(publicationId);
    return {
      release: r ? { source: r.source, eventId: r.event_id, releasedAt: r.released_at } : undefined,
      decision: d ? { revision: d.revision, decision: d.decision, decidedAt: d.decided_at } : undefined,
      deliveries: this.findDeliveries.all(publicationId).map((r) => ({
        channel: r.channel as string,
        target: r.target as string,
        revision: r.revision as number,
        outcome: r.outcome as string,
        attempts: r.attempts as number,
        channelReference: (r.channel_reference as string | null) ?? null,
        updatedAt: r.updated_at as number,
        errorCode: (r.error_code as string | null) ?? null,
        errorMessage: (r.error_message as string | null) ?? null,
      })),
    };
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Where a publication stands: retracted; else released, when review released its latest event
 * (clean, or approved by an operator); else what review decided on its latest revision (held or
 * rejected); else, nothing said of it yet, pending review.
 */
export function publicationState(record: PublicationRecord, status: PublicationStatus): PublicationStateName {
  if (record.retracted) return 'PUBLICATION_STATE_RETRACTED';
  const r = status.release;
  if (r && r.eventId === record.lastEventId && r.source === `/gongkai/upstream/${record.lastCaller}`) return 'PUBLICATION_STATE_RELEASED';
  const d = status.decision;
  if (!d || d.revision !== record.latestRevision) return 'PUBLICATION_STATE_PENDING_REVIEW';
  switch (d.decision) {
    case 'HELD':
      return 'PUBLICATION_STATE_HELD';
    case 'APPROVED':
    case 'APPROVED_MASKED':
      return 'PUBLICATION_STATE_RELEASED';
    case 'REJECTED':
      return 'PUBLICATION_STATE_REJECTED';
    default:
      return 'PUBLICATION_STATE_PENDING_REVIEW';
  }
}

/** When the hub last learned anything of the publication: its last event, decision or delivery. */
export function lastHeardOf(record: PublicationRecord, status: PublicationStatus): number {
  return Math.max(record.updatedAt, status.release?.releasedAt ?? 0, status.decision?.decidedAt ?? 0, ...status.deliveries.map((d) => d.updatedAt));
}

/**
 * Follows `released`, `review.decisions` and `delivery` into a {@link PublicationStatusStore}, from the
 * beginning of each topic the first time (its consumer group remembers where it is), one
 * transaction per fetched batch. Of `released` only the headers are read: the events are the
 * channels' to decode. A record that cannot be decoded is logged and passed over:
 * the status is for people, and one bad record must not stop it.
 */
export class PublicationStatusFollower {
  private consumer: Consumer | undefined;
  private stopping = false;

  constructor(
    private readonly kafka: KafkaClients,
    private readonly store: PublicationStatusStore,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {}

  /** Whether it follows now: false before {@link start}, after {@link stop}, and after its consumer crashed. */
  get following(): boolean {
    return this.consumer !== undefined;
  }

  /**
   * Join the group and follow. It throws when it cannot (the broker is away, or the group's
   * first join failed); the gateway's Kafka probe calls it again until it follows, and again
   * after a crash. kafkajs is never left to restart the consumer by itself: its restart runs on a
   * timer of its own, and a disconnect that meets it half-way through a join leaves a consumer
   * fetching for ever. Every start is this one, which the gateway never runs beside a stop.
   */
  async start(): Promise<void> {
    if (this.stopping || this.consumer) return;
    await ensureTopics(this.kafka.kafka, [
      { topic: TOPICS.reviewDecisions, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] },
      { topic: TOPICS.delivery, numPartitions: 6 },
      { topic: TOPICS.released, numPartitions: 6, configEntries: [{ name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] },
    ]);
    // A fetch waits at most half a second for records: stopping waits for the fetch in flight,
    // and kafkajs's default (5 s) would use up the gateway's shutdown budget for it.
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 500, retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) } });
    // kafkajs has disconnected a crashed consumer by the time it says so.
    let crash: Error | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      crash = payload.error;
      if (this.consumer !== consumer) return;
      this.consumer = undefined;
      this.logger.warn({ err: payload.error }, 'stopped following review and delivery; starting again');
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [TOPICS.released, TOPICS.reviewDecisions, TOPICS.delivery], fromBeginning: true });
      // run() answers once the group is joined, or once joining has crashed.
      await this.run(consumer);
      if (crash) throw crash;
      if (this.stopping) throw new Error('stopped while starting');
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      if (this.stopping) return;
      throw err;
    }
    this.consumer = consumer;
  }

  private run(consumer: Consumer): Promise<void> {
    return consumer.run({
      eachBatch: ({ batch }) => {
        if (batch.topic === TOPICS.released) {
          this.store.applyReleases(batch.messages.flatMap((m) => releaseOf(m) ?? []));
          return Promise.resolve();
        }
        const events: AnyHubEvent[] = [];
        for (const message of batch.messages) {
          try {
            events.push(decodeEvent(message, { topic: batch.topic, partition: batch.partition }));
          } catch (err) {
            if (!(err instanceof EventDecodeError)) throw err;
            this.logger.warn({ err, topic: batch.topic, partition: batch.partition, offset: message.offset }, 'status record not understood; passed over');
          }
        }
        this.store.apply(events);
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}

/** Subject, source and id of a `released` record, from its CloudEvents headers; undefined without them. */
export function releaseOf(message: Pick<KafkaMessage, 'headers' | 'timestamp'>): Release | undefined {
  const headers = textHeaders(message.headers ?? {});
  const subject = headers[EVENT_HEADERS.subject];
  const source = headers[EVENT_HEADERS.source];
  const eventId = headers[EVENT_HEADERS.id];
  if (!subject || !source || !eventId) return undefined;
  return { subject, source, eventId, releasedAt: Number(message.timestamp) };
}

function millis(value: Date | number): number {
  return typeof value === 'number' ? value : value.getTime();
}
