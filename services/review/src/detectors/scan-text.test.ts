import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanText } from './scan-text';
import { WordLists } from './word-list';

describe('scanning a whole text', () => {
  it("finds nothing in the seed document, Liaocheng's 2025 disclosure work plan", () => {
    // It warns against leaking 国家秘密、工作秘密和敏感信息 and mentions 内部 workings: prose, not markings.
    const plan = readFileSync(join(__dirname, 'liaocheng-2025-work-plan.txt'), 'utf8');
    expect(plan).toContain('工作秘密和敏感信息');
    expect(scanText(plan)).toEqual([]);
  });

  it('reports every rule in order of position, with only masked personal data', () => {
    const text = [
      '内部资料 注意保管',
      '经办人：张三,电话 138-1234-5678,身份证 370102200002291234,',
      '退款账户 6222021234567890128,邮箱 zhangsan@example.cn,项目代号东湖一号.',
    ].join('\n');
    const findings = scanText(text, { wordLists: new WordLists({ global: ['东湖一号'] }) });
    expect(findings.map((f) => [f.rule, f.excerpt])).toEqual([
      ['classification-marker', '内部资料 注意保管'],
      ['mobile-number', '138****5678'],
      ['resident-identity-number', '370102********1234'],
      ['bank-card-number', '622202*********0128'],
      ['email-address', 'z***@example.cn'],
      ['word-list', '东湖一号'],
    ]);
    const excerpts = findings.map((f) => f.excerpt).join(' ');
    for (const clear of ['1381234', '20000229', '1234567890', 'zhangsan']) expect(excerpts).not.toContain(clear);
  });
});
