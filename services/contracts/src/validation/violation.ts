/**
 * How a broken rule is reported: the field as the caller sent it, a stable rule name, and a
 * sentence for a person. The gateway turns these into `google.rpc.BadRequest` field
 * violations with {@link toFieldViolations}; nothing downstream parses the description.
 */

/** Names of the rules; stable, so callers and dashboards may count them. */
export const VALIDATION_RULES = Object.freeze([
  'required',
  'schema',
  'enum-unspecified',
  'positive-integer',
  'control-character',
  'lone-surrogate',
  'invalid-utf8',
  'credit-code-format',
  'credit-code-check-character',
  'document-number-format',
  'index-number-format',
  'index-number-issuing-body',
  'date-format',
  'timestamp-invalid',
  'formed-not-after-published',
  'validity-end-date',
  'validity-dates-order',
  'region-code-format',
  'title-length',
  'body-size',
  'attachment-count',
  'attachment-hash',
  'attachment-size',
  'attachment-media-type',
  'supersedes-self',
  'policy-self-reference',
  'supervising-department-required',
  'money-non-negative',
  'award-details-required',
  'request-step-order',
  'request-sequence',
  'request-dates-order',
  'reply-outcome',
] as const);

/** A rule of the hub's input. */
export type ValidationRule = (typeof VALIDATION_RULES)[number];

/** One broken rule. */
export interface Violation {
  /** Path of the field in the caller's terms, e.g. `document.issuingBody.creditCode` or `document.attachments[2].sha256`. */
  readonly field: string;
  readonly rule: ValidationRule;
  /** What is wrong, for a person; never echoes personal data. */
  readonly description: string;
}

/** The shape of `google.rpc.BadRequest.FieldViolation` (`reason` in UPPER_SNAKE_CASE, as the API guide asks). */
export interface FieldViolation {
  field: string;
  description: string;
  reason: string;
}

/** Turns violations into gRPC field violations, e.g. rule `credit-code-check-character` → reason `CREDIT_CODE_CHECK_CHARACTER`. */
export function toFieldViolations(violations: readonly Violation[]): FieldViolation[] {
  return violations.map((v) => ({
    field: v.field,
    description: v.description,
    reason: v.rule.toUpperCase().replace(/-/g, '_'),
  }));
}
