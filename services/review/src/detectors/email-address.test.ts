import { detectEmailAddresses } from './email-address';

describe('e-mail addresses', () => {
  it('finds an address in Chinese text and keeps only the first character and the domain', () => {
    expect(detectEmailAddresses('请发送至zhangsan@example.cn,谢谢')).toEqual([
      { rule: 'email-address', start: 4, end: 23, excerpt: 'z***@example.cn' },
    ]);
  });

  it('finds addresses with dots, plus signs, subdomains and a full-width ＠', () => {
    expect(detectEmailAddresses('li.si+gk@mail.lc.gov.cn').map((f) => f.excerpt)).toEqual(['l***@mail.lc.gov.cn']);
    expect(detectEmailAddresses('邮箱：ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ').map((f) => f.excerpt)).toEqual(['w***@example.cn']);
  });

  it.each([['user@localhost'], ['@example.cn'], ['user@.cn'], ['微博@聊城发布']])('does not flag %s', (text) => {
    expect(detectEmailAddresses(text)).toEqual([]);
  });
});
