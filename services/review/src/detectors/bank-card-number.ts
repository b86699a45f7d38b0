/**
 * Bank card numbers: 16 to 19 digits passing the Luhn check (ISO/IEC 7812), solid or in
 * groups of four (`6222 0212 3456 7890 123`). A run that is part of a longer run of digits is
 * not a card, and neither is a resident identity number (it has its own rule and check).
 */
import type { DetectorFinding } from './finding';
import { isResidentIdentityNumber } from './resident-identity-number';
import { digitsOf, foldWidth, maskDigitRange } from './text-folding';

/** Solid runs stand apart from other digits; grouped runs must not continue a grouped run either. */
const CANDIDATE =
  /(?<![0-9])[1-9][0-9]{15,18}(?![0-9])|(?<![0-9]|[0-9][ -])[1-9][0-9]{3}([ -])[0-9]{4}(?:\1[0-9]{4}){2}(?:\1[0-9]{1,3})?(?![0-9]|[ -][0-9])/g;

/** Whether a string of digits passes the Luhn check. */
export function passesLuhn(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits.charAt(digits.length - 1 - i));
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a value (digits, maybe grouped) is a bank card number by this rule. */
export function isBankCardNumber(raw: string): boolean {
  const digits = digitsOf(foldWidth(raw));
  return digits.length >= 16 && digits.length <= 19 && passesLuhn(digits) && !isResidentIdentityNumber(digits);
}

/** The first six (the issuer) and last four digits stay: `622202*********0123`. */
export function maskBankCardNumber(raw: string): string {
  const digits = digitsOf(foldWidth(raw));
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

/** The card as written, masked the same way with its grouping kept. */
export function maskBankCardNumberInPlace(raw: string): string {
  const count = digitsOf(foldWidth(raw)).length;
  return maskDigitRange(raw, 6, count - 4);
}

/** Every bank card number in a text. */
export function detectBankCardNumbers(text: string): DetectorFinding[] {
  return findBankCardNumbers(foldWidth(text));
}

/** The same over text already folded with `foldWidth`. */
export function findBankCardNumbers(folded: string): DetectorFinding[] {
  const findings: DetectorFinding[] = [];
  for (const match of folded.matchAll(CANDIDATE)) {
    if (!isBankCardNumber(match[0])) continue;
    findings.push({
      rule: 'bank-card-number',
      start: match.index,
      end: match.index + match[0].length,
      excerpt: maskBankCardNumber(match[0]),
    });
  }
  return findings;
}
