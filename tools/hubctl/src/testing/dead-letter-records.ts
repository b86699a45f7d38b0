/**
 * Dead-letter records as the delivery engine writes them (through its own `deadLetterRecord`),
 * for hubctl's tests and the cross-service tests (import from
 * `@gongkai/hubctl/dist/testing/dead-letter-records`).
 */
import { HUB_HEADERS, decodeEvent, deadLetterTopic, encodeEvent, type ChannelName } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { deadLetterRecord, type AttemptSummary, type DeliveryAction } from '@gongkai/delivery';
import type { OutgoingRecord } from '@gongkai/runtime';
import type { TopicRecord } from '../kafka-client';

export interface SampleDeadLetter {
  readonly publicationId: string;
  readonly eventId?: string;
  readonly channel?: ChannelName;
  readonly target?: string;
  readonly action?: DeliveryAction;
  /** The attempt that failed for good (default 5). */
  readonly attempt?: number;
  readonly failure?: { readonly code: string; readonly message: string };
  /** When the last attempt failed (default 2025-06-27T01:30:00Z). */
  readonly at?: Date;
  /** Where the event sat on `released` (default partition 2, offset 41). */
  readonly released?: { readonly partition: number; readonly offset: string };
}

/** The `document.published` sample as released to `target`, dead-lettered after `attempt` attempts. */
export function sampleDeadLetter(options: SampleDeadLetter): OutgoingRecord {
  const channel = options.channel ?? 'website';
  const target = options.target ?? 'zwgk-main';
  const attempt = options.attempt ?? 5;
  const at = options.at ?? new Date('2025-06-27T01:30:00Z');
  const data = { ...sampleEvents()['document.published'], publicationId: options.publicationId };
  const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/zfbgs/oa', ...(options.eventId === undefined ? {} : { id: options.eventId }), data });
  const headers = {
    ...encoded.headers,
    [HUB_HEADERS.channels]: channel,
    [HUB_HEADERS.route]: JSON.stringify([{ channel, target, dueOn: '2025-07-25' }]),
  };
  const event = decodeEvent({ key: encoded.key, value: encoded.value, headers });
  const history: AttemptSummary[] = Array.from({ length: attempt - 1 }, (_, i) => ({ attempt: i + 1, at: new Date(at.getTime() - (attempt - 1 - i) * 60_000).toISOString(), code: 'TARGET_UNAVAILABLE' }));
  return deadLetterRecord(
    {
      channel,
      event,
      value: encoded.value,
      headers,
      target,
      action: options.action ?? 'publish',
      dueOn: '2025-07-25',
      attempt,
      released: options.released ?? { partition: 2, offset: '41' },
      history,
    },
    deadLetterTopic(channel),
    options.failure ?? { code: 'TARGET_UNAVAILABLE', message: 'the CMS answered 503 Service Unavailable' },
    at,
  );
}

/** A record as hubctl reads it back from a topic. */
export function asRead(record: OutgoingRecord, position: { partition: number; offset: string; timestamp: Date }): TopicRecord {
  return { partition: position.partition, offset: position.offset, timestamp: position.timestamp.getTime(), key: record.key, value: record.value, headers: { ...record.headers } };
}
