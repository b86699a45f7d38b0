import {
  HUB_HEADERS,
  TOPICS,
  type AnyHubEvent,
  type KafkaHeaderValue,
} from '@gongkai/contracts';
import { textHeaders, type OutgoingRecord } from '@gongkai/runtime';
import { GATE_DECIDER, cancellationRecords, decisionRecord, supersededBy, supersessionRecords, type DecidedEventRef } from './decision-records';
import { formationDateOf, proactiveDueDates, type ChannelLimits } from './deadlines';
import { reviewEvent, toDecisionFindings, type ReviewConfig } from './review-gate';
import type { HeldRecordLike } from './held-items';
import { planRoute, type RouteTarget, type Routing } from './routing';
import type { InterpretationTracker } from './interpretation-tracker';
import { chinaDateOf, type WorkingCalendar } from './working-calendar';

/** Records to produce, and how they are cut into requests: shared Kafka plumbing from the runtime. */
export { boundedRequests, topicMessagesOf, type OutgoingRecord } from '@gongkai/runtime';

export interface ReviewProcessorConfig {
  readonly routing: Routing;
  readonly calendar: WorkingCalendar;
  readonly limits: ChannelLimits;
  readonly gate?: ReviewConfig;
  readonly now?: () => Date;
  /** Policies and their interpretations (政策解读); without it interpretations are not checked. */
  readonly interpretations?: InterpretationTracker;
}

/** A planned delivery with its due date (YYYY-MM-DD), or null where no deadline applies. */
export interface PlannedDelivery extends RouteTarget {
  readonly dueOn: string | null;
}

/**
 * What the review service does with one accepted event: a clean one goes to `released` with
 * its routing plan and due dates; one with findings goes to `review.held` for an operator, with
 * a HELD decision on `review.decisions`. A retraction is never held: it is released at once,
 * and cancels `waiting`, the held events of its publication still waiting for a decision
 * (each gets a REJECTED decision by `retraction`). A revision supersedes the held events of
 * its publication in `waiting` with an older (or the same) revision: each gets a REJECTED
 * decision by `revision`, written before the revision's own outcome, so an older text can
 * never be released after a newer one. The event's own bytes and envelope pass through
 * unchanged.
 */
export function processAccepted(
  event: AnyHubEvent,
  original: { readonly value: Buffer; readonly headers: Readonly<Record<string, KafkaHeaderValue>> },
  config: ReviewProcessorConfig,
  waiting: readonly DecidedEventRef[] = [],
): OutgoingRecord[] {
  const headers = stringHeaders(original.headers);
  if (event.type === 'review.decided' || event.type === 'delivery.outcome' || event.type === 'alert.raised') return [];

  const verdict = reviewEvent(event, config.gate ?? {});
  let held = verdict.verdict === 'held' ? toDecisionFindings(verdict.findings) : [];
  const tracker = config.interpretations;
  if (tracker && event.type === 'document.published') tracker.documentSeen(event.data, chinaDateOf(config.now?.() ?? new Date()));
  if (tracker && event.type === 'interpretation.published' && !tracker.interpretationSeen(event.data)) {
    // An interpretation must explain a policy the hub has carried: anything else waits for an operator.
    held = [
      ...held,
      { kind: 'UNKNOWN', field: 'interpretation.policyPublicationId', excerpt: `policy ${event.data.policyPublicationId} is unknown to the hub`, rule: 'policy-unknown' },
    ];
  }
  let plan: PlannedDelivery[] = [];
  if (held.length === 0) {
    try {
      plan = planDeliveries(event, config);
    } catch (err) {
      // A date outside the calendars is never guessed: an operator looks at the item.
      held = [{ kind: 'UNKNOWN', field: 'deadline', excerpt: err instanceof Error ? err.message : String(err), rule: 'deadline-unknown' }];
    }
  }

  const revision = revisionOf(event);
  const supersessions = revision === null ? [] : supersessionRecords({ id: event.id, revision }, supersededBy({ id: event.id, revision }, waiting), config.now?.() ?? new Date());

  if (held.length > 0) {
    const about = {
      publicationId: event.subject,
      eventId: event.id,
      eventType: event.type,
      revision,
      findings: held,
    };
    // `event` rides along in memory so that the read model notes the hold without decoding the value again.
    const heldRecord: OutgoingRecord & HeldRecordLike = {
      topic: TOPICS.reviewHeld,
      key: event.subject,
      value: original.value,
      headers: { ...headers, [HUB_HEADERS.findings]: JSON.stringify(held) },
      event,
    };
    return [
      ...supersessions,
      heldRecord,
      decisionRecord(about, 'HELD', GATE_DECIDER, config.now?.() ?? new Date(), null),
    ];
  }

  const released = releasedRecord(event.subject, original.value, headers, plan);
  if (event.type !== 'publication.retracted') return [...supersessions, released];
  if (waiting.length === 0) return [released];
  // The cancellations go first: a crash between the two reviews the retraction again, and
  // then nothing of the publication waits any more.
  return [...cancellationRecords(event, waiting, config.now?.() ?? new Date()), released];
}

/** The revision of a publication event, or null for an event type without revisions. */
export function revisionOf(event: AnyHubEvent): number | null {
  return 'revision' in event.data && typeof event.data.revision === 'number' ? event.data.revision : null;
}

/** A record for `released`: the event's bytes and envelope headers, with the channels and plan beside them. */
export function releasedRecord(subject: string, value: Buffer, headers: Readonly<Record<string, string>>, plan: readonly PlannedDelivery[]): OutgoingRecord {
  const channels = [...new Set(plan.map((p) => p.channel))];
  const { [HUB_HEADERS.findings]: _findings, ...envelope } = headers;
  return {
    topic: TOPICS.released,
    key: subject,
    value,
    headers: { ...envelope, [HUB_HEADERS.channels]: channels.join(','), [HUB_HEADERS.route]: JSON.stringify(plan) },
  };
}

/**
 * Where an event goes and by when: its routing plan, each target with its due date.
 * @throws CalendarYearMissingError when a due date falls in a year without a working calendar.
 */
export function planDeliveries(event: AnyHubEvent, config: Pick<ReviewProcessorConfig, 'routing' | 'calendar' | 'limits'>): PlannedDelivery[] {
  if (event.type === 'review.decided' || event.type === 'delivery.outcome' || event.type === 'alert.raised') return [];
  const route = planRoute(event, config.routing);
  if (event.type === 'document.published' || event.type === 'interpretation.published' || event.type === 'procurement.published') {
    const due = dueDatesOf(event.type, formationDateOf(event), route.map((r) => r.channel), config);
    return route.map((r) => ({ ...r, dueOn: due.find((d) => d.channel === r.channel)?.dueOn ?? null }));
  }
  return route.map((r) => ({ ...r, dueOn: null }));
}

/** `proactiveDueDates` remembered per calendar and limits: counting working days is dear, and a stream of documents shares a few dates. */
const dueDateMemo = new WeakMap<WorkingCalendar, WeakMap<ChannelLimits, Map<string, DueDates>>>();
type DueDates = ReturnType<typeof proactiveDueDates>;
function dueDatesOf(type: string, formedOn: string, channels: RouteTarget['channel'][], config: Pick<ReviewProcessorConfig, 'calendar' | 'limits'>): DueDates {
  let byLimits = dueDateMemo.get(config.calendar);
  if (!byLimits) dueDateMemo.set(config.calendar, (byLimits = new WeakMap<ChannelLimits, Map<string, DueDates>>()));
  let memo = byLimits.get(config.limits);
  if (!memo) byLimits.set(config.limits, (memo = new Map<string, DueDates>()));
  // Only a valid date gets past proactiveDueDates into the memo, so the key is unambiguous.
  const key = `${type}\u0000${formedOn}\u0000${channels.join(',')}`;
  let due = memo.get(key);
  if (due === undefined) {
    due = proactiveDueDates({ type, formedOn }, channels, config.limits, config.calendar);
    if (memo.size >= 10_000) memo.clear();
    memo.set(key, due);
  }
  return due;
}

/** Kafka headers as text, the first value of each (`ce_*` and `gk_*` headers are never repeated). */
export const stringHeaders = textHeaders;
