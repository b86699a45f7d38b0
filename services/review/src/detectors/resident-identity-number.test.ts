import { detectResidentIdentityNumbers, isResidentIdentityNumber, residentIdentityCheckCharacter } from './resident-identity-number';

// Check characters computed by GB 11643's weights; 2000-02-29 is a real (leap) day.
const VALID = '370102200002291234';
const VALID_X = '37010220010101104X';

describe('resident identity numbers', () => {
  it('computes the GB 11643 check character, X included', () => {
    expect(residentIdentityCheckCharacter('37010220000229123')).toBe('4');
    expect(residentIdentityCheckCharacter('37010220010101104')).toBe('X');
  });

  it('finds a number in running text and masks all but the address code and last four', () => {
    const text = `申请人身份证号码：${VALID}，现住东昌府区。`;
    expect(detectResidentIdentityNumbers(text)).toEqual([
      { rule: 'resident-identity-number', start: 9, end: 27, excerpt: '370102********1234' },
    ]);
  });

  it('finds a number ending in X, either case, and in full-width digits', () => {
    expect(detectResidentIdentityNumbers(`号码${VALID_X.toLowerCase()}`).map((f) => f.excerpt)).toEqual(['370102********104X']);
    const fullWidth = '３７０１０２２００００２２９１２３４';
    const [hit] = detectResidentIdentityNumbers(`身份证${fullWidth}。`);
    expect(hit).toMatchObject({ start: 3, end: 21, excerpt: '370102********1234' });
  });

  it.each([
    ['a wrong check digit', '370102200002291235'],
    ['17 digits', '37010220000229123'],
    ['a birth date that does not exist (1990-02-30) even with a matching check digit', '370102199002301230'],
    ['an address code of no province (99) even with a matching check digit', '990102199003071233'],
    ['a birth year before 1900', '370102189912311236'],
  ])('does not flag %s', (_, value) => {
    expect(isResidentIdentityNumber(value)).toBe(false);
    expect(detectResidentIdentityNumbers(`证件号 ${value} 。`)).toEqual([]);
  });

  it('does not flag 18 digits inside a longer digit run', () => {
    expect(detectResidentIdentityNumbers(`流水号9${VALID}`)).toEqual([]);
    expect(detectResidentIdentityNumbers(`流水号${VALID}0`)).toEqual([]);
    expect(detectResidentIdentityNumbers(`流水号${VALID}X`)).toEqual([]);
  });

  it('finds numbers glued to letters or punctuation, as in a file name', () => {
    expect(detectResidentIdentityNumbers(`scan_${VALID}.pdf`)).toHaveLength(1);
  });
});
