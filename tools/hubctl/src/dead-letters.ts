/**
 * Dead letters as an operator sees them: a delivery that failed for good, parked by the
 * delivery engine on its channel's `<channel>.dlq` with the released event unchanged and its
 * journey in headers; which of them a filter picks; and the record that replays one through
 * the channel's first retry tier, `<channel>.retry.1`.
 */
import { EVENT_HEADERS, EventDecodeError, HUB_HEADERS, decodeEvent, retryTopic, type ChannelName } from '@gongkai/contracts';
import { DELIVERY_HEADERS, journeyOf, type AttemptSummary } from '@gongkai/delivery';
import type { OutgoingRecord } from '@gongkai/runtime';
import type { TopicRecord } from './kafka-client';

/** A dead-letter record, read. */
export interface DeadLetter {
  /** When it was dead-lettered: the record's Kafka timestamp. */
  readonly at: Date;
  readonly partition: number;
  readonly offset: string;
  /** The record key (the publication id), or the event's subject when the key is missing. */
  readonly publicationId: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  /** The channel target the delivery was for. */
  readonly target: string | null;
  readonly action: 'publish' | 'remove' | null;
  /** Attempts made before it was dead-lettered. */
  readonly attempts: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** Where the record was consumed when it failed for good (a position on `released`, or a retry tier). */
  readonly origin: { readonly topic: string; readonly partition: number; readonly offset: string } | null;
  readonly history: readonly AttemptSummary[];
  /** Why replaying it would only dead-letter it again; `null` when it can be replayed. */
  readonly unreplayable: string | null;
  /** The record as read, for a replay. */
  readonly record: TopicRecord;
}

/** What picks dead letters; each given bound must hold, none given picks every one. */
export interface DeadLetterFilter {
  readonly target?: string;
  readonly publicationId?: string;
  /** At or after. */
  readonly since?: Date;
  /** Before. */
  readonly until?: Date;
}

/** Who replays, and when: the `gk_replayed_by` and `gk_replayed_at` headers. */
export interface Replay {
  readonly by: string;
  readonly at: Date;
}

/** Reads a record of a dead-letter topic, whatever it holds: what cannot be read is `null` or named in `unreplayable`. */
export function readDeadLetter(record: TopicRecord): DeadLetter {
  const { headers } = record;
  const journey = journeyOf(headers);
  let decoded: { id: string; type: string; subject: string } | null = null;
  let decodeProblem: string | null = null;
  try {
    const event = decodeEvent({ key: record.key, value: record.value, headers });
    decoded = { id: event.id, type: event.type, subject: event.subject };
  } catch (err) {
    if (!(err instanceof EventDecodeError)) throw err;
    decodeProblem = `its value is not a readable event (${err.code})`;
  }
  const originPartition = Number(headers[HUB_HEADERS.originPartition]);
  const originTopic = headers[HUB_HEADERS.originTopic];
  const originOffset = headers[HUB_HEADERS.originOffset];
  return {
    at: new Date(record.timestamp),
    partition: record.partition,
    offset: record.offset,
    publicationId: record.key || decoded?.subject || headers[EVENT_HEADERS.subject] || '',
    eventId: decoded?.id ?? headers[EVENT_HEADERS.id] ?? null,
    eventType: decoded?.type ?? headers[EVENT_HEADERS.type] ?? null,
    target: journey?.target ?? headers[HUB_HEADERS.target] ?? null,
    action: journey?.action ?? null,
    attempts: journey?.attemptsMade ?? null,
    errorCode: headers[HUB_HEADERS.errorCode] ?? null,
    errorMessage: headers[HUB_HEADERS.errorMessage] ?? null,
    origin: originTopic !== undefined && Number.isInteger(originPartition) && originOffset !== undefined ? { topic: originTopic, partition: originPartition, offset: originOffset } : null,
    history: journey?.history ?? [],
    // The engine's retry consumer dead-letters again what lacks its journey or does not decode.
    unreplayable: journey === null ? 'it lacks the delivery journey (target, attempts, origin): the engine could not read the record it came from' : decodeProblem,
    record,
  };
}

/** True when `filter` bounds anything at all. */
export function hasFilter(filter: DeadLetterFilter): boolean {
  return filter.target !== undefined || filter.publicationId !== undefined || filter.since !== undefined || filter.until !== undefined;
}

/** True when the dead letter passes every bound of `filter`. */
export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.target !== undefined && letter.target !== filter.target) return false;
  if (filter.publicationId !== undefined && letter.publicationId !== filter.publicationId) return false;
  const at = letter.at.getTime();
  if (filter.since !== undefined && at < filter.since.getTime()) return false;
  if (filter.until !== undefined && at >= filter.until.getTime()) return false;
  return true;
}

/**
 * The record that brings a dead letter back: on the channel's first retry tier, with the same
 * key, value and headers, except that it counts as never attempted (`gk_attempt` 0, no
 * `gk_not_before`, so the engine attempts it at once with the full retry budget) and says who
 * replayed it and when. Its earlier attempts stay in `gk_attempts`.
 */
export function replayRecordOf(letter: DeadLetter, channel: ChannelName, replay: Replay): OutgoingRecord {
  const headers: Record<string, string> = { ...letter.record.headers };
  delete headers[HUB_HEADERS.notBefore];
  headers[HUB_HEADERS.attempt] = '0';
  headers[DELIVERY_HEADERS.replayedBy] = replay.by;
  headers[DELIVERY_HEADERS.replayedAt] = replay.at.toISOString();
  return { topic: retryTopic(channel, 1), key: letter.record.key ?? '', value: letter.record.value ?? Buffer.alloc(0), headers };
}

/** Oldest first; at the same time, in topic order. */
export function byTime(a: DeadLetter, b: DeadLetter): number {
  return a.at.getTime() - b.at.getTime() || a.partition - b.partition || compareOffsets(a.offset, b.offset);
}

/** In the order they sit on the topic, partition by partition: the order a replay keeps per publication. */
export function byPosition(a: DeadLetter, b: DeadLetter): number {
  return a.partition - b.partition || compareOffsets(a.offset, b.offset);
}

function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
