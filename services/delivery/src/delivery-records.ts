/**
 * The records the delivery engine writes: one `delivery.outcome` per attempt on `delivery`,
 * a failed delivery on its retry tier, and one that failed for good on the channel's
 * dead-letter topic. Retry and dead-letter records carry the released event's bytes and
 * envelope unchanged, with the journey in `gk_*` headers.
 */
import { HUB_HEADERS, TOPICS, encodeEvent, type AnyHubEvent, type ChannelName, type DeliveryOutcome } from '@gongkai/contracts';
import type { OutgoingRecord } from '@gongkai/runtime';
import type { DeliveryAction } from './channel-adapter';

/** Headers of the delivery engine beside the hub's (`HUB_HEADERS`). */
export const DELIVERY_HEADERS = Object.freeze({
  /** On retry and dead-letter topics: earlier failed attempts, JSON `[{ attempt, at, code }]`. */
  history: 'gk_attempts',
  /** On retry and dead-letter topics: `publish` or `remove` (see `Delivery.action`). */
  action: 'gk_action',
  /** On retry topics after an operator's replay: who replayed it and when. */
  replayedBy: 'gk_replayed_by',
  replayedAt: 'gk_replayed_at',
} as const);

/** One failed attempt as the history header keeps it. */
export interface AttemptSummary {
  readonly attempt: number;
  /** RFC 3339. */
  readonly at: string;
  readonly code: string;
}

/** Where a delivery's event sits on `released`: its position orders the events of its publication. */
export interface ReleasedPosition {
  readonly partition: number;
  readonly offset: string;
}

/** A delivery as the engine carries it between attempts. */
export interface DeliveryTask {
  readonly channel: ChannelName;
  readonly event: AnyHubEvent;
  /** The released record's value and envelope headers (text), carried unchanged onto retry and dead-letter topics. */
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly target: string;
  readonly action: DeliveryAction;
  readonly dueOn: string | null;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly released: ReleasedPosition;
  readonly history: readonly AttemptSummary[];
}

/** The idempotency key of a delivery: the target skips what it already confirmed under it. */
export function idempotencyKeyOf(task: Pick<DeliveryTask, 'event' | 'target'>): string {
  return `${task.event.id}:${task.target}`;
}

/** CloudEvents source of a channel's outcomes. */
export function outcomeSource(channel: ChannelName): string {
  return `/gongkai/delivery/${channel}`;
}

/** A `delivery.outcome` record for `delivery`, keyed by publication. */
export function outcomeRecord(task: DeliveryTask, outcome: Omit<DeliveryOutcome, 'subject' | 'eventId' | 'eventType' | 'revision' | 'channel' | 'target' | 'idempotencyKey' | 'attempt'> & { readonly attempt?: number }): OutgoingRecord {
  const { event } = task;
  const encoded = encodeEvent({
    type: 'delivery.outcome',
    source: outcomeSource(task.channel),
    ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
    data: {
      subject: event.subject,
      eventId: event.id,
      eventType: event.type,
      revision: 'revision' in event.data && typeof event.data.revision === 'number' ? event.data.revision : null,
      channel: task.channel,
      target: task.target,
      idempotencyKey: idempotencyKeyOf(task),
      ...outcome,
      attempt: outcome.attempt ?? task.attempt,
    },
  });
  return { topic: TOPICS.delivery, key: encoded.key, value: encoded.value, headers: encoded.headers };
}

/** The released record's envelope without the journey headers an earlier hop added. */
function envelopeOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const journey = new Set<string>([
    HUB_HEADERS.target,
    HUB_HEADERS.attempt,
    HUB_HEADERS.notBefore,
    HUB_HEADERS.errorCode,
    HUB_HEADERS.errorMessage,
    HUB_HEADERS.originTopic,
    HUB_HEADERS.originPartition,
    HUB_HEADERS.originOffset,
    DELIVERY_HEADERS.history,
    DELIVERY_HEADERS.action,
    DELIVERY_HEADERS.replayedBy,
    DELIVERY_HEADERS.replayedAt,
  ]);
  for (const [name, value] of Object.entries(headers)) if (!journey.has(name)) out[name] = value;
  return out;
}

/** The journey headers of a failed delivery, for its retry or dead-letter record. */
function journeyHeaders(task: DeliveryTask, failure: { code: string; message: string }, at: Date): Record<string, string> {
  const history: AttemptSummary[] = [...task.history, { attempt: task.attempt, at: at.toISOString(), code: failure.code }];
  return {
    ...envelopeOf(task.headers),
    [HUB_HEADERS.target]: task.target,
    [DELIVERY_HEADERS.action]: task.action,
    [HUB_HEADERS.attempt]: String(task.attempt),
    [HUB_HEADERS.errorCode]: failure.code,
    [HUB_HEADERS.errorMessage]: failure.message.slice(0, 1000),
    [HUB_HEADERS.originTopic]: TOPICS.released,
    [HUB_HEADERS.originPartition]: String(task.released.partition),
    [HUB_HEADERS.originOffset]: task.released.offset,
    [DELIVERY_HEADERS.history]: JSON.stringify(history.slice(-50)),
  };
}

/** The record that brings a failed delivery back on `topic` (its retry tier) not before `notBefore`. */
export function retryRecord(task: DeliveryTask, topic: string, failure: { code: string; message: string }, at: Date, notBefore: Date): OutgoingRecord {
  return {
    topic,
    key: task.event.subject,
    value: task.value,
    headers: { ...journeyHeaders(task, failure, at), [HUB_HEADERS.notBefore]: notBefore.toISOString() },
  };
}

/** The record that parks a delivery that failed for good on the channel's dead-letter topic. */
export function deadLetterRecord(task: DeliveryTask, topic: string, failure: { code: string; message: string }, at: Date): OutgoingRecord {
  return { topic, key: task.event.subject, value: task.value, headers: journeyHeaders(task, failure, at) };
}

/** What a retry or dead-letter record says of the delivery it carries; `null` when its headers are not the engine's. */
export function journeyOf(headers: Readonly<Record<string, string>>): {
  target: string;
  action: DeliveryAction;
  attemptsMade: number;
  notBefore: number | null;
  released: ReleasedPosition;
  history: AttemptSummary[];
} | null {
  const target = headers[HUB_HEADERS.target];
  const attempts = Number(headers[HUB_HEADERS.attempt]);
  const partition = Number(headers[HUB_HEADERS.originPartition]);
  const offset = headers[HUB_HEADERS.originOffset];
  if (target === undefined || !Number.isInteger(attempts) || attempts < 0 || !Number.isInteger(partition) || offset === undefined || !/^\d+$/.test(offset)) return null;
  const notBeforeText = headers[HUB_HEADERS.notBefore];
  const notBefore = notBeforeText === undefined ? null : Date.parse(notBeforeText);
  let history: AttemptSummary[] = [];
  try {
    const parsed: unknown = JSON.parse(headers[DELIVERY_HEADERS.history] ?? '[]');
    if (Array.isArray(parsed)) history = parsed as AttemptSummary[];
  } catch {
    history = [];
  }
  const action: DeliveryAction = headers[DELIVERY_HEADERS.action] === 'remove' ? 'remove' : 'publish';
  return { target, action, attemptsMade: attempts, notBefore: notBefore === null || Number.isNaN(notBefore) ? null : notBefore, released: { partition, offset }, history };
}
