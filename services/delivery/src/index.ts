/**
 * `@gongkai/delivery`: the engine every channel adapter runs on — consumes released events,
 * delivers to each target with an idempotency key and a signature, retries through retry
 * topics with backoff, dead-letters, and records every outcome on `delivery`.
 */
export * from './channel-adapter';
export * from './errors';
export { runChannel, type RunningChannel } from './channel-runner';
export { deliveryVariables, loadDeliveryConfig, type DeliveryConfig } from './delivery-config';
export { DeliveryEngine, DeliveryInterruptedError, type DeliveryEngineOptions, type ReleasedDelivery } from './delivery-engine';
export {
  DELIVERY_HEADERS,
  deadLetterRecord,
  idempotencyKeyOf,
  journeyOf,
  outcomeRecord,
  retryRecord,
  type AttemptSummary,
  type DeliveryTask,
  type ReleasedPosition,
} from './delivery-records';
export { DeliveryState, type ConfirmedDelivery, type DeliveryStanding } from './delivery-state';
export { DEFAULT_RETRY_POLICY, RetryPolicy, type RetryDecision, type RetryPolicyOptions } from './retry-policy';
export { DEFAULT_TARGET_GUARD, TargetGuard, type BreakerEvent, type TargetGuardOptions } from './target-guard';
export * from './http-target';
