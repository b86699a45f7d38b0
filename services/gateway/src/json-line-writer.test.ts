import { JsonLineWriter, type JsonLineValue } from './json-line-writer';

const written = (w: JsonLineWriter): string => w.bytes.toString('utf8', 0, w.length);

describe('JsonLineWriter', () => {
  const strings = [
    '',
    'docs-system',
    'a'.repeat(47),
    'a'.repeat(48),
    'b'.repeat(5000),
    '关于做好2025年政务公开工作的通知',
    `${'x'.repeat(60)}中文`,
    'say "hi"',
    `${'q'.repeat(50)}"`,
    'back\\slash',
    'tab\there, line\nfeed, cr\r, nul\u0000, unit\u001f, del\u007f',
    `${'c'.repeat(50)}\u0001`,
    'lone \ud800 high',
    `${'s'.repeat(50)}\udfff`,
    'pair 😀 emoji',
    `${'e'.repeat(49)}😀`,
    'é',
    '\u2028\u2029',
    '\ufffd',
  ];
  const numbers = [0, 1, 9, 10, 99, 100, 99_999_999, 100_000_000, 100_000_001, 1_000_000_007, 1_733_300_000_000, 1_700_000_000_000, Number.MAX_SAFE_INTEGER, -1, -1_733_300_000_000, 1.5, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, -0];

  it('writes each string, number and null exactly as JSON.stringify does', () => {
    const w = new JsonLineWriter(16);
    for (const value of [...strings, ...numbers, null] as JsonLineValue[]) {
      w.reset();
      const bytes = w.line(value);
      expect(written(w)).toBe(`${JSON.stringify(value)}\n`);
      expect(bytes).toBe(Buffer.byteLength(`${JSON.stringify(value)}\n`));
    }
  });

  it('writes lines of the accepted log, nested arrays and all, one after another', () => {
    const w = new JsonLineWriter(8); // grows many times
    const lines: JsonLineValue[] = [];
    for (let i = 0; i < 300; i++) {
      const s = strings[i % strings.length]!;
      lines.push(['docs-system', `evt-${i}`, 'ab'.repeat(32), 'document.published', s, 'gongkai.disclosure.v1', i % 6, String(1000 + i), 1_733_300_000_000 + i, [i, 'document.published', `evt-${i}`, 'docs-system', 1, 2, i % 2, null, s]]);
      lines.push([null, null, null, 'request.status_changed', s, null, null, null, i, [s, numbers[i % numbers.length]!]]);
    }
    let total = 0;
    for (const line of lines) total += w.line(line);
    const expected = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    expect(written(w)).toBe(expected);
    expect(total).toBe(Buffer.byteLength(expected));
    expect(written(w).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(JSON.parse(`[${expected.trimEnd().split('\n').join(',')}]`));
  });

  it('starts again from the beginning after reset, keeping its buffer', () => {
    const w = new JsonLineWriter(4);
    w.line(['a'.repeat(100)]);
    const buffer = w.bytes;
    w.reset();
    w.line(['b']);
    expect(w.bytes).toBe(buffer);
    expect(written(w)).toBe('["b"]\n');
  });
});
