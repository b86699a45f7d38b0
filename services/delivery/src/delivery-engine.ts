/**
 * The delivery engine's judgement on one delivery (one released event, one target, one
 * attempt): whether to send it at all, the call through the channel adapter, and what comes of
 * it — an outcome on `delivery`, and for a failure a retry on its tier or a dead letter. It
 * knows nothing of consumers; `channel-runner.ts` feeds it.
 */
import { deadLetterTopic, retryTopic, type ChannelName } from '@gongkai/contracts';
import type { Logger, OutgoingRecord } from '@gongkai/runtime';
import type { ChannelAdapter, DeliveryResult } from './channel-adapter';
import { deadLetterRecord, idempotencyKeyOf, outcomeRecord, retryRecord, type DeliveryTask } from './delivery-records';
import type { DeliveryState } from './delivery-state';
import { TargetFailure } from './errors';
import type { RetryPolicy } from './retry-policy';
import type { TargetGuard } from './target-guard';

export interface DeliveryEngineOptions {
  readonly channel: ChannelName;
  readonly adapter: ChannelAdapter;
  readonly state: DeliveryState;
  readonly policy: RetryPolicy;
  readonly guard: TargetGuard;
  readonly logger: Logger;
  /** Bound on one call to a target. */
  readonly attemptTimeoutMs: number;
  readonly now?: () => number;
}

/** A released event for this channel, before its targets are worked out. */
export type ReleasedDelivery = Omit<DeliveryTask, 'target' | 'action' | 'dueOn'> & {
  /** This channel's part of the routing plan. */
  readonly plan: readonly { readonly target: string; readonly dueOn: string | null }[];
};

/** Thrown when a delivery was interrupted by shutdown: nothing is recorded, the event is delivered again after restart. */
export class DeliveryInterruptedError extends Error {
  constructor() {
    super('the delivery engine is stopping');
    this.name = 'DeliveryInterruptedError';
  }
}

export class DeliveryEngine {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly now: () => number;

  constructor(private readonly options: DeliveryEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Interrupts calls in flight; their deliveries are neither recorded nor committed. */
  stop(): void {
    this.stopping.abort(new DeliveryInterruptedError());
  }

  /**
   * Delivers one task and returns the records that say what came of it. Deliveries of the same
   * publication run one at a time, in the order they are handed in, so a retraction and a
   * retry of the item it takes down never cross.
   * @throws DeliveryInterruptedError when stopped mid-call.
   */
  deliver(task: DeliveryTask): Promise<OutgoingRecord[]> {
    return this.exclusive(task.event.subject, () => this.deliverNow(task));
  }

  /**
   * Delivers a released event to its targets on this channel, worked out under the
   * publication's lock (so after every earlier event of the publication has been claimed): a
   * publication goes to its plan's targets, and a newer revision also has the publication taken
   * off the targets an earlier one went to that its plan no longer names; a retraction goes to
   * every target the publication was ever meant for here.
   * @throws DeliveryInterruptedError when stopped mid-call.
   */
  deliverReleased(release: ReleasedDelivery): Promise<OutgoingRecord[]> {
    return this.exclusive(release.event.subject, async () => {
      const tasks = this.tasksOf(release);
      if (tasks.length === 0 && release.event.type === 'publication.retracted') {
        this.options.logger.debug({ publicationId: release.event.subject }, 'retraction: nothing of the publication was delivered on this channel');
      }
      return (await Promise.all(tasks.map((task) => this.deliverNow(task)))).flat();
    });
  }

  private tasksOf(release: ReleasedDelivery): DeliveryTask[] {
    const { plan, ...base } = release;
    const known = this.options.state.targetsOf(base.event.subject);
    if (base.event.type === 'publication.retracted') return known.map((target) => ({ ...base, target, action: 'remove', dueOn: null }));
    const tasks: DeliveryTask[] = plan.map((p) => ({ ...base, target: p.target, action: 'publish', dueOn: p.dueOn }));
    const planned = new Set(plan.map((p) => p.target));
    for (const target of known) if (!planned.has(target)) tasks.push({ ...base, target, action: 'remove', dueOn: null });
    return tasks;
  }

  /** Runs `work` after every earlier piece of work on the same publication has settled. */
  private exclusive<T>(publicationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(publicationId) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.locks.set(publicationId, tail);
    void tail.then(() => {
      if (this.locks.get(publicationId) === tail) this.locks.delete(publicationId);
    });
    return run;
  }

  private async deliverNow(task: DeliveryTask): Promise<OutgoingRecord[]> {
    const { state, channel } = this.options;
    const startedAt = this.now();
    const attemptedAt = new Date(startedAt);
    const idempotencyKey = idempotencyKeyOf(task);
    // A child logger per delivery costs more than the delivery's own bookkeeping: made only when a line is written.
    let child: Logger | undefined;
    const log = (): Logger => (child ??= this.options.logger.child({ publicationId: task.event.subject, eventId: task.event.id, channel, target: task.target, attempt: task.attempt }));
    const debug = this.options.logger.isLevelEnabled('debug');
    const standing = state.claim({
      idempotencyKey,
      publication: task.event.subject,
      target: task.target,
      position: Number(task.released.offset),
      eventId: task.event.id,
      eventType: task.event.type,
    });
    if (standing.kind === 'confirmed') {
      // Redelivered after the target confirmed it: not sent again; its outcome is said again.
      const { confirmed } = standing;
      if (debug) log().debug({ outcome: confirmed.outcome }, 'already confirmed by the target; not sent again');
      return [outcomeRecord(task, { attempt: confirmed.attempt, outcome: confirmed.outcome, attemptedAt, latencyMs: null, nextAttemptAt: null, channelReference: confirmed.reference, error: null })];
    }
    if (standing.kind === 'superseded') {
      const { by } = standing;
      const code = by.eventType === 'publication.retracted' ? 'CANCELLED_BY_RETRACTION' : 'SUPERSEDED';
      const message =
        code === 'CANCELLED_BY_RETRACTION'
          ? `the publication was retracted (event ${by.eventId}) after this event; it is not sent`
          : `a later event of the publication (${by.eventId}, ${by.eventType}) is delivered or pending at this target; this one is not sent`;
      log().info({ by: by.eventId }, 'superseded; not sent');
      return [outcomeRecord(task, { outcome: 'SKIPPED', attemptedAt, latencyMs: null, nextAttemptAt: null, channelReference: null, error: { code, message } })];
    }

    let result: DeliveryResult;
    try {
      result = await this.call(task, idempotencyKey);
    } catch (err) {
      if (this.stopping.signal.aborted) throw new DeliveryInterruptedError();
      return this.failed(task, err, attemptedAt, this.now() - startedAt, log);
    }
    const latencyMs = this.now() - startedAt;
    if (result.outcome !== 'SKIPPED') state.confirm({ idempotencyKey, outcome: result.outcome, reference: result.reference, attempt: task.attempt }, this.now());
    if (debug) log().debug({ outcome: result.outcome, latencyMs }, 'delivered');
    return [
      outcomeRecord(task, {
        outcome: result.outcome,
        attemptedAt,
        latencyMs,
        nextAttemptAt: null,
        channelReference: result.reference,
        error: result.outcome === 'SKIPPED' && result.note !== undefined ? { code: 'NOTHING_TO_DO', message: result.note } : null,
      }),
    ];
  }

  private async call(task: DeliveryTask, idempotencyKey: string): Promise<DeliveryResult> {
    const { adapter, guard, attemptTimeoutMs, channel } = this.options;
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(attemptTimeoutMs)]);
    const delivery = { channel, target: task.target, idempotencyKey, attempt: task.attempt, action: task.action, event: task.event, dueOn: task.dueOn };
    try {
      return await guard.run(task.target, () => adapter.deliver(delivery, signal), signal);
    } catch (err) {
      if (!this.stopping.signal.aborted && signal.aborted && !(err instanceof TargetFailure)) {
        throw new TargetFailure(`${channel} target ${task.target} did not answer within ${attemptTimeoutMs} ms`, { code: 'TIMEOUT', retriable: true, channel, target: task.target, cause: err });
      }
      throw err;
    }
  }

  private failed(task: DeliveryTask, err: unknown, attemptedAt: Date, latencyMs: number | null, log: () => Logger): OutgoingRecord[] {
    const { channel, policy } = this.options;
    const failure =
      err instanceof TargetFailure
        ? err
        : // Anything but a TargetFailure is the adapter's own bug: retrying will not mend it.
          new TargetFailure(`the ${channel} adapter failed: ${err instanceof Error ? err.name : 'non-error thrown'}`, { code: 'ADAPTER_ERROR', retriable: false, channel, target: task.target, cause: err });
    const error = { code: failure.code, message: failure.message };
    // An open breaker refused the call: none was made, so there is no latency to tell.
    if (failure.code === 'CIRCUIT_OPEN') latencyMs = null;
    const decision = policy.afterFailure(task.attempt, failure, this.now());
    if (decision.action === 'retry') {
      const nextAttemptAt = new Date(decision.notBefore);
      log().warn({ code: failure.code, nextAttemptAt, tier: decision.tier }, 'delivery failed; retrying later');
      return [
        outcomeRecord(task, { outcome: 'RETRYING', attemptedAt, latencyMs, nextAttemptAt, channelReference: null, error }),
        retryRecord(task, retryTopic(channel, decision.tier), error, attemptedAt, nextAttemptAt),
      ];
    }
    log().error({ code: failure.code, reason: decision.reason, err: failure.code === 'ADAPTER_ERROR' ? err : undefined }, 'delivery failed for good; dead-lettered');
    return [
      outcomeRecord(task, { outcome: 'DEAD_LETTERED', attemptedAt, latencyMs, nextAttemptAt: null, channelReference: null, error }),
      deadLetterRecord(task, deadLetterTopic(channel), error, attemptedAt),
    ];
  }
}
