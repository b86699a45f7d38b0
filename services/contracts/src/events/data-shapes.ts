/**
 * The hand-written data interfaces, key by key, and their enum unions, as values: tests compare them with the Avro
 * schemas so the two cannot drift. The `Shape` type makes each literal exact — a key the
 * interface lacks is an excess property, a key it has but the literal lacks is missing, and
 * `nullable` must match whether the property admits null — so the compiler keeps these in
 * step with the interfaces and the test keeps them in step with the schemas.
 */
import { ALERT_KINDS, ALERT_SEVERITIES, type AlertRaised } from './alert-raised';
import { IMPORTANCES, type Attachment, type IssuingBody, type Region } from './common';
import { DELIVERY_OUTCOME_KINDS, type DeliveryError, type DeliveryOutcome } from './delivery-outcome';
import { VALIDITY_STATUSES, type CatalogueItem, type DocumentPublished, type Validity } from './document-published';
import { INTERPRETATION_FORMS, type InterpretationPublished } from './interpretation-published';
import {
  PROCUREMENT_METHODS,
  PROCUREMENT_NOTICE_KINDS,
  type Party,
  type ProcurementPublished,
} from './procurement-published';
import { RETRACTION_REASONS, type PublicationRetracted } from './publication-retracted';
import {
  APPLICANT_KINDS,
  REPLY_OUTCOMES,
  REQUEST_STEPS,
  type Applicant,
  type RequestStatusChanged,
} from './request-status-changed';
import { FINDING_KINDS, REVIEW_DECISIONS, type Finding, type ReviewDecided } from './review-decided';

/** Whether a property admits null (`["null", T]` in Avro) or always holds a value. */
export type Presence = 'nullable' | 'present';

/** One literal per interface: every key, with whether it admits null. */
export type Shape<T> = { [K in keyof T]-?: null extends T[K] ? 'nullable' : 'present' };

const issuingBody: Shape<IssuingBody> = { name: 'present', creditCode: 'present', code: 'nullable' };
const attachment: Shape<Attachment> = {
  name: 'present',
  mediaType: 'present',
  size: 'present',
  sha256: 'present',
  uri: 'present',
};
const region: Shape<Region> = { code: 'present', name: 'present' };
const catalogueItem: Shape<CatalogueItem> = { code: 'present', name: 'present' };
const validity: Shape<Validity> = { status: 'present', effectiveOn: 'nullable', endedOn: 'nullable' };
const party: Shape<Party> = { name: 'present', creditCode: 'nullable' };
const applicant: Shape<Applicant> = { kind: 'present', name: 'present', contact: 'nullable' };
const finding: Shape<Finding> = { kind: 'present', field: 'present', excerpt: 'present', rule: 'nullable' };
const deliveryError: Shape<DeliveryError> = { code: 'present', message: 'present' };

const documentPublished: Shape<DocumentPublished> = {
  publicationId: 'present',
  revision: 'present',
  indexNumber: 'present',
  issuingBody: 'present',
  documentNumber: 'nullable',
  catalogueItem: 'present',
  subjectCategory: 'present',
  title: 'present',
  body: 'present',
  attachments: 'present',
  formedOn: 'present',
  publishedAt: 'present',
  validity: 'present',
  region: 'present',
  importance: 'present',
  needsInterpretation: 'nullable',
  supersedes: 'nullable',
  keywords: 'present',
};
const interpretationPublished: Shape<InterpretationPublished> = {
  publicationId: 'present',
  revision: 'present',
  policyPublicationId: 'present',
  form: 'present',
  indexNumber: 'nullable',
  issuingBody: 'present',
  interpreter: 'nullable',
  title: 'present',
  body: 'present',
  attachments: 'present',
  publishedAt: 'present',
  region: 'present',
  importance: 'present',
};
const procurementPublished: Shape<ProcurementPublished> = {
  publicationId: 'present',
  revision: 'present',
  noticeKind: 'present',
  projectCode: 'present',
  projectName: 'present',
  title: 'present',
  body: 'present',
  purchaser: 'present',
  agency: 'nullable',
  supervisingDepartment: 'present',
  method: 'present',
  budgetFen: 'present',
  awardedSupplier: 'nullable',
  awardAmountFen: 'nullable',
  bidDeadlineAt: 'nullable',
  attachments: 'present',
  publishedAt: 'present',
  region: 'present',
};
const requestStatusChanged: Shape<RequestStatusChanged> = {
  requestId: 'present',
  step: 'present',
  sequence: 'present',
  occurredAt: 'present',
  receivedOn: 'present',
  dueOn: 'nullable',
  handlingBody: 'present',
  outcome: 'nullable',
  note: 'nullable',
  applicant: 'nullable',
};
const publicationRetracted: Shape<PublicationRetracted> = {
  publicationId: 'present',
  reasonCode: 'present',
  reason: 'present',
  requestedBy: 'present',
  retractedAt: 'present',
};
const reviewDecided: Shape<ReviewDecided> = {
  subject: 'present',
  eventId: 'present',
  eventType: 'present',
  revision: 'nullable',
  decision: 'present',
  decidedBy: 'present',
  decidedAt: 'present',
  findings: 'present',
  note: 'nullable',
};
const deliveryOutcome: Shape<DeliveryOutcome> = {
  subject: 'present',
  eventId: 'present',
  eventType: 'present',
  revision: 'nullable',
  channel: 'present',
  target: 'present',
  idempotencyKey: 'present',
  attempt: 'present',
  outcome: 'present',
  attemptedAt: 'present',
  latencyMs: 'nullable',
  nextAttemptAt: 'nullable',
  channelReference: 'nullable',
  error: 'nullable',
};
const alertRaised: Shape<AlertRaised> = {
  alertId: 'present',
  kind: 'present',
  severity: 'present',
  subject: 'nullable',
  channel: 'nullable',
  summary: 'present',
  raisedAt: 'present',
  attributes: 'present',
};

/** The shape of every Avro record the interfaces mirror, by the record's short Avro name. */
export const RECORD_SHAPES: Readonly<Record<string, Readonly<Record<string, Presence>>>> = Object.freeze({
  IssuingBody: issuingBody,
  Attachment: attachment,
  Region: region,
  CatalogueItem: catalogueItem,
  Validity: validity,
  Party: party,
  Applicant: applicant,
  Finding: finding,
  DeliveryError: deliveryError,
  DocumentPublished: documentPublished,
  InterpretationPublished: interpretationPublished,
  ProcurementPublished: procurementPublished,
  RequestStatusChanged: requestStatusChanged,
  PublicationRetracted: publicationRetracted,
  ReviewDecided: reviewDecided,
  DeliveryOutcome: deliveryOutcome,
  AlertRaised: alertRaised,
});

/** The symbols of every Avro enum the TypeScript unions mirror, by the enum's short Avro name. */
export const ENUM_SYMBOLS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Importance: IMPORTANCES,
  ValidityStatus: VALIDITY_STATUSES,
  InterpretationForm: INTERPRETATION_FORMS,
  ProcurementNoticeKind: PROCUREMENT_NOTICE_KINDS,
  ProcurementMethod: PROCUREMENT_METHODS,
  RequestStep: REQUEST_STEPS,
  ReplyOutcome: REPLY_OUTCOMES,
  ApplicantKind: APPLICANT_KINDS,
  RetractionReason: RETRACTION_REASONS,
  ReviewDecision: REVIEW_DECISIONS,
  FindingKind: FINDING_KINDS,
  DeliveryOutcomeKind: DELIVERY_OUTCOME_KINDS,
  AlertKind: ALERT_KINDS,
  AlertSeverity: ALERT_SEVERITIES,
});
