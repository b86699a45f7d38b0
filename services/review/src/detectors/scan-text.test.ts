import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_CREDIT_CODE } from '@gongkai/contracts/dist/testing/sample-events';
import { findClassificationMarkers } from './classification-marker';
import type { DetectorFinding } from './finding';
import { PERSONAL_DATA_DETECTORS, scanText, type ScanOptions } from './scan-text';
import { foldWidth } from './text-folding';
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

/** The rules each over the whole folded text, as the gate ran them before `candidateSpans`: what the spans must reproduce exactly. */
function wholeTextScan(text: string, options: ScanOptions = {}): DetectorFinding[] {
  const folded = foldWidth(text);
  return [
    ...findClassificationMarkers(folded, text),
    ...PERSONAL_DATA_DETECTORS.flatMap((d) => d.find(folded)),
    ...(options.wordLists ? options.wordLists.find(folded, text, options.issuingBody) : []),
  ].sort((a, b) => a.start - b.start);
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that make and break the rules: values, near misses, separators, full-width forms, marker words, line breaks.
const PIECES = [
  '370102200002291234', '370102200002291235', '37010220000229123', '37010220010101104X', '37010220010101104x', '３７０１０２２００００２２９１２３４',
  '6222021234567890128', '6222 0212 3456 7890 128', '6222-0212-3456-7890', '4380881234567894', '0000000000000000', '110101199003070054',
  '13812345678', '138-1234-5678', '138 1234 5678', '+86 ', '0086-', '(+86)', '（＋86）', '86', '１３８１２３４５６７８', '0635-8888888',
  'zhangsan@example.cn', 'li.si+gk@mail.lc.gov.cn', 'ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ', '@', '＠', 'user', '.cn', '_', '%',
  '机密★1年', '秘密＊6个月', '绝密★启用前', '密级：', '密 级', '机密', '秘密', '工作秘密', '内部', '内部资料', '内部使用', '注意保管', '敏感', '商业秘密', '内部控制',
  '【', '】', '（', '）', '〔', '〕', '[', ']', '(', ')', '★', '、', '，', '：', '.pdf', '\n', '\r', '\r\n', '\u2028', ' ', '\u3000', '\t', '-', '－', '+', '＋',
  '0', '1', '5', '9', '０', '９', 'X', 'x', 'Ｘ', 'a', 'Z', '的', '关于', '聊城市', '年', '个月', '东湖一号', 'Project Nine', 'ＰＲＯＪＥＣＴ nine',
];

describe('scanning through candidate spans', () => {
  const wordLists = new WordLists({ global: ['涉密', 'Project Nine'], byIssuingBody: { [SAMPLE_CREDIT_CODE]: ['东湖一号', '东湖'] } });

  it('finds exactly what each rule finds over the whole text, on 20,000 generated texts', () => {
    const next = random(20251128);
    for (let n = 0; n < 20_000; n++) {
      const parts: string[] = [];
      const count = Math.floor(next() * 24);
      for (let i = 0; i < count; i++) parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
      const text = parts.join('');
      const options = n % 3 === 0 ? { wordLists, issuingBody: n % 2 === 0 ? SAMPLE_CREDIT_CODE : null } : {};
      const expected = wholeTextScan(text, options);
      const actual = scanText(text, options);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ text, actual }).toEqual({ text, actual: expected });
    }
  });

  it('finds exactly what the whole-text rules find in the work plan with values dropped in', () => {
    const plan = readFileSync(join(__dirname, 'liaocheng-2025-work-plan.txt'), 'utf8');
    const next = random(7);
    for (let n = 0; n < 200; n++) {
      let text = plan;
      for (let i = 0; i < 6; i++) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)]! + text.slice(at);
      }
      expect(scanText(text)).toEqual(wholeTextScan(text));
    }
  });

  it.each([
    // …1235 would pass Luhn and be a bank card: that rule has its own test.
    ['a wrong check digit', '身份证 370102200002291236 。'],
    ['17 digits', '身份证 37010220000229123 。'],
    ['an identity number inside a longer number', '流水号 9370102200002291234 。'],
    ['an identity number continued in full-width digits', '流水号 370102200002291234０ 。'],
    ['a mobile number inside a longer number', '账号 6213812345678901 。'],
    ['a mobile number after a digit and a full-width hyphen', '编号 2－138-1234-5678 。'],
    ['a bank card failing Luhn', '卡号 6222021234567890127 。'],
    ['a bank card inside a longer number', '卡号 96222021234567890128 。'],
    ['an address with no dot in the domain', '邮箱 user@localhost 。'],
  ])('finds nothing in %s', (_, text) => {
    expect(scanText(text)).toEqual([]);
    expect(wholeTextScan(text)).toEqual([]);
  });

  it('finds values written in full width and next to Chinese text at their offsets', () => {
    const text = '身份证３７０１０２２００００２２９１２３４，电话（＋86）13812345678，邮箱ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ';
    expect(scanText(text)).toEqual([
      { rule: 'resident-identity-number', start: 3, end: 21, excerpt: '370102********1234' },
      { rule: 'mobile-number', start: 24, end: 40, excerpt: '138****5678' },
      { rule: 'email-address', start: 43, end: 58, excerpt: 'w***@example.cn' },
    ]);
  });
});
