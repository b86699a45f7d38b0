/**
 * `@gongkai/review`: the review gate (保密审查) and what decides where and by when a released
 * item goes — detectors and masking, routing plans, working-day deadlines — and the operators'
 * decisions on held items, with the review API they are made through.
 */
export * from './errors';
export * from './detectors';
export {
  REVIEWED_EVENT_TYPES,
  maskEvent,
  reviewEvent,
  toDecisionFindings,
  type GateFinding,
  type ReviewConfig,
  type ReviewResult,
  type ReviewedEvent,
  type ReviewedEventType,
} from './review-gate';
export {
  DEFAULT_CALENDAR_DIR,
  WorkingCalendar,
  chinaDateOf,
  nextDay,
  parseCalendarYear,
  parseIsoDate,
  weekdayOf,
  type CalendarYear,
  type IsoDate,
} from './working-calendar';
export {
  MAX_EXTENSION_WORKING_DAYS,
  PROACTIVE_WORKING_DAYS,
  REQUEST_WORKING_DAYS,
  formationDateOf,
  isPastDue,
  isRequestOverdue,
  proactiveDueDates,
  requestDeadline,
  requestStepsFromEvents,
  validateChannelLimits,
  type ChannelDue,
  type ChannelLimits,
  type DatedRequestStep,
  type ExcludedSpan,
  type RequestDeadline,
} from './deadlines';
export {
  ROUTED_EVENT_TYPES,
  loadRouting,
  parseRouting,
  planRoute,
  ruleMatches,
  type RoutableEvent,
  type RouteTarget,
  type RoutedEventType,
  type Routing,
  type RoutingCriteria,
  type RoutingRule,
} from './routing';
export {
  planDeliveries,
  processAccepted,
  releasedRecord,
  type OutgoingRecord,
  type PlannedDelivery,
  type ReviewProcessorConfig,
} from './review-processor';
export {
  startReview,
  loadReviewConfig,
  reviewVariables,
  REVIEW_DEAD_LETTER_TOPIC,
  type ReviewService,
  type ReviewServiceConfig,
} from './review-service';
export {
  HeldItems,
  decisionFromRecord,
  heldFromRecord,
  type FinalDecision,
  type HeldEvent,
  type HeldItem,
  type HeldOriginal,
} from './held-items';
export { HELD_ITEMS_TOPICS, HeldItemsFeed } from './held-items-feed';
export { DECISION_SOURCE, GATE_DECIDER, RETRACTION_DECIDER, cancellationRecords, decisionRecord, type DecidedEventRef } from './decision-records';
export {
  MASKED_ID_SUFFIX,
  MAX_NOTE_LENGTH,
  OPERATOR_CHOICES,
  checkDecisionRequest,
  decideHeld,
  refusalFor,
  type DecisionOutcome,
  type DecisionRequest,
  type OperatorChoice,
} from './operator-decisions';
export {
  AUTOMATIC_DECIDERS,
  OPERATOR_ROLES,
  OperatorRegistry,
  type Operator,
  type OperatorRole,
  type RegisteredOperator,
} from './operator-registry';
export { ReviewDesk, type HeldItemsSource, type ReviewDeskOptions } from './review-desk';
export { REVIEW_SERVICE_NAME, createReviewServer, startReviewApi, type ReviewApi, type ReviewApiOptions } from './review-api';
export { toGrpcStatus } from './grpc-status';
