/**
 * 公民身份号码 (resident identity number), GB 11643-1999: a six-digit address code, the
 * birth date `YYYYMMDD`, a three-digit sequence and a check character over the first 17.
 * The check character and a real birth date make a random 18-digit number (an order
 * number, a serial) a miss, not a hit.
 */
import type { DetectorFinding } from './finding';
import { foldWidth } from './text-folding';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/** First two digits of address codes in use: provinces, and 71/81/82/83 for Taiwan, Hong Kong, Macao residents. */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** 18 characters standing alone: no digit (or a trailing X) glued on either side. */
const CANDIDATE = /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9Xx])/g;

/** The check character GB 11643 gives the first 17 digits: Σ digit × weight mod 11 → `10X98765432`. */
export function residentIdentityCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new RangeError('the check character is computed over 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] as number);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/** Whether `YYYYMMDD` is a real date in 1900–2099. */
function isBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether an 18-character string is a resident identity number: known province, real birth date, right check character. */
export function isResidentIdentityNumber(value: string): boolean {
  const folded = foldWidth(value).toUpperCase();
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(folded)) return false;
  if (!PROVINCE_CODES.has(folded.slice(0, 2))) return false;
  if (!isBirthDate(folded.slice(6, 14))) return false;
  return residentIdentityCheckCharacter(folded.slice(0, 17)) === folded.charAt(17);
}

/** `370102********1234`: the address code and the last four stay, the birth date and sequence go. */
export function maskResidentIdentityNumber(value: string): string {
  const folded = foldWidth(value).toUpperCase();
  return `${folded.slice(0, 6)}${'*'.repeat(folded.length - 10)}${folded.slice(-4)}`;
}

/** Every resident identity number in a text. */
export function detectResidentIdentityNumbers(text: string): DetectorFinding[] {
  return findResidentIdentityNumbers(foldWidth(text));
}

/** The same over text already folded with `foldWidth`. */
export function findResidentIdentityNumbers(folded: string): DetectorFinding[] {
  const findings: DetectorFinding[] = [];
  for (const match of folded.matchAll(CANDIDATE)) {
    const value = match[0];
    if (!isResidentIdentityNumber(value)) continue;
    findings.push({
      rule: 'resident-identity-number',
      start: match.index,
      end: match.index + value.length,
      excerpt: maskResidentIdentityNumber(value),
    });
  }
  return findings;
}
