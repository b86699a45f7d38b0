import { isDocumentNumber, parseDocumentNumber } from './document-number';

describe('document number (文号)', () => {
  it('reads standard document numbers', () => {
    expect(parseDocumentNumber('聊政办字〔2025〕12号')).toEqual({ issuerCode: '聊政办字', year: 2025, serial: 12 });
    expect(parseDocumentNumber('聊政发〔2025〕3号')).toEqual({ issuerCode: '聊政发', year: 2025, serial: 3 });
    expect(parseDocumentNumber('鲁政办发〔2024〕105号')).toEqual({ issuerCode: '鲁政办发', year: 2024, serial: 105 });
    for (const text of ['聊政办字〔2025〕12号', '聊政发〔2025〕3号', '鲁政办发〔2024〕105号']) expect(isDocumentNumber(text)).toBe(true);
  });

  it.each([
    ['聊政办字[2025]12号', 'square brackets instead of 〔〕'],
    ['聊政办字（2025）12号', 'round brackets instead of 〔〕'],
    ['聊政办字〔25〕12号', 'a two-digit year'],
    ['聊政办字〔2025〕012号', 'a padded serial (虚位)'],
    ['聊政办字〔2025〕第12号', '第 before the serial'],
    ['聊政办字〔2025〕12', 'no 号'],
    ['〔2025〕12号', 'no issuer code'],
    ['聊政办字〔2025〕0号', 'serial 0'],
    [' 聊政办字〔2025〕12号', 'a leading space'],
  ])('refuses %s (%s)', (text) => {
    expect(parseDocumentNumber(text)).toBeUndefined();
    expect(isDocumentNumber(text)).toBe(false);
  });
});
