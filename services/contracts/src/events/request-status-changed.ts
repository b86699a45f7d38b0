import type { IsoDate, IssuingBody } from './common';

/** Steps of a request for disclosure (依申请公开), in schema order. */
export const REQUEST_STEPS = [
  'UNKNOWN',
  'RECEIVED',
  'CORRECTION_REQUESTED',
  'CORRECTED',
  'ACCEPTED',
  'THIRD_PARTY_CONSULTATION',
  'CONSULTATION_ENDED',
  'EXTENDED',
  'REPLIED',
  'SERVED',
  'ARCHIVED',
  'WITHDRAWN',
] as const;
/** A step in handling a request. */
export type RequestStep = (typeof REQUEST_STEPS)[number];

/** Reply outcomes (答复结果), in schema order. */
export const REPLY_OUTCOMES = [
  'UNKNOWN',
  'DISCLOSED',
  'PARTIALLY_DISCLOSED',
  'NOT_DISCLOSED',
  'NOT_HELD',
  'NOT_PROCESSED',
  'OTHER',
] as const;
/** What the reply to a request decided. */
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];

/** Applicant kinds, in schema order: 公民, 法人或者其他组织. */
export const APPLICANT_KINDS = ['UNKNOWN', 'NATURAL_PERSON', 'ORGANISATION'] as const;
/** Whether an applicant is a person or an organisation. */
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

/**
 * PERSONAL DATA (个人信息) of an applicant: only on events for the provincial platform,
 * never shown in public, never logged in clear.
 */
export interface Applicant {
  kind: ApplicantKind;
  name: string;
  contact: string | null;
}

/** Data of `request.status_changed`: one step of a request for disclosure. */
export interface RequestStatusChanged {
  requestId: string;
  step: RequestStep;
  sequence: number;
  occurredAt: Date;
  receivedOn: IsoDate;
  dueOn: IsoDate | null;
  handlingBody: IssuingBody;
  /** Set on REPLIED only. */
  outcome: ReplyOutcome | null;
  note: string | null;
  /** PERSONAL DATA; null except on events for the provincial platform. */
  applicant: Applicant | null;
}
