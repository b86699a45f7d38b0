import type { AlertRaised } from './alert-raised';
import type { DeliveryOutcome } from './delivery-outcome';
import type { DocumentPublished } from './document-published';
import type { InterpretationPublished } from './interpretation-published';
import type { ProcurementPublished } from './procurement-published';
import type { PublicationRetracted } from './publication-retracted';
import type { RequestStatusChanged } from './request-status-changed';
import type { ReviewDecided } from './review-decided';

/** Data of each event type, in its current schema version. */
export interface EventDataMap {
  'document.published': DocumentPublished;
  'interpretation.published': InterpretationPublished;
  'procurement.published': ProcurementPublished;
  'request.status_changed': RequestStatusChanged;
  'publication.retracted': PublicationRetracted;
  'review.decided': ReviewDecided;
  'delivery.outcome': DeliveryOutcome;
  'alert.raised': AlertRaised;
}

/** A CloudEvents `type` the hub knows; each has a folder of schema versions under `schemas/`. */
export type EventType = keyof EventDataMap;

/** Data of one event type. */
export type EventData<T extends EventType> = EventDataMap[T];

/** Every event type, in the order the design lists them. */
export const EVENT_TYPES: readonly EventType[] = Object.freeze([
  'document.published',
  'interpretation.published',
  'procurement.published',
  'request.status_changed',
  'publication.retracted',
  'review.decided',
  'delivery.outcome',
  'alert.raised',
] satisfies EventType[]);

/** The events upstream systems hand the hub; they travel on `disclosure`, `released` and the channel topics. */
export const DISCLOSURE_EVENT_TYPES: readonly EventType[] = Object.freeze([
  'document.published',
  'interpretation.published',
  'procurement.published',
  'request.status_changed',
  'publication.retracted',
] satisfies EventType[]);

/** Whether a string is an event type the hub knows. */
export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The subject of an event: its `ce_subject` and Kafka key. A publication's events share it
 * (so they share a partition and stay in order); a request's steps share the request id.
 */
export function subjectOf<T extends EventType>(type: T, data: EventData<T>): string {
  // The casts follow `type`; TypeScript cannot narrow a generic's data through a switch.
  switch (type) {
    case 'document.published':
    case 'interpretation.published':
    case 'procurement.published':
    case 'publication.retracted':
      return (data as { publicationId: string }).publicationId;
    case 'request.status_changed':
      return (data as RequestStatusChanged).requestId;
    case 'review.decided':
    case 'delivery.outcome':
      return (data as ReviewDecided | DeliveryOutcome).subject;
    case 'alert.raised': {
      const alert = data as AlertRaised;
      return alert.subject ?? alert.alertId;
    }
    default:
      throw new TypeError(`no subject rule for ${String(type)}`);
  }
}

/**
 * Name of the field that carries each event in the gRPC ingest API (the `oneof` member or the
 * request field), so validation can name fields as the caller sent them, e.g.
 * `document.issuingBody.creditCode`. Internal events get a name of their own.
 */
export const EVENT_FIELD_NAMES: Readonly<Record<EventType, string>> = Object.freeze({
  'document.published': 'document',
  'interpretation.published': 'interpretation',
  'procurement.published': 'procurement',
  'request.status_changed': 'requestStatus',
  'publication.retracted': 'retraction',
  'review.decided': 'reviewDecision',
  'delivery.outcome': 'deliveryOutcome',
  'alert.raised': 'alert',
});
