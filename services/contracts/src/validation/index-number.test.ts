import { indexNumberBodyCode, parseIndexNumber } from './index-number';

describe('index number (索引号)', () => {
  it('reads an index number with a credit code or a shorter body code', () => {
    expect(parseIndexNumber('11371500004310437T/2025-00012')).toEqual({ bodyCode: '11371500004310437T', year: 2025, serial: 12 });
    expect(parseIndexNumber('00431043-7/2024-00001')).toEqual({ bodyCode: '00431043-7', year: 2024, serial: 1 });
    expect(indexNumberBodyCode('11371500004310437T/2025-00012')).toBe('11371500004310437T');
    expect(indexNumberBodyCode('00431043-7/2024-00001')).toBe('00431043-7');
    expect(indexNumberBodyCode('A/2024-10000')).toBe('A');
  });

  it.each([
    ['11371500004310437T/2025-0012', 'four-digit serial'],
    ['11371500004310437T/2025-000012', 'six-digit serial'],
    ['11371500004310437T/25-00012', 'two-digit year'],
    ['11371500004310437T-2025-00012', 'no slash'],
    ['11371500004310437T/2025-00000', 'serial zero'],
    ['/2025-00012', 'no body code'],
    ['11371500004310437t/2025-00012', 'lower-case code'],
  ])('refuses %s (%s)', (text) => {
    expect(parseIndexNumber(text)).toBeUndefined();
    expect(indexNumberBodyCode(text)).toBeUndefined();
  });
});
