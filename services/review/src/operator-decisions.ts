/**
 * An operator's decision on a held event, worked out without Kafka or a clock of its own: is
 * the request well-formed, may this event be decided now, and which records the decision
 * writes. Approval releases the event as accepted; approval with masking releases a masked
 * copy under a new event id; rejection releases nothing. Every decision is a `review.decided`
 * event recording who and when.
 */
import { HUB_HEADERS, decodeEvent, encodeEvent, type AnyHubEvent, type EventInput } from '@gongkai/contracts';
import { RETRACTION_DECIDER, REVISION_DECIDER, decisionRecord } from './decision-records';
import { CalendarYearMissingError, DecisionRefusedError, HeldItemNotFoundError, InvalidRequestError, type RequestViolation } from './errors';
import type { FinalDecision, HeldItem, HeldOriginal } from './held-items';
import { maskEvent, reviewEvent, REVIEWED_EVENT_TYPES, type ReviewedEvent } from './review-gate';
import { planDeliveries, releasedRecord, type OutgoingRecord, type ReviewProcessorConfig } from './review-processor';

/** What an operator may decide. */
export const OPERATOR_CHOICES = ['APPROVE', 'APPROVE_WITH_MASKING', 'REJECT'] as const;
/** One of the operator's choices. */
export type OperatorChoice = (typeof OPERATOR_CHOICES)[number];

/** Longest note a decision keeps, in characters. */
export const MAX_NOTE_LENGTH = 2000;

/** Suffix of the event id of a masked copy: `<original id>:masked`. */
export const MASKED_ID_SUFFIX = ':masked';

/** A decision request, checked. */
export interface DecisionRequest {
  readonly publicationId: string;
  readonly eventId: string;
  readonly choice: OperatorChoice;
  /** Trimmed; null when empty. */
  readonly note: string | null;
}

/** What a decision writes, and what its caller answers with. */
export interface DecisionOutcome {
  readonly decision: FinalDecision;
  /** In the order to write: the released event (if any) and the decision, in one transaction. */
  readonly records: readonly OutgoingRecord[];
  /** The id of the released event; null for a rejection. */
  readonly releasedEventId: string | null;
  /** Channels the released event is routed to; empty for a rejection. */
  readonly channels: readonly string[];
}

/**
 * Checks a request as the API receives it (enum names with or without their proto prefix).
 * @throws InvalidRequestError listing every broken rule with its field.
 */
export function checkDecisionRequest(raw: { publicationId?: string; eventId?: string; decision?: string; note?: string }): DecisionRequest {
  const violations: RequestViolation[] = [];
  const publicationId = (raw.publicationId ?? '').trim();
  const eventId = (raw.eventId ?? '').trim();
  const note = (raw.note ?? '').trim();
  const choice = String(raw.decision ?? '').replace(/^OPERATOR_DECISION_/, '');
  if (publicationId === '') violations.push({ field: 'publicationId', rule: 'REQUIRED', description: 'name the publication of the held event' });
  if (eventId === '') violations.push({ field: 'eventId', rule: 'REQUIRED', description: 'name the held event (ListHeld and GetHeld give its id)' });
  const known = (OPERATOR_CHOICES as readonly string[]).includes(choice);
  if (!known) violations.push({ field: 'decision', rule: 'DECISION_REQUIRED', description: 'must be APPROVE, APPROVE_WITH_MASKING or REJECT' });
  if (known && choice === 'REJECT' && note === '') violations.push({ field: 'note', rule: 'NOTE_REQUIRED', description: 'a rejection must say why' });
  if ([...note].length > MAX_NOTE_LENGTH) violations.push({ field: 'note', rule: 'NOTE_LENGTH', description: `must be at most ${MAX_NOTE_LENGTH} characters` });
  if (violations.length > 0) throw new InvalidRequestError(violations);
  return { publicationId, eventId, choice: choice as OperatorChoice, note: note === '' ? null : note };
}

/**
 * Decides one held event.
 * @param item the read model's view of the event (undefined: never held).
 * @param original its record as held; present while it waits for a decision.
 * @throws HeldItemNotFoundError, DecisionRefusedError (decided already, cancelled by a
 *   retraction, superseded by a newer revision, or due dates that cannot be worked out), FindingMismatchError (masking could
 *   not prove it masked every finding).
 */
export function decideHeld(
  item: HeldItem | undefined,
  original: HeldOriginal | undefined,
  request: DecisionRequest,
  decidedBy: string,
  decidedAt: Date,
  config: ReviewProcessorConfig,
): DecisionOutcome {
  const { publicationId, eventId } = request;
  if (!item) throw new HeldItemNotFoundError(publicationId, eventId);
  if (item.decision) throw refusalFor(item.decision);
  if (!original) throw new HeldItemNotFoundError(publicationId, eventId);

  const about = item.held;
  if (request.choice === 'REJECT') {
    const record = decisionRecord(about, 'REJECTED', decidedBy, decidedAt, request.note);
    return { decision: finalOf(item, 'REJECTED', decidedBy, decidedAt, request.note), records: [record], releasedEventId: null, channels: [] };
  }

  const event = decodeEvent({ key: publicationId, value: original.value, headers: original.headers });
  let release: OutgoingRecord;
  let releasedEventId: string;
  if (request.choice === 'APPROVE') {
    release = releasedRecord(publicationId, original.value, original.headers, plan(event, request, config));
    releasedEventId = event.id;
  } else {
    const masked = maskedCopy(event, config);
    // The copy's type and data come from one decoded event, so they agree.
    const input: EventInput = {
      type: masked.type,
      source: event.source,
      id: `${event.id}${MASKED_ID_SUFFIX}`,
      subject: event.subject,
      time: event.time,
      data: masked.data,
      ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
      ...(event.tracestate === undefined ? {} : { tracestate: event.tracestate }),
    };
    const encoded = encodeEvent(input);
    const maskedEvent = { ...event, id: `${event.id}${MASKED_ID_SUFFIX}`, data: masked.data } as AnyHubEvent;
    release = releasedRecord(publicationId, encoded.value, encoded.headers, plan(maskedEvent, request, config));
    releasedEventId = `${event.id}${MASKED_ID_SUFFIX}`;
  }
  const outcome = request.choice === 'APPROVE' ? 'APPROVED' : 'APPROVED_MASKED';
  const record = decisionRecord(about, outcome, decidedBy, decidedAt, request.note);
  const channels = (release.headers[HUB_HEADERS.channels] ?? '').split(',').filter((c) => c !== '');
  return { decision: finalOf(item, outcome, decidedBy, decidedAt, request.note), records: [release, record], releasedEventId, channels };
}

/** The event with every piece of personal data the gate finds in it masked, in every field. */
function maskedCopy(event: AnyHubEvent, config: ReviewProcessorConfig): ReviewedEvent {
  if (!(REVIEWED_EVENT_TYPES as readonly string[]).includes(event.type)) throw new Error(`a ${event.type} event is never held`);
  const reviewed = { type: event.type, data: event.data } as ReviewedEvent;
  return maskEvent(reviewed, reviewEvent(reviewed, config.gate ?? {}).findings);
}

function plan(event: AnyHubEvent, request: DecisionRequest, config: ReviewProcessorConfig) {
  try {
    return planDeliveries(event, config);
  } catch (err) {
    if (err instanceof CalendarYearMissingError) {
      throw new DecisionRefusedError('DEADLINE_UNKNOWN', request.publicationId, request.eventId, `cannot release it: ${err.message}`);
    }
    throw err;
  }
}

function finalOf(item: HeldItem, decision: FinalDecision['decision'], decidedBy: string, decidedAt: Date, note: string | null): FinalDecision {
  const { held } = item;
  return {
    subject: held.publicationId,
    eventId: held.eventId,
    eventType: held.eventType,
    revision: held.revision,
    decision,
    decidedBy,
    decidedAt,
    findings: held.findings.map((f) => ({ ...f })),
    note,
  };
}

/** Why a decided event cannot be decided again, in words an operator can act on. */
export function refusalFor(decision: FinalDecision): DecisionRefusedError {
  const { subject, eventId } = decision;
  const when = decision.decidedAt.toISOString();
  if (decision.decision === 'REJECTED' && decision.decidedBy === RETRACTION_DECIDER) {
    return new DecisionRefusedError(
      'CANCELLED_BY_RETRACTION',
      subject,
      eventId,
      `event ${eventId} of publication ${subject} was cancelled at ${when}: ${decision.note ?? 'the publication was retracted'}; it can no longer be approved`,
    );
  }
  if (decision.decision === 'REJECTED' && decision.decidedBy === REVISION_DECIDER) {
    return new DecisionRefusedError(
      'SUPERSEDED_BY_REVISION',
      subject,
      eventId,
      `event ${eventId} of publication ${subject} was ${decision.note ?? 'superseded by a newer revision'} at ${when}; decide the newer revision instead`,
    );
  }
  return new DecisionRefusedError(
    'ALREADY_DECIDED',
    subject,
    eventId,
    `event ${eventId} of publication ${subject} was already decided: ${decision.decision} by ${decision.decidedBy} at ${when}`,
  );
}
