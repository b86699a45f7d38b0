/**
 * Mainland mobile numbers: `1[3-9]` and nine more digits, optionally after `+86`, `0086`,
 * `86` or `(+86)`, written solid or grouped 3-4-4 with one kind of separator
 * (`138-1234-5678`, `138 1234 5678`). Eleven digits inside a longer run of digits are not a
 * mobile number (an account, an identity number).
 */
import type { DetectorFinding } from './finding';
import { digitsOf, foldWidth, maskDigitRange } from './text-folding';

const PREFIX = String.raw`(?:(?:\+|00)?86[ -]?|\(\+?86\)[ -]?)`;
/**
 * Solid eleven digits need only stand apart from other digits. A grouped number must not
 * continue a grouped run either (`6222 138 1234 5678` is something else); one separator
 * between it and other digits is allowed for the solid form (`0635-8888888 13812345678`).
 */
const CANDIDATE = new RegExp(
  String.raw`(?<![0-9])${PREFIX}?1[3-9][0-9]{9}(?![0-9])` +
    String.raw`|(?<![0-9]|[0-9][ -])${PREFIX}?1[3-9][0-9]([ -])[0-9]{4}\1[0-9]{4}(?![0-9]|[ -][0-9])`,
  'g',
);

/** The eleven digits of a mobile number, without prefix or separators. */
export function mobileNumberDigits(raw: string): string {
  const digits = digitsOf(foldWidth(raw));
  return digits.length > 11 ? digits.slice(-11) : digits;
}

/** `138****1234`. */
export function maskMobileNumber(raw: string): string {
  const digits = mobileNumberDigits(raw);
  return `${digits.slice(0, 3)}****${digits.slice(7)}`;
}

/** The number as written, with the middle four of its eleven digits masked and separators kept: `+86 138-****-5678`. */
export function maskMobileNumberInPlace(raw: string): string {
  const prefixDigits = digitsOf(foldWidth(raw)).length - 11;
  return maskDigitRange(raw, prefixDigits + 3, prefixDigits + 7);
}

/** Every mainland mobile number in a text; a finding spans the prefix too, when there is one. */
export function detectMobileNumbers(text: string): DetectorFinding[] {
  return findMobileNumbers(foldWidth(text));
}

/** The same over text already folded with `foldWidth`. */
export function findMobileNumbers(folded: string): DetectorFinding[] {
  const findings: DetectorFinding[] = [];
  for (const match of folded.matchAll(CANDIDATE)) {
    findings.push({
      rule: 'mobile-number',
      start: match.index,
      end: match.index + match[0].length,
      excerpt: maskMobileNumber(match[0]),
    });
  }
  return findings;
}
