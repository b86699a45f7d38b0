import {
  HUB_HEADERS,
  TOPICS,
  encodeEvent,
  type AnyHubEvent,
  type KafkaHeaderValue,
} from '@gongkai/contracts';
import { formationDateOf, proactiveDueDates, type ChannelLimits } from './deadlines';
import { reviewEvent, toDecisionFindings, type ReviewConfig } from './review-gate';
import { planRoute, type RouteTarget, type Routing } from './routing';
import type { WorkingCalendar } from './working-calendar';

/** A record for the review service to produce. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

export interface ReviewProcessorConfig {
  readonly routing: Routing;
  readonly calendar: WorkingCalendar;
  readonly limits: ChannelLimits;
  readonly gate?: ReviewConfig;
  readonly now?: () => Date;
}

/** A planned delivery with its due date (YYYY-MM-DD), or null where no deadline applies. */
export interface PlannedDelivery extends RouteTarget {
  readonly dueOn: string | null;
}

/**
 * What the review service does with one accepted event: a clean one goes to `released` with
 * its routing plan and due dates; one with findings goes to `review.held` for an operator, with
 * a HELD decision on `review.decisions`. A retraction is never held: it is released at once.
 * The event's own bytes and envelope pass through unchanged.
 */
export function processAccepted(
  event: AnyHubEvent,
  original: { readonly value: Buffer; readonly headers: Readonly<Record<string, KafkaHeaderValue>> },
  config: ReviewProcessorConfig,
): OutgoingRecord[] {
  const headers = stringHeaders(original.headers);
  if (event.type === 'review.decided' || event.type === 'delivery.outcome' || event.type === 'alert.raised') return [];

  const verdict = reviewEvent(event, config.gate ?? {});
  let held = verdict.verdict === 'held' ? toDecisionFindings(verdict.findings) : [];
  let plan: PlannedDelivery[] = [];
  if (held.length === 0) {
    try {
      plan = planWithDeadlines(event, config);
    } catch (err) {
      // A date outside the calendars is never guessed: an operator looks at the item.
      held = [{ kind: 'UNKNOWN', field: 'deadline', excerpt: err instanceof Error ? err.message : String(err), rule: 'deadline-unknown' }];
    }
  }

  if (held.length > 0) {
    const decision = encodeEvent({
      type: 'review.decided',
      source: '/gongkai/review',
      data: {
        subject: event.subject,
        eventId: event.id,
        eventType: event.type,
        revision: 'revision' in event.data && typeof event.data.revision === 'number' ? event.data.revision : null,
        decision: 'HELD',
        decidedBy: 'review-gate',
        decidedAt: config.now?.() ?? new Date(),
        findings: held,
        note: null,
      },
    });
    return [
      { topic: TOPICS.reviewHeld, key: event.subject, value: original.value, headers: { ...headers, [HUB_HEADERS.findings]: JSON.stringify(held) } },
      { topic: TOPICS.reviewDecisions, key: decision.key, value: decision.value, headers: decision.headers },
    ];
  }

  const channels = [...new Set(plan.map((p) => p.channel))];
  return [
    {
      topic: TOPICS.released,
      key: event.subject,
      value: original.value,
      headers: { ...headers, [HUB_HEADERS.channels]: channels.join(','), [HUB_HEADERS.route]: JSON.stringify(plan) },
    },
  ];
}

function planWithDeadlines(event: AnyHubEvent, config: ReviewProcessorConfig): PlannedDelivery[] {
  if (event.type === 'review.decided' || event.type === 'delivery.outcome' || event.type === 'alert.raised') return [];
  const route = planRoute(event, config.routing);
  if (event.type === 'document.published' || event.type === 'interpretation.published' || event.type === 'procurement.published') {
    const due = proactiveDueDates(
      { type: event.type, formedOn: formationDateOf(event) },
      route.map((r) => r.channel),
      config.limits,
      config.calendar,
    );
    return route.map((r) => ({ ...r, dueOn: due.find((d) => d.channel === r.channel)?.dueOn ?? null }));
  }
  return route.map((r) => ({ ...r, dueOn: null }));
}

function stringHeaders(headers: Readonly<Record<string, KafkaHeaderValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}
