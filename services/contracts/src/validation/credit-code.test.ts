import { creditCodeCheckCharacter, findCreditCodeProblem, isValidCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts a published valid code', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('computes check characters, including the 31 → 0 wrap', () => {
    expect(creditCodeCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckCharacter('11371500004310437')).toBe('T');
    // Σ ≡ 0 (mod 31) must give 0, not the 32nd character (there is none).
    expect(creditCodeCheckCharacter('00000000000000000')).toBe('0');
  });

  it('accepts codes made with the check character', () => {
    for (const first17 of ['11371500004310437', '12371500MB2856461', '52371500MJE123456']) {
      const code = first17 + creditCodeCheckCharacter(first17);
      expect(isValidCreditCode(code)).toBe(true);
    }
  });

  it('names the right check character for a near miss', () => {
    expect(findCreditCodeProblem('11371500004310437K')).toEqual({ kind: 'check-character', expected: 'T', actual: 'K' });
    expect(findCreditCodeProblem('91350100M000100Y44')).toEqual({ kind: 'check-character', expected: '3', actual: '4' });
  });

  it('catches a single mistyped character in the body of the code', () => {
    // 9135 0100 M000 100Y 43 with one character changed no longer checks.
    expect(findCreditCodeProblem('91350100M000101Y43')?.kind).toBe('check-character');
    // Two neighbours swapped.
    expect(findCreditCodeProblem('91351000M000100Y43')?.kind).toBe('check-character');
  });

  it('refuses wrong length, lower case and letters the standard leaves out', () => {
    expect(findCreditCodeProblem('91350100M000100Y4')).toMatchObject({ kind: 'format' });
    expect(findCreditCodeProblem('91350100M000100Y433')).toMatchObject({ kind: 'format' });
    expect(findCreditCodeProblem('91350100m000100y43')).toMatchObject({ kind: 'format' });
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      expect(findCreditCodeProblem(`91350100M000100${letter}43`)).toMatchObject({ kind: 'format' });
    }
    // Places 3 to 8 are the region's division code: digits only.
    expect(findCreditCodeProblem('9135A100M000100Y43')).toMatchObject({ kind: 'format' });
  });

  it('refuses to compute a check character for a wrong input', () => {
    expect(() => creditCodeCheckCharacter('1137150000431043')).toThrow(RangeError);
    expect(() => creditCodeCheckCharacter('1137150000431043I')).toThrow(RangeError);
  });
});
