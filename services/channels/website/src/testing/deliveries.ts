/** Events and deliveries as the delivery engine hands them to the adapter, for tests. */
import { randomUUID } from 'node:crypto';
import { subjectOf, type AnyHubEvent, type EventData, type EventType, type HubEvent } from '@gongkai/contracts';
import type { Delivery } from '@gongkai/delivery';

/** A decoded event of `type` with `data`, a fresh id and a fixed time. */
export function hubEvent<T extends EventType>(type: T, data: EventData<T>): AnyHubEvent {
  const subject = subjectOf(type, data);
  const event: HubEvent<T> = {
    id: randomUUID(),
    source: '/test',
    type,
    specversion: '1.0',
    time: new Date('2025-06-27T01:30:00Z'),
    subject,
    dataschema: `urn:gongkai:avro:${type}:v1`,
    fingerprint: '0'.repeat(64),
    schemaVersion: 1,
    key: subject,
    data,
  };
  return event as AnyHubEvent;
}

/** The first attempt of a delivery of `event` to `target`: a removal for a retraction, else a publication. */
export function deliveryOf(event: AnyHubEvent, target = 'zfxxgk/zcwj'): Delivery {
  return { channel: 'website', target, idempotencyKey: `${event.id}:${target}`, attempt: 1, action: event.type === 'publication.retracted' ? 'remove' : 'publish', event, dueOn: null };
}
