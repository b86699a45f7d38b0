/**
 * `@gongkai/review`: the review gate (保密审查) and what decides where and by when a released
 * item goes — detectors and masking, routing plans, working-day deadlines. Pure logic; the
 * Kafka consumer and `main.ts` wire it up.
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
export { processAccepted, type PlannedDelivery, type ReviewProcessorConfig } from './review-processor';
export { startReview, loadReviewConfig, reviewVariables, REVIEW_DEAD_LETTER_TOPIC, type ReviewServiceConfig } from './review-service';
