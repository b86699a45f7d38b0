import { findBankCardNumbers, maskBankCardNumberInPlace } from './bank-card-number';
import { candidateSpans, type CandidateSpans } from './candidate-spans';
import { findClassificationMarkersInLines } from './classification-marker';
import { findEmailAddresses, maskEmailAddress } from './email-address';
import type { DetectorFinding, PersonalDataRule } from './finding';
import { findMobileNumbers, maskMobileNumberInPlace, mobileNumberDigits } from './mobile-number';
import { findResidentIdentityNumbers, maskResidentIdentityNumber } from './resident-identity-number';
import { digitsOf, foldWidth } from './text-folding';
import type { WordLists } from './word-list';

/** What masking needs of a personal-data rule besides finding it. */
export interface PersonalDataDetector {
  readonly rule: PersonalDataRule;
  /** Finds the rule's values in text already folded with `foldWidth` (same offsets as the text). */
  readonly find: (folded: string) => DetectorFinding[];
  /** The spans of a text (see `candidateSpans`) that hold every value `find` can find. */
  readonly spans: keyof Pick<CandidateSpans, 'numbers' | 'emails'>;
  /** The value however it was written (`+86 138-1234-5678` and `13812345678` are one number). */
  readonly canonical: (raw: string) => string;
  /** The raw text with the personal part masked, for the published copy. */
  readonly maskInPlace: (raw: string) => string;
}

/** The personal-data rules in the order findings are reported when they touch the same text. */
export const PERSONAL_DATA_DETECTORS: readonly PersonalDataDetector[] = Object.freeze([
  {
    rule: 'resident-identity-number',
    find: findResidentIdentityNumbers,
    spans: 'numbers',
    canonical: (raw: string) => foldWidth(raw).toUpperCase(),
    // Same length as the number, so nothing else in the text moves.
    maskInPlace: maskResidentIdentityNumber,
  },
  {
    rule: 'bank-card-number',
    find: findBankCardNumbers,
    spans: 'numbers',
    canonical: (raw: string) => digitsOf(foldWidth(raw)),
    maskInPlace: maskBankCardNumberInPlace,
  },
  {
    rule: 'mobile-number',
    find: findMobileNumbers,
    spans: 'numbers',
    canonical: mobileNumberDigits,
    maskInPlace: maskMobileNumberInPlace,
  },
  {
    rule: 'email-address',
    find: findEmailAddresses,
    spans: 'emails',
    canonical: (raw: string) => foldWidth(raw).toLowerCase(),
    maskInPlace: maskEmailAddress,
  },
] satisfies PersonalDataDetector[]);

/** Every personal-data finding in a text, by position. */
export function detectPersonalData(text: string): DetectorFinding[] {
  const spans = candidateSpans(text);
  return PERSONAL_DATA_DETECTORS.flatMap((d) => findPersonalData(d, text, spans)).sort((a, b) => a.start - b.start);
}

/** What to scan a text with besides the built-in rules. */
export interface ScanOptions {
  readonly wordLists?: WordLists;
  /** Credit code of the body the text is from, for its own word list. */
  readonly issuingBody?: string | null;
}

/**
 * Every finding of every rule in a text, by position. One pass finds the few stretches where
 * a rule can match (see `candidateSpans`); the rules run over those alone, and find there
 * exactly what they would find over the whole text.
 */
export function scanText(text: string, options: ScanOptions = {}): DetectorFinding[] {
  const spans = candidateSpans(text);
  const findings = findClassificationMarkersInLines(text, spans.markerLines);
  for (const detector of PERSONAL_DATA_DETECTORS) findings.push(...findPersonalData(detector, text, spans));
  // Words are whatever an office lists, so no span bounds them: that rule reads the whole text.
  if (options.wordLists?.hasWords(options.issuingBody)) findings.push(...options.wordLists.find(foldWidth(text), text, options.issuingBody));
  // Stable: where two rules start at one place, markers come first, then the personal-data rules in their order, then words.
  return findings.sort((a, b) => a.start - b.start);
}

/**
 * What `detector.find` finds in `foldWidth(text)`, found in the detector's spans of the text
 * alone (`spans` is `candidateSpans(text)`); offsets are into `text`.
 */
export function findPersonalData(detector: PersonalDataDetector, text: string, spans: CandidateSpans): DetectorFinding[] {
  const found: DetectorFinding[] = [];
  const bounds = spans[detector.spans];
  for (let k = 0; k < bounds.length; k += 2) {
    const start = bounds[k]!;
    for (const finding of detector.find(foldWidth(text.slice(start, bounds[k + 1])))) found.push({ ...finding, start: finding.start + start, end: finding.end + start });
  }
  return found;
}
