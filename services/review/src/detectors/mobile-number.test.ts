import { detectMobileNumbers, maskMobileNumberInPlace } from './mobile-number';

const excerpts = (text: string) => detectMobileNumbers(text).map((f) => [text.slice(f.start, f.end), f.excerpt]);

describe('mobile numbers', () => {
  it('finds a solid number and masks the middle four digits', () => {
    expect(detectMobileNumbers('联系电话：13812345678。')).toEqual([{ rule: 'mobile-number', start: 5, end: 16, excerpt: '138****5678' }]);
  });

  it.each([
    ['138-1234-5678'],
    ['138 1234 5678'],
    ['+8613812345678'],
    ['+86 138-1234-5678'],
    ['86 13812345678'],
    ['0086-13812345678'],
    ['(+86)13812345678'],
    ['１３８１２３４５６７８'],
  ])('finds %s with its prefix and separators', (written) => {
    expect(excerpts(`电话${written}，`)).toEqual([[written, '138****5678']]);
  });

  it('masks in place, keeping prefix and separators', () => {
    expect(maskMobileNumberInPlace('+86 138-1234-5678')).toBe('+86 138-****-5678');
    expect(maskMobileNumberInPlace('13812345678')).toBe('138****5678');
  });

  it('finds a mobile number after a landline separated by a space', () => {
    expect(excerpts('0635-8888888 13812345678')).toEqual([['13812345678', '138****5678']]);
  });

  it.each([
    ['inside a longer digit run', '账号 6213812345678901'],
    ['preceded by a digit', '213812345678'],
    ['ten digits', '1381234567'],
    ['a second digit outside 3–9', '12812345678'],
    ['mixed separators', '138-1234 5678'],
    ['a grouped run continuing another group', '6222 138 1234 5678'],
    ['a landline', '0635-8241234'],
  ])('does not flag %s', (_, text) => {
    expect(detectMobileNumbers(text)).toEqual([]);
  });
});
