/** What a line of the accepted-events log holds: strings, numbers, null, and arrays of them. */
export type JsonLineValue = string | number | null | readonly JsonLineValue[];

/** Characters JSON.stringify escapes (quote, backslash, control characters) or may (surrogates). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Shorter strings are written a character at a time while they are ASCII: below this the native write costs more. */
const NATIVE_WRITE_FROM = 48;

/**
 * Writes values as JSON into a growing buffer, byte for byte what `JSON.stringify` writes, without
 * making the JSON text as a string first. The accepted-events log writes a line per event Kafka
 * took; as a string each line was the largest allocation of the gateway's gRPC thread (its JSON,
 * then a flat copy of it for the UTF-8 write).
 */
export class JsonLineWriter {
  /** The bytes written: `length` of `bytes`. */
  bytes: Buffer;
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** Writes `value` as JSON and a line feed; returns the line's length in bytes. */
  line(value: JsonLineValue): number {
    const start = this.length;
    this.value(value);
    this.room(1);
    this.bytes[this.length++] = 0x0a;
    return this.length - start;
  }

  /** Forgets what was written; the buffer stays for the next lines. */
  reset(): void {
    this.length = 0;
  }

  private value(value: JsonLineValue): void {
    if (typeof value === 'string') this.string(value);
    else if (typeof value === 'number') this.number(value);
    else if (value === null) this.ascii('null');
    else {
      this.room(1);
      this.bytes[this.length++] = 0x5b; // [
      for (let i = 0; i < value.length; i++) {
        if (i > 0) {
          this.room(1);
          this.bytes[this.length++] = 0x2c; // ,
        }
        this.value(value[i]!);
      }
      this.room(1);
      this.bytes[this.length++] = 0x5d; // ]
    }
  }

  private string(s: string): void {
    if (s.length < NATIVE_WRITE_FROM) {
      this.room(s.length + 2);
      const b = this.bytes;
      let w = this.length;
      b[w++] = 0x22;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80 || c < 0x20 || c === 0x22 || c === 0x5c) break;
        b[w++] = c;
      }
      if (i === s.length) {
        b[w++] = 0x22;
        this.length = w;
        return;
      }
      // Not plain ASCII: start the string again the general way.
    }
    if (ESCAPED.test(s)) {
      this.text(JSON.stringify(s));
      return;
    }
    this.room(3 * s.length + 2);
    this.bytes[this.length++] = 0x22;
    this.length += this.bytes.write(s, this.length, 'utf8');
    this.bytes[this.length++] = 0x22;
  }

  private number(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.ascii(JSON.stringify(n));
      return;
    }
    // Digits by 32-bit integer division, which the compiler does by multiplying: a time in
    // milliseconds (13 digits) as two parts of at most 8 digits, not 13 divisions of a double.
    if (n < 1e8) {
      this.digits(n, 0);
      return;
    }
    const high = Math.floor(n / 1e8);
    this.digits(high, 0);
    this.digits(n - high * 1e8, 8);
  }

  /** `n` (below 10^8) in decimal, padded with zeros to `width` digits. */
  private digits(n: number, width: number): void {
    let count = 1;
    for (let m = n; m >= 10; m = (m / 10) | 0) count++;
    if (count < width) count = width;
    this.room(count);
    let w = this.length + count;
    this.length = w;
    const b = this.bytes;
    let m = n | 0;
    for (let i = 0; i < count; i++) {
      const q = (m / 10) | 0;
      b[--w] = 0x30 + m - q * 10;
      m = q;
    }
  }

  /** Text with nothing to escape (JSON already, or a keyword). */
  private text(s: string): void {
    this.room(3 * s.length);
    this.length += this.bytes.write(s, this.length, 'utf8');
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.bytes[this.length++] = s.charCodeAt(i);
  }

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.length + n, 2 * this.bytes.length));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}
