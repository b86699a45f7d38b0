import { randomBytes } from 'node:crypto';
import { encodeEvent, decodeEvent } from './event-envelope';
import { withFastUtf8 } from './fast-utf8';
import { sampleEvents } from './testing/sample-events';

const native = (bytes: Buffer, start: number, end: number): string => bytes.toString('utf8', start, end);
/** What avsc and protobufjs call. */
const fastView = (bytes: Buffer) => withFastUtf8(bytes) as Buffer & { utf8Slice(start: number, end: number): string };

describe('withFastUtf8', () => {
  const texts = [
    '聊城市人民政府办公室关于印发2025年政务公开工作要点的通知。'.repeat(40),
    'plain ASCII text, long enough to take the fast road if it were not ASCII. '.repeat(20),
    '混合 mixed 文本 with 😀 emoji 𠀀 and ﻿ BOM '.repeat(30),
    '\uFEFF开头是字节顺序标记'.repeat(60),
  ];

  it('reads every text exactly as Node does, at every length around the threshold', () => {
    for (const text of texts) {
      const bytes = Buffer.from(text);
      const fast = fastView(bytes);
      for (const end of [0, 1, 100, 511, 512, 513, 1024, bytes.length]) {
        expect(fast.utf8Slice(0, Math.min(end, bytes.length))).toBe(native(bytes, 0, Math.min(end, bytes.length)));
      }
      expect(fast.utf8Slice(7, bytes.length - 5)).toBe(native(bytes, 7, bytes.length - 5));
    }
  });

  it('reads bytes that are not UTF-8 as Node does (U+FFFD in their place), cut characters included', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.concat([Buffer.from(texts[0]!), randomBytes(1 + (i % 40)), Buffer.from(texts[2]!)]);
      const start = i % 3;
      expect(fastView(bytes).utf8Slice(start, bytes.length - (i % 5))).toBe(native(bytes, start, bytes.length - (i % 5)));
    }
  });

  it('is a view, not a copy, and a Buffer to those that ask', () => {
    const bytes = Buffer.from(texts[0]!);
    const fast = withFastUtf8(bytes.subarray(3));
    expect(Buffer.isBuffer(fast)).toBe(true);
    bytes[3] = 0x41;
    expect(fast[0]).toBe(0x41);
    expect(fast.length).toBe(bytes.length - 3);
  });

  it('decodes events read from Kafka to the same data', () => {
    const document = sampleEvents()['document.published'];
    const data = { ...document, body: `${document.body}\n${texts.join('\n')}` };
    const encoded = encodeEvent({ type: 'document.published', source: '/test', data });
    expect(decodeEvent({ key: encoded.key, value: encoded.value, headers: encoded.headers }).data).toEqual(data);
  });
});
