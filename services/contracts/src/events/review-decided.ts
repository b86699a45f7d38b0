/** Review decisions, in schema order. */
export const REVIEW_DECISIONS = ['UNKNOWN', 'HELD', 'APPROVED', 'APPROVED_MASKED', 'REJECTED'] as const;
/** What the review gate (保密审查) decided. */
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Kinds of review finding, in schema order. */
export const FINDING_KINDS = [
  'UNKNOWN',
  'CLASSIFICATION_MARKER',
  'RESIDENT_ID',
  'MOBILE_NUMBER',
  'BANK_CARD',
  'EMAIL',
  'ADDRESS',
  'WORD_LIST',
] as const;
/** What the review gate found. */
export type FindingKind = (typeof FINDING_KINDS)[number];

/** One hit of the review gate; `excerpt` is masked, never the clear value. */
export interface Finding {
  kind: FindingKind;
  field: string;
  excerpt: string;
  rule: string | null;
}

/** Data of `review.decided`: a decision on one event. */
export interface ReviewDecided {
  /** Publication id (request id for request events). */
  subject: string;
  eventId: string;
  eventType: string;
  revision: number | null;
  decision: ReviewDecision;
  /** Operator account, or `review-gate`. */
  decidedBy: string;
  decidedAt: Date;
  findings: Finding[];
  note: string | null;
}
