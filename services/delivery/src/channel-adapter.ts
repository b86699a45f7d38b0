import type { AnyHubEvent, ChannelName } from '@gongkai/contracts';

/** One delivery: one released event to one target of one channel, at one attempt. */
export interface Delivery {
  readonly channel: ChannelName;
  /** The channel's target from the routing plan: a website column, a new-media account … */
  readonly target: string;
  /** `{eventId}:{target}`: the target skips what it already confirmed under this key. */
  readonly idempotencyKey: string;
  /** Attempt number, from 1. */
  readonly attempt: number;
  /**
   * `publish` puts the event on the target (create, or replace with a newer revision);
   * `remove` takes the publication off it — for a retraction, and for a target an earlier
   * revision went to that a newer revision's plan no longer names.
   */
  readonly action: DeliveryAction;
  /**
   * The released event, decoded. For `publication.retracted` the publication to take down is
   * `event.subject`; for the others `event.subject` is the publication (request) id too.
   */
  readonly event: AnyHubEvent;
  /** This target's due date from the routing plan (YYYY-MM-DD), or null where none applies. */
  readonly dueOn: string | null;
}

/** What a delivery asks of its target. */
export type DeliveryAction = 'publish' | 'remove';

/** What a target did with a delivery that did not fail. */
export type DeliveryResultKind = 'PUBLISHED' | 'ACCEPTED' | 'RETRACTED' | 'SKIPPED';

export interface DeliveryResult {
  readonly outcome: DeliveryResultKind;
  /** The target's own reference for the item: for the website, the page URL. */
  readonly reference: string | null;
  /** Why nothing was done, for SKIPPED (e.g. "a newer revision is on the site"). */
  readonly note?: string;
}

/**
 * A channel adapter: turns a delivery into calls on its downstream system. It throws
 * `TargetFailure` (from `./errors`) when the target failed; anything else it throws is treated
 * as a bug in the adapter and the delivery is dead-lettered at once.
 */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  /** Delivers, or takes down for a retraction. `signal` aborts when the engine gives up (timeout, shutdown). */
  deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult>;
}
