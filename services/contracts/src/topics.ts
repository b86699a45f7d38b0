/**
 * Kafka topic names of the hub, in one place. `schemas/asyncapi.yaml` documents each of them
 * (key, headers, payload, producers and consumers); a test keeps the two in step.
 */

/** Topics every deployment has. */
export const TOPICS = Object.freeze({
  /** Accepted events from the gateway, keyed by publication (request for request events). */
  disclosure: 'disclosure',
  /** Events the review gate holds for an operator's decision. */
  reviewHeld: 'review.held',
  /** Every decision of the review gate (`review.decided`). */
  reviewDecisions: 'review.decisions',
  /** Events cleared for the channels, with the channels they are routed to. */
  released: 'released',
  /** One `delivery.outcome` per delivery attempt. */
  delivery: 'delivery',
  /** `alert.raised`: what operators must look at. */
  alerts: 'alerts',
} as const);

/** A topic every deployment has. */
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The channel adapters; each consumes `released` in a consumer group of its own. */
export const CHANNELS = Object.freeze(['website', 'newmedia', 'kiosk', 'provincial'] as const);

/** A channel adapter's name. */
export type ChannelName = (typeof CHANNELS)[number];

/** Whether a string names a channel adapter. */
export function isChannelName(value: string): value is ChannelName {
  return (CHANNELS as readonly string[]).includes(value);
}

/** Retry tiers each channel has unless its deployment says otherwise. */
export const DEFAULT_RETRY_TIERS = 3;

/**
 * The retry topic of one tier of a channel, `<channel>.retry.<tier>`. A failed delivery
 * moves to the next tier instead of blocking its partition; tiers count from 1.
 */
export function retryTopic(channel: ChannelName, tier: number): string {
  assertChannel(channel);
  if (!Number.isInteger(tier) || tier < 1) {
    throw new RangeError(`retry tier must be a whole number from 1, got ${tier}`);
  }
  return `${channel}.retry.${tier}`;
}

/** The dead-letter topic of a channel, `<channel>.dlq`: deliveries that failed for good, replayable by an operator. */
export function deadLetterTopic(channel: ChannelName): string {
  assertChannel(channel);
  return `${channel}.dlq`;
}

/** Every topic of a deployment with `retryTiers` tiers per channel, e.g. to create them at start-up. */
export function allTopics(retryTiers: number = DEFAULT_RETRY_TIERS): string[] {
  const topics: string[] = Object.values(TOPICS);
  for (const channel of CHANNELS) {
    for (let tier = 1; tier <= retryTiers; tier++) topics.push(retryTopic(channel, tier));
    topics.push(deadLetterTopic(channel));
  }
  return topics;
}

function assertChannel(channel: string): void {
  // Callers pass config values typed as channel names; a typo must not create a stray topic.
  if (!isChannelName(channel)) {
    throw new RangeError(`unknown channel ${JSON.stringify(channel)}; expected one of ${CHANNELS.join(', ')}`);
  }
}
