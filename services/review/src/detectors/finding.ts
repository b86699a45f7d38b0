/** What a detector reports, and the rules it reports under. */

/** The detectors' rules; `classification-marker` and `word-list` are not personal data. */
export const DETECTOR_RULES = [
  'classification-marker',
  'resident-identity-number',
  'mobile-number',
  'bank-card-number',
  'email-address',
  'word-list',
] as const;
/** One of the review gate's rules. */
export type DetectorRule = (typeof DETECTOR_RULES)[number];

/** The rules that find personal data (个人信息): their excerpts are masked, and "approve with masking" masks them. */
export const PERSONAL_DATA_RULES = ['resident-identity-number', 'mobile-number', 'bank-card-number', 'email-address'] as const;
/** A rule that finds personal data. */
export type PersonalDataRule = (typeof PERSONAL_DATA_RULES)[number];

/** Whether a rule finds personal data. */
export function isPersonalDataRule(rule: string): rule is PersonalDataRule {
  return (PERSONAL_DATA_RULES as readonly string[]).includes(rule);
}

/**
 * One hit in a text. Offsets are UTF-16 code-unit indices into the text as given (what
 * `String.prototype.slice` takes), `end` exclusive. `excerpt` is safe to show and to log: the
 * masked value for personal data, the marker or word itself otherwise — never the clear value.
 */
export interface DetectorFinding {
  readonly rule: DetectorRule;
  readonly start: number;
  readonly end: number;
  readonly excerpt: string;
  /** For `word-list`: which list matched, `global` or the issuing body's credit code. */
  readonly list?: string;
}
