/**
 * Where operators' decisions and retractions meet the held events (审查台). Both take the
 * publication's lock, bring the read model up to date with Kafka, judge, and write before the
 * lock is let go, so within one review instance a retraction and an approval of the same
 * publication never cross: whichever comes second sees what the first did.
 */
import { TOPICS, type AnyHubEvent } from '@gongkai/contracts';
import type { Logger } from '@gongkai/runtime';
import { HeldItemNotFoundError, ReviewUnavailableError } from './errors';
import { decisionFromRecord, heldFromRecord, type HeldEvent, type HeldItem, type HeldItems } from './held-items';
import { checkDecisionRequest, decideHeld, type DecisionOutcome } from './operator-decisions';
import type { Operator } from './operator-registry';
import type { OutgoingRecord, ReviewProcessorConfig } from './review-processor';

/** The read model and the barrier that brings it up to date (a `HeldItemsFeed`, or a fake in tests). */
export interface HeldItemsSource {
  readonly items: HeldItems;
  readonly ready: boolean;
  catchUp(timeoutMs?: number): Promise<void>;
}

export interface ReviewDeskOptions {
  readonly source: HeldItemsSource;
  /** Writes a decision's records atomically (a Kafka transaction): all of them or none. */
  readonly writeDecision: (records: readonly OutgoingRecord[]) => Promise<void>;
  readonly processor: ReviewProcessorConfig;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Bound on bringing the read model up to date before judging. */
  readonly catchUpTimeoutMs?: number;
}

/** Held events for operators, and the one place they are decided. */
export class ReviewDesk {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly options: ReviewDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Held events waiting for a decision, the longest-waiting first. */
  list(): HeldItem[] {
    this.requireReady();
    return this.options.source.items.awaiting();
  }

  /**
   * The held events of one publication, waiting or decided.
   * @throws HeldItemNotFoundError when none of its events was held.
   */
  get(publicationId: string): HeldItem[] {
    this.requireReady();
    const items = this.options.source.items.ofPublication(publicationId.trim());
    if (items.length === 0) throw new HeldItemNotFoundError(publicationId.trim());
    return items;
  }

  /**
   * Decides one held event for an operator: the released event (for an approval) and the
   * `review.decided` event are in Kafka when this resolves.
   * @throws InvalidRequestError, HeldItemNotFoundError, DecisionRefusedError,
   *   ReviewUnavailableError (nothing was decided; the call may be repeated).
   */
  async decide(operator: Operator, raw: { publicationId?: string; eventId?: string; decision?: string; note?: string }): Promise<DecisionOutcome> {
    const request = checkDecisionRequest(raw);
    return this.exclusive(request.publicationId, async () => {
      const { source } = this.options;
      await source.catchUp(this.options.catchUpTimeoutMs);
      const outcome = decideHeld(
        source.items.find(request.publicationId, request.eventId),
        source.items.original(request.publicationId, request.eventId),
        request,
        operator.id,
        this.now(),
        this.options.processor,
      );
      try {
        await this.options.writeDecision(outcome.records);
      } catch (err) {
        throw new ReviewUnavailableError('Kafka did not take the decision; nothing was decided, the call may be repeated', 2000, err);
      }
      source.items.decide(outcome.decision);
      this.options.logger.info(
        { publicationId: request.publicationId, eventId: request.eventId, decision: outcome.decision.decision, operator: operator.id, released: outcome.releasedEventId },
        'held event decided',
      );
      return outcome;
    });
  }

  /**
   * Reviews an event that may end the wait of held events of its publication — a retraction
   * (which cancels them) or a revision (which supersedes older ones) — with the publication
   * locked against decisions: `review` gets the held events of the publication still waiting,
   * as of everything in Kafka now, and its records are written by `write` before a decision on
   * the publication can run.
   */
  async reviewWithHeld(
    event: AnyHubEvent,
    review: (waiting: readonly HeldEvent[]) => OutgoingRecord[],
    write: (records: readonly OutgoingRecord[]) => Promise<void>,
  ): Promise<OutgoingRecord[]> {
    return this.exclusive(event.subject, async () => {
      const { source } = this.options;
      await source.catchUp(this.options.catchUpTimeoutMs);
      const waiting = source.items.awaitingOf(event.subject).map((item) => item.held);
      const records = review(waiting);
      await write(records);
      this.noteWritten(records);
      const ended = waiting.filter((w) => source.items.find(w.publicationId, w.eventId)?.decision).map((w) => w.eventId);
      if (ended.length > 0) {
        this.options.logger.info({ publicationId: event.subject, by: event.id, type: event.type, ended }, 'held events ended by a later event of their publication');
      }
      return records;
    });
  }

  /** A retraction, reviewed with the held events of its publication (see `reviewWithHeld`). */
  async retract(
    retraction: AnyHubEvent & { type: 'publication.retracted' },
    review: (waiting: readonly HeldEvent[]) => OutgoingRecord[],
    write: (records: readonly OutgoingRecord[]) => Promise<void>,
  ): Promise<OutgoingRecord[]> {
    return this.reviewWithHeld(retraction, review, write);
  }

  /**
   * Whether the read model, as it stands, has held events of the publication waiting. Events
   * of a publication without any can be reviewed without the lock: every hold this instance
   * writes is noted at once (`noteWritten`), and holds by other instances are caught up with
   * whenever partitions move (`catchUp`).
   */
  hasWaiting(publicationId: string): boolean {
    return this.options.source.items.awaitingOf(publicationId).length > 0;
  }

  /**
   * Applies records this instance wrote to `review.held` and `review.decisions` to the read
   * model at once, ahead of the feed reading them back. Returns the ids of the events whose
   * wait a decision among them ended.
   */
  noteWritten(records: readonly OutgoingRecord[]): string[] {
    const { items } = this.options.source;
    const ended: string[] = [];
    for (const record of records) {
      if (record.topic === TOPICS.reviewHeld) {
        const { held, original } = heldFromRecord(record, this.now);
        items.hold(held, original);
      } else if (record.topic === TOPICS.reviewDecisions) {
        const decision = decisionFromRecord(record);
        if (decision && items.decide(decision)) ended.push(decision.eventId);
      }
    }
    return ended;
  }

  /** Brings the read model up to date with everything in Kafka now. */
  async catchUp(): Promise<void> {
    await this.options.source.catchUp(this.options.catchUpTimeoutMs);
  }

  private requireReady(): void {
    if (!this.options.source.ready) throw new ReviewUnavailableError('still reading held events back from Kafka', 1000);
  }

  /** Runs `work` after every earlier piece of work on the same publication has settled. */
  private async exclusive<T>(publicationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(publicationId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(publicationId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(publicationId) === tail) this.locks.delete(publicationId);
    }
  }
}
