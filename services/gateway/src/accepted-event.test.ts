import { createHash } from 'node:crypto';
import { payloadHash } from './accepted-event';

/** The digest as decision 002 defines it: SHA-256 over the type, a NUL, and the Avro value. */
function reference(type: string, value: Uint8Array): string {
  return createHash('sha256').update(type).update('\u0000').update(value).digest('hex');
}

describe('payloadHash', () => {
  it('is SHA-256 over type, NUL and value, for small, large and empty values and for each type', () => {
    const sizes = [0, 1, 2047, 20_480, 64 * 1024 - 19, 64 * 1024, 300_000];
    for (const type of ['document.published', 'request.status_changed', '类型']) {
      for (const size of sizes) {
        const value = Buffer.alloc(size);
        for (let i = 0; i < size; i++) value[i] = (i * 31 + size) & 0xff;
        expect(payloadHash(type, value)).toBe(reference(type, value));
      }
    }
  });

  it('tells apart what differs only in where type ends and value begins', () => {
    expect(payloadHash('ab', Buffer.from('c'))).not.toBe(payloadHash('a', Buffer.from('bc')));
    // A value read after a longer one is not mixed with what that one left behind.
    const long = Buffer.alloc(4096, 0x41);
    payloadHash('document.published', long);
    expect(payloadHash('document.published', Buffer.from('A'))).toBe(reference('document.published', Buffer.from('A')));
  });
});
