/**
 * Faster writing of Avro strings, for every avsc type in the process.
 *
 * avsc's `Tap#writeString` walks each string twice: `Buffer.byteLength` for the length prefix,
 * then the bytes. A short string is written by a loop that runs once per *byte*, not per
 * character, so a Chinese title costs three times its length. This writer reserves the longest
 * length prefix the string could need (three bytes per UTF-16 unit at most), writes the bytes
 * once, and moves them back when the prefix is shorter than reserved. ASCII strings under 24
 * characters are written by a loop, where calling into C++ costs more than the copy.
 *
 * The bytes are the same as avsc's for every well-formed string (tested against avsc's own).
 * A lone surrogate becomes U+FFFD (EF BF BD), as `Buffer.from` writes it; avsc's loop wrote its
 * surrogate code point (ED A0 80…), which is not UTF-8 and which other readers reject. Where the
 * buffer may be too small, avsc's own writer runs, so its way of asking for a larger buffer
 * (the position past the end) is kept.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tap } = require('avsc/lib/utils') as { Tap: { prototype: TapLike } };

interface TapLike {
  /** Node's own UTF-8 writer (what Buffer#write calls), undeclared in @types/node; returns bytes written. */
  buf: Buffer & { utf8Write(s: string, offset: number): number };
  pos: number;
  writeLong(n: number): void;
  writeString: (this: TapLike, s: string) => void;
}

/** Below this many characters an ASCII string is copied by a loop. */
const SHORT = 24;

/** Bytes of the zigzag varint avsc writes as the length prefix of `length` bytes. */
function prefixBytes(length: number): number {
  return length < 64 ? 1 : length < 8192 ? 2 : length < 1_048_576 ? 3 : length < 134_217_728 ? 4 : 5;
}

const avscWriteString = Tap.prototype.writeString;

function writeString(this: TapLike, s: string): void {
  const buf = this.buf;
  const most = s.length * 3;
  const reserved = prefixBytes(most);
  const start = this.pos + reserved;
  if (start + most > buf.length) {
    avscWriteString.call(this, s);
    return;
  }
  let written = -1;
  if (s.length < SHORT) {
    let p = start;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p = -1;
        break;
      }
      buf[p++] = c;
    }
    if (p >= 0) written = p - start;
  }
  if (written < 0) written = buf.utf8Write(s, start);
  const prefix = prefixBytes(written);
  if (prefix < reserved) buf.copyWithin(this.pos + prefix, start, start + written);
  this.writeLong(written);
  this.pos += written;
}

let installed = false;

/** Puts the faster writer in place of avsc's (once; later calls do nothing). */
export function installAvroStringWriter(): void {
  if (installed) return;
  installed = true;
  Tap.prototype.writeString = writeString;
}

/** avsc's own writer, for tests that compare the two. */
export const avscStringWriter = avscWriteString;
