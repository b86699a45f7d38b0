/** Reasons for a retraction, in schema order. */
export const RETRACTION_REASONS = [
  'UNKNOWN',
  'PUBLISHED_IN_ERROR',
  'CONFIDENTIAL',
  'PERSONAL_DATA',
  'OUTDATED',
  'OTHER',
] as const;
/** Why a publication is taken down. */
export type RetractionReason = (typeof RETRACTION_REASONS)[number];

/** Data of `publication.retracted`: take a publication down from every channel. */
export interface PublicationRetracted {
  publicationId: string;
  reasonCode: RetractionReason;
  reason: string;
  requestedBy: string;
  retractedAt: Date;
}
