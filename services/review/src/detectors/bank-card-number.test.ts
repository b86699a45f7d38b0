import { detectBankCardNumbers, maskBankCardNumberInPlace, passesLuhn } from './bank-card-number';

// Luhn-valid: the last digit is the check digit of the rest.
const CARD_19 = '6222021234567890128';
const CARD_16 = '4380881234567894';

describe('bank card numbers', () => {
  it('checks Luhn', () => {
    expect(passesLuhn(CARD_19)).toBe(true);
    expect(passesLuhn('6222021234567890127')).toBe(false);
  });

  it('finds 16 and 19 digit cards and keeps the first six and last four', () => {
    expect(detectBankCardNumbers(`卡号${CARD_19}。`)).toEqual([{ rule: 'bank-card-number', start: 2, end: 21, excerpt: '622202*********0128' }]);
    expect(detectBankCardNumbers(`卡号：${CARD_16}`).map((f) => f.excerpt)).toEqual(['438088******7894']);
  });

  it('finds cards written in groups of four', () => {
    const written = '6222 0212 3456 7890 128';
    expect(detectBankCardNumbers(`开户账号 ${written} 开户行`)).toEqual([{ rule: 'bank-card-number', start: 5, end: 28, excerpt: '622202*********0128' }]);
    expect(maskBankCardNumberInPlace(written)).toBe('6222 02** **** ***0 128');
  });

  it.each([
    ['a Luhn failure', '6222021234567890127'],
    ['15 digits', '622202123456789'],
    ['20 digits', `${CARD_19}0`],
    ['a card inside a longer digit run', `9${CARD_19}`],
    ['a run starting with 0 (all zeros pass Luhn)', '0000000000000000'],
    ['a grouped run continuing another group', `1234 ${'6222 0212 3456 7890 128'}`],
  ])('does not flag %s', (_, text) => {
    expect(detectBankCardNumbers(`号码 ${text} 。`)).toEqual([]);
  });

  it('leaves a resident identity number that also passes Luhn to its own rule', () => {
    // 18 digits, a valid identity number; shown to pass Luhn so the exclusion is what decides.
    const identity = '110101199003070054';
    expect(passesLuhn(identity)).toBe(true);
    expect(detectBankCardNumbers(identity)).toEqual([]);
  });
});
