/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a
 * 31-character set (digits and capitals without I, O, S, V, Z), of which the 3rd to 8th are
 * the registering region's division code and the 18th a check character over the first 17.
 */

/** The code's character set; a character's value is its index here. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of positions 1–17: 3^(i-1) mod 31. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

const FORMAT = new RegExp(`^[${CREDIT_CODE_CHARSET}]{2}\\d{6}[${CREDIT_CODE_CHARSET}]{10}$`);

/** What is wrong with a credit code, if anything. */
export type CreditCodeProblem =
  | { readonly kind: 'format'; readonly reason: string }
  | { readonly kind: 'check-character'; readonly expected: string; readonly actual: string };

/**
 * The check character for the first 17 characters of a code: 31 − (Σ value × weight mod 31),
 * where 31 becomes 0.
 * @throws RangeError when the input is not 17 characters of the code's set.
 */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('a credit code without its check character has 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`"${first17.charAt(i)}" is not a credit code character`);
    sum += value * (WEIGHTS[i] as number);
  }
  return CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Checks a credit code; undefined when it is valid. */
export function findCreditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== 18) return { kind: 'format', reason: `has ${code.length} characters, not 18` };
  if (!FORMAT.test(code)) {
    return {
      kind: 'format',
      reason: 'uses characters outside 0-9 and A-Y without I, O, S, V, Z, or has no six-digit region code in places 3 to 8',
    };
  }
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  const actual = code.charAt(17);
  return expected === actual ? undefined : { kind: 'check-character', expected, actual };
}

/** Whether a string is a unified social credit code with a correct check character. */
export function isValidCreditCode(code: string): boolean {
  return findCreditCodeProblem(code) === undefined;
}
