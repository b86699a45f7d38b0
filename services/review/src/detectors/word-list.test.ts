import { SAMPLE_CREDIT_CODE } from '@gongkai/contracts/dist/testing/sample-events';
import { InvalidConfigError } from '../errors';
import { WordLists } from './word-list';

describe('word lists', () => {
  const lists = new WordLists({
    global: ['涉密', 'Project Nine'],
    byIssuingBody: { [SAMPLE_CREDIT_CODE]: ['东湖一号', '东湖'] },
  });

  it('finds global words for any body, ignoring case and full width', () => {
    expect(lists.detect('该材料涉密,见ＰＲＯＪＥＣＴ nine.', null)).toEqual([
      { rule: 'word-list', start: 3, end: 5, excerpt: '涉密', list: 'global' },
      { rule: 'word-list', start: 7, end: 19, excerpt: 'ＰＲＯＪＥＣＴ nine', list: 'global' },
    ]);
  });

  it("adds an issuing body's own words only for that body, the longest word winning", () => {
    expect(lists.detect('东湖一号地块', SAMPLE_CREDIT_CODE)).toEqual([
      { rule: 'word-list', start: 0, end: 4, excerpt: '东湖一号', list: SAMPLE_CREDIT_CODE },
    ]);
    expect(lists.detect('东湖一号地块', '11371500MB2850613C')).toEqual([]);
  });

  it('treats words as text, not patterns', () => {
    expect(new WordLists({ global: ['a.b'] }).detect('axb a.b')).toEqual([{ rule: 'word-list', start: 4, end: 7, excerpt: 'a.b', list: 'global' }]);
  });

  it('rejects a bad credit code or an empty word', () => {
    expect(() => new WordLists({ byIssuingBody: { '11371500004310437X': ['词'] } })).toThrow(InvalidConfigError);
    expect(() => new WordLists({ global: ['ok', ' '] })).toThrow(/global\[1\]: must be a non-empty word/);
  });
});
