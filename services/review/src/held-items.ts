/**
 * The held events and the decisions on them, as the review API shows them: a read model
 * rebuilt at start from `review.held` (the events, byte for byte, with the gate's findings)
 * and `review.decisions` (HELD, then an operator's or a retraction's decision). The topics
 * are the source of truth; this is memory only.
 *
 * The two topics are read side by side, so a decision may arrive before the hold it is about;
 * the model does not depend on that order. A decision is final: the first APPROVED,
 * APPROVED_MASKED or REJECTED for an event wins, and a later hold of the same event (the
 * review service reviewing it again after a restart) does not reopen it.
 */
import {
  EVENT_HEADERS,
  FINDING_KINDS,
  HUB_HEADERS,
  decodeEvent,
  type AnyHubEvent,
  type Finding,
  type KafkaMessageLike,
  type ReviewDecided,
} from '@gongkai/contracts';
import { maskPersonalData } from '@gongkai/runtime';
import { REVIEWED_EVENT_TYPES, maskEvent, reviewEvent, type ReviewedEvent } from './review-gate';
import { stringHeaders } from './review-processor';

/** A held event as operators see it: personal data masked in every text shown. */
export interface HeldEvent {
  readonly publicationId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly revision: number | null;
  /** The title with personal data masked; for a request-status event, its request and step. */
  readonly title: string;
  /** The issuing body (purchaser, handling body), its name with personal data masked. */
  readonly issuingBody: { readonly name: string; readonly creditCode: string } | null;
  readonly heldAt: Date;
  /** The gate's findings as `review.held` carries them (excerpts masked). */
  readonly findings: readonly Finding[];
}

/** The held event's Kafka record as accepted: what an approval releases. */
export interface HeldOriginal {
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** A decision that ends the wait. */
export type FinalDecision = ReviewDecided & { readonly decision: 'APPROVED' | 'APPROVED_MASKED' | 'REJECTED' };

/** One held event and, once made, its decision. */
export interface HeldItem {
  readonly held: HeldEvent;
  readonly decision: FinalDecision | null;
}

interface Entry {
  held?: HeldEvent;
  original?: HeldOriginal;
  decision?: FinalDecision;
}

function isFinal(decision: ReviewDecided): decision is FinalDecision {
  return decision.decision === 'APPROVED' || decision.decision === 'APPROVED_MASKED' || decision.decision === 'REJECTED';
}

/** The read model. Every method is synchronous; callers serialize decisions themselves. */
export class HeldItems {
  private readonly entries = new Map<string, Entry>();
  private readonly byPublication = new Map<string, Set<string>>();

  /** Records a held event; a second hold of the same event keeps the first. */
  hold(held: HeldEvent, original: HeldOriginal): void {
    const entry = this.entry(held.publicationId, held.eventId);
    if (entry.held) return;
    entry.held = held;
    // Once decided, the bytes are never needed again.
    if (!entry.decision) entry.original = original;
  }

  /**
   * Records a decision. HELD is only the gate saying what `review.held` says, and is ignored;
   * the first final decision of an event wins. Returns whether the decision was taken.
   */
  decide(decision: ReviewDecided): boolean {
    if (!isFinal(decision)) return false;
    const entry = this.entry(decision.subject, decision.eventId);
    if (entry.decision) return false;
    entry.decision = decision;
    delete entry.original;
    return true;
  }

  /** The held event of a publication with this id, waiting or decided (undefined until its hold is known). */
  find(publicationId: string, eventId: string): HeldItem | undefined {
    const entry = this.entries.get(keyOf(publicationId, eventId));
    return entry?.held ? { held: entry.held, decision: entry.decision ?? null } : undefined;
  }

  /**
   * Whether the hold a `review.held` record carries is known already, judged by the record's
   * key (its publication) and `ce_id` header (its event) without decoding its value.
   */
  hasHoldOf(record: KafkaMessageLike): boolean {
    const header = record.headers?.[EVENT_HEADERS.id];
    const eventId = Array.isArray(header) ? header[0] : header;
    if (eventId === undefined || record.key === undefined || record.key === null) return false;
    return this.entries.get(keyOf(record.key.toString(), eventId.toString()))?.held !== undefined;
  }

  /** The record to release for an event that waits for a decision; undefined once decided. */
  original(publicationId: string, eventId: string): HeldOriginal | undefined {
    const entry = this.entries.get(keyOf(publicationId, eventId));
    return entry?.decision ? undefined : entry?.original;
  }

  /** Every held event waiting for a decision, the longest-waiting first. */
  awaiting(): HeldItem[] {
    const out: HeldItem[] = [];
    for (const entry of this.entries.values()) if (entry.held && !entry.decision) out.push({ held: entry.held, decision: null });
    return sortByHeldAt(out);
  }

  /** The held events of one publication, waiting or decided, oldest first. */
  ofPublication(publicationId: string): HeldItem[] {
    const out: HeldItem[] = [];
    for (const key of this.byPublication.get(publicationId) ?? []) {
      const entry = this.entries.get(key)!;
      if (entry.held) out.push({ held: entry.held, decision: entry.decision ?? null });
    }
    return sortByHeldAt(out);
  }

  /** The held events of one publication still waiting for a decision, oldest first. */
  awaitingOf(publicationId: string): HeldItem[] {
    return this.ofPublication(publicationId).filter((item) => item.decision === null);
  }

  private entry(publicationId: string, eventId: string): Entry {
    const key = keyOf(publicationId, eventId);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
      const keys = this.byPublication.get(publicationId) ?? new Set<string>();
      keys.add(key);
      this.byPublication.set(publicationId, keys);
    }
    return entry;
  }
}

function keyOf(publicationId: string, eventId: string): string {
  return `${publicationId}\u0000${eventId}`;
}

function sortByHeldAt(items: HeldItem[]): HeldItem[] {
  return items.sort((a, b) => a.held.heldAt.getTime() - b.held.heldAt.getTime() || a.held.eventId.localeCompare(b.held.eventId));
}

/** A `review.held` record (consumed, or just produced by this process) as the read model keeps it. */
export interface HeldRecordLike extends KafkaMessageLike {
  /** Kafka's record timestamp in epoch milliseconds, as kafkajs gives it; when the event was held. */
  readonly timestamp?: string;
  /**
   * The event the record's value holds, when its writer has it decoded already (a record this
   * process produced); it saves decoding the value again. Never sent to Kafka.
   */
  readonly event?: AnyHubEvent;
}

/**
 * Reads a `review.held` record: the event, its findings (the `gk_findings` header) and when it
 * was held (the record's timestamp, else `now`).
 * @throws EventDecodeError when the record is not an event the hub can read.
 */
export function heldFromRecord(record: HeldRecordLike, now: () => Date = () => new Date()): { held: HeldEvent; original: HeldOriginal } {
  const event = record.event ?? decodeEvent(record);
  const headers = stringHeaders(record.headers ?? {});
  const at = record.timestamp === undefined ? NaN : Number(record.timestamp);
  const held: HeldEvent = {
    publicationId: event.subject,
    eventId: event.id,
    eventType: event.type,
    revision: 'revision' in event.data && typeof event.data.revision === 'number' ? event.data.revision : null,
    ...preview(event),
    heldAt: Number.isFinite(at) && at > 0 ? new Date(at) : now(),
    findings: findingsOf(headers[HUB_HEADERS.findings]),
  };
  return { held, original: { value: record.value ?? Buffer.alloc(0), headers } };
}

/** The `review.decided` data of a `review.decisions` record, or null for another event type. */
export function decisionFromRecord(record: KafkaMessageLike): ReviewDecided | null {
  const event = decodeEvent(record);
  return event.type === 'review.decided' ? event.data : null;
}

/** Title and issuing body with personal data masked as "approve with masking" would mask it. */
function preview(event: AnyHubEvent): Pick<HeldEvent, 'title' | 'issuingBody'> {
  if (!(REVIEWED_EVENT_TYPES as readonly string[]).includes(event.type)) return { title: '', issuingBody: null };
  const reviewed = { type: event.type, data: event.data } as ReviewedEvent;
  let shown: ReviewedEvent;
  try {
    shown = maskEvent(reviewed, reviewEvent(reviewed).findings);
  } catch {
    shown = reviewed; // masked below with the log masker, which masks more rather than less
  }
  const safe = (text: string): string => (shown === reviewed ? maskPersonalData(text) : text);
  switch (shown.type) {
    case 'document.published':
    case 'interpretation.published':
      return { title: safe(shown.data.title), issuingBody: { name: safe(shown.data.issuingBody.name), creditCode: shown.data.issuingBody.creditCode } };
    case 'procurement.published':
      return { title: safe(shown.data.title), issuingBody: { name: safe(shown.data.purchaser.name), creditCode: shown.data.purchaser.creditCode ?? '' } };
    case 'request.status_changed':
      return {
        title: `request ${shown.data.requestId}: ${shown.data.step}`,
        issuingBody: { name: safe(shown.data.handlingBody.name), creditCode: shown.data.handlingBody.creditCode },
      };
    default:
      return { title: '', issuingBody: null };
  }
}

/** The `gk_findings` header; a finding of unknown shape is kept as UNKNOWN rather than dropped. */
function findingsOf(header: string | undefined): Finding[] {
  if (header === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return [{ kind: 'UNKNOWN', field: '', excerpt: '(the findings header could not be read)', rule: null }];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((raw: unknown): Finding => {
    const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const kind = typeof f.kind === 'string' && (FINDING_KINDS as readonly string[]).includes(f.kind) ? (f.kind as Finding['kind']) : 'UNKNOWN';
    return {
      kind,
      field: typeof f.field === 'string' ? f.field : '',
      // Excerpts were masked by the gate; masking again costs nothing and guards old records.
      excerpt: typeof f.excerpt === 'string' ? maskExcerpt(f.excerpt) : '',
      rule: typeof f.rule === 'string' ? f.rule : null,
    };
  });
}

function maskExcerpt(excerpt: string): string {
  return excerpt.includes('*') ? excerpt : maskPersonalData(excerpt);
}
