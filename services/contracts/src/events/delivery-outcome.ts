/** Delivery outcomes, in schema order. */
export const DELIVERY_OUTCOME_KINDS = [
  'UNKNOWN',
  'ACCEPTED',
  'PUBLISHED',
  'RETRYING',
  'DEAD_LETTERED',
  'RETRACTED',
  'SKIPPED',
] as const;
/** What came of one delivery attempt. */
export type DeliveryOutcomeKind = (typeof DELIVERY_OUTCOME_KINDS)[number];

/** Why a delivery attempt failed. */
export interface DeliveryError {
  code: string;
  message: string;
}

/** Data of `delivery.outcome`: the outcome of one attempt to one channel target. */
export interface DeliveryOutcome {
  /** Publication id (request id for request events). */
  subject: string;
  eventId: string;
  eventType: string;
  revision: number | null;
  channel: string;
  target: string;
  /** `{eventId}:{target}`. */
  idempotencyKey: string;
  attempt: number;
  outcome: DeliveryOutcomeKind;
  attemptedAt: Date;
  latencyMs: number | null;
  nextAttemptAt: Date | null;
  channelReference: string | null;
  error: DeliveryError | null;
}
