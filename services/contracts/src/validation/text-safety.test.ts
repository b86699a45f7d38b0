import { findUnsafeText } from './text-safety';

describe('text safety', () => {
  it('accepts Chinese text with tabs, newlines and astral characters', () => {
    expect(findUnsafeText('第一段\r\n第二段\t(此件公开发布) 𠮷')).toBeUndefined();
  });

  it('refuses control characters other than tab, LF and CR', () => {
    for (const c of ['\u0000', '\u0007', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085']) {
      expect(findUnsafeText(`标题${c}`)).toBe('control-character');
    }
  });

  it('refuses what invalid UTF-8 decodes to', () => {
    expect(findUnsafeText(Buffer.from([0xe8, 0x81, 0x8a, 0xff, 0x41]).toString('utf8'))).toBe('invalid-utf8');
    expect(findUnsafeText('聊城市')).toBeUndefined();
  });

  it('refuses lone surrogates but not pairs', () => {
    expect(findUnsafeText('𠮷'.charAt(0))).toBe('lone-surrogate');
    expect(findUnsafeText(`a${'𠮷'.charAt(1)}b`)).toBe('lone-surrogate');
    expect(findUnsafeText('\uD842\uDFB7')).toBeUndefined();
  });
});
