/**
 * `review.decided` events as the review service writes them to `review.decisions`: one per
 * decision, keyed by publication so a publication's decisions stay in order on one partition.
 */
import { TOPICS, encodeEvent, type Finding, type HubEvent, type ReviewDecision } from '@gongkai/contracts';
import type { OutgoingRecord } from './review-processor';

/** CloudEvents source of every decision the review service records. */
export const DECISION_SOURCE = '/gongkai/review';

/** `decidedBy` of the gate's own HELD decisions. */
export const GATE_DECIDER = 'review-gate';

/** `decidedBy` of a cancellation: the retraction decided, not a person. */
export const RETRACTION_DECIDER = 'retraction';

/** `decidedBy` of a supersession: a newer revision of the publication decided, not a person. */
export const REVISION_DECIDER = 'revision';

/** What a decision is about: one held event. */
export interface DecidedEventRef {
  readonly publicationId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly revision: number | null;
  readonly findings: readonly Finding[];
}

/** One decision as a record for `review.decisions`. */
export function decisionRecord(
  about: DecidedEventRef,
  decision: Exclude<ReviewDecision, 'UNKNOWN'>,
  decidedBy: string,
  decidedAt: Date,
  note: string | null,
): OutgoingRecord {
  const encoded = encodeEvent({
    type: 'review.decided',
    source: DECISION_SOURCE,
    data: {
      subject: about.publicationId,
      eventId: about.eventId,
      eventType: about.eventType,
      revision: about.revision,
      decision,
      decidedBy,
      decidedAt,
      findings: about.findings.map((f) => ({ ...f })),
      note,
    },
  });
  return { topic: TOPICS.reviewDecisions, key: encoded.key, value: encoded.value, headers: encoded.headers };
}

/**
 * A retraction cancels every held event of its publication still waiting for a decision: each
 * is REJECTED on the retraction's behalf, so no operator can approve it afterwards. The note
 * names the retraction event and its reason code, never its free-text reason (which may quote
 * the very personal data the item was held for).
 */
export function cancellationRecords(retraction: HubEvent<'publication.retracted'>, waiting: readonly DecidedEventRef[], now: Date): OutgoingRecord[] {
  const note = `cancelled by retraction ${retraction.id} (${retraction.data.reasonCode})`;
  return waiting.map((about) => decisionRecord(about, 'REJECTED', RETRACTION_DECIDER, now, note));
}

/**
 * A newer revision of a publication supersedes every older held revision still waiting: each is
 * REJECTED on the new revision's behalf, so no operator can release an older text after (or
 * instead of) the newer one. The newer revision is itself reviewed as usual, released or held.
 */
export function supersessionRecords(revision: { readonly id: string; readonly revision: number }, waiting: readonly DecidedEventRef[], now: Date): OutgoingRecord[] {
  const note = `superseded by revision ${revision.revision} (event ${revision.id})`;
  return waiting.map((about) => decisionRecord(about, 'REJECTED', REVISION_DECIDER, now, note));
}

/** The waiting held events a revision supersedes: those of its publication with an older or equal revision, other than itself. */
export function supersededBy<T extends DecidedEventRef>(revision: { readonly id: string; readonly revision: number }, waiting: readonly T[]): T[] {
  return waiting.filter((about) => about.eventId !== revision.id && (about.revision ?? 0) <= revision.revision);
}
