import { Type } from 'avsc';
import { avscStringWriter, installAvroStringWriter } from './avro-string-writer';
import { avroBytes } from './event-envelope';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tap } = require('avsc/lib/utils') as { Tap: new (buf: Buffer, pos?: number) => { buf: Buffer; pos: number; writeString(s: string): void } };

/** What avsc's own writer makes of `s`, on a buffer large enough. */
function avscBytes(s: string): Buffer {
  const tap = new Tap(Buffer.alloc(s.length * 3 + 16));
  avscStringWriter.call(tap as never, s);
  return tap.buf.subarray(0, tap.pos);
}

const stringType = Type.forSchema('string');
const recordType = Type.forSchema({
  type: 'record',
  name: 'R',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'b', type: 'string' },
  ],
});

/** A string of `length` characters drawn from `alphabet` (whole code points). */
function randomText(alphabet: readonly string[], length: number): string {
  let s = '';
  while (s.length < length) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const CJK = [...'政府信息公开年度报告依申请办理答复期限条例第二十条'];
const MIXED = [...ASCII, ...CJK, 'é', 'ß', '€', '😀', '𠮷', '\n'];

describe('the Avro string writer', () => {
  beforeAll(() => installAvroStringWriter());

  it('is the one avsc types write with', () => {
    expect(new Tap(Buffer.alloc(8)).writeString).not.toBe(avscStringWriter);
  });

  it('writes the same bytes as avsc for every kind and length of well-formed text', () => {
    const lengths = [0, 1, 2, 20, 23, 24, 25, 40, 63, 64, 65, 100, 2730, 2731, 2800, 8191, 8192, 9000, 350_000, 360_000];
    for (const alphabet of [ASCII, CJK, MIXED]) {
      for (const length of lengths) {
        const s = randomText(alphabet, length);
        const bytes = stringType.toBuffer(s);
        expect(bytes.equals(avscBytes(s))).toBe(true);
        expect(stringType.fromBuffer(bytes)).toBe(s);
      }
    }
  });

  it('keeps the fields around a string in place, whatever its length prefix', () => {
    for (const a of ['', 'x', '公开'.repeat(30), '公'.repeat(3000), 'a'.repeat(70)]) {
      const value = { a, n: -12345, b: '依申请公开' };
      const bytes = recordType.toBuffer(value);
      expect(recordType.fromBuffer(bytes)).toEqual(value);
      expect(bytes.equals(Buffer.concat([avscBytes(a), Buffer.from([0xf1, 0xc0, 0x01]), avscBytes(value.b)]))).toBe(true);
    }
  });

  it('asks for a larger buffer, as avsc does, when the text may not fit', () => {
    const s = '公'.repeat(100);
    const small = Buffer.alloc(64);
    expect(stringType.encode(s, small, 0)).toBeLessThan(0);
    // avroBytes grows its scratch buffer from that answer and gets the whole value.
    expect(stringType.fromBuffer(avroBytes(stringType, s.repeat(500)))).toBe(s.repeat(500));
  });

  it('writes a lone surrogate as U+FFFD, which is UTF-8, where avsc wrote its code point', () => {
    for (const s of ['a\ud800b', '\udc00', `${'x'.repeat(30)}\ud83d`]) {
      const decoded = stringType.fromBuffer(stringType.toBuffer(s));
      expect(decoded).toBe(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
    }
  });
});
