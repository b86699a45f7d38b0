import { findBankCardNumbers, maskBankCardNumberInPlace } from './bank-card-number';
import { findClassificationMarkers } from './classification-marker';
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
    canonical: (raw: string) => foldWidth(raw).toUpperCase(),
    // Same length as the number, so nothing else in the text moves.
    maskInPlace: maskResidentIdentityNumber,
  },
  {
    rule: 'bank-card-number',
    find: findBankCardNumbers,
    canonical: (raw: string) => digitsOf(foldWidth(raw)),
    maskInPlace: maskBankCardNumberInPlace,
  },
  {
    rule: 'mobile-number',
    find: findMobileNumbers,
    canonical: mobileNumberDigits,
    maskInPlace: maskMobileNumberInPlace,
  },
  {
    rule: 'email-address',
    find: findEmailAddresses,
    canonical: (raw: string) => foldWidth(raw).toLowerCase(),
    maskInPlace: maskEmailAddress,
  },
] satisfies PersonalDataDetector[]);

/** Every personal-data finding in a text, by position. */
export function detectPersonalData(text: string): DetectorFinding[] {
  const folded = foldWidth(text);
  return PERSONAL_DATA_DETECTORS.flatMap((d) => d.find(folded)).sort((a, b) => a.start - b.start);
}

/** What to scan a text with besides the built-in rules. */
export interface ScanOptions {
  readonly wordLists?: WordLists;
  /** Credit code of the body the text is from, for its own word list. */
  readonly issuingBody?: string | null;
}

/** Every finding of every rule in a text, by position. */
export function scanText(text: string, options: ScanOptions = {}): DetectorFinding[] {
  // Folded once for every rule: folding a 30 KB document costs as much as a detector.
  const folded = foldWidth(text);
  return [
    ...findClassificationMarkers(folded, text),
    ...PERSONAL_DATA_DETECTORS.flatMap((d) => d.find(folded)),
    ...(options.wordLists ? options.wordLists.find(folded, text, options.issuingBody) : []),
  ].sort((a, b) => a.start - b.start);
}
