import { signRequest, verifySignature, type SigningKey } from './delivery-signature';

const sha: SigningKey = { keyId: 'website-1', secret: 'shared-secret', algorithm: 'hmac-sha256' };
const sm3: SigningKey = { keyId: 'provincial-1', secret: 'other-secret', algorithm: 'hmac-sm3' };
const keys = { [sha.keyId]: sha, [sm3.keyId]: sm3 };
const parts = { method: 'PUT', path: '/api/v1/articles/a1', body: Buffer.from('{"title":"关于印发2025年政务公开工作要点的通知"}') };
const now = 1_764_290_000_000;

describe('delivery signatures', () => {
  it.each([sha, sm3])('a request signed with %o verifies', (key) => {
    const headers = signRequest(key, parts, now);
    expect(headers['x-gk-signature']).toMatch(new RegExp(`^${key.algorithm}=[0-9a-f]{64}$`));
    expect(verifySignature(headers, parts, { keys, now: now + 1000 })).toBeNull();
  });

  it('SHA-256 and SM3 give different signatures for the same request', () => {
    const a = signRequest({ ...sha, keyId: 'k' }, parts, now)['x-gk-signature'];
    const b = signRequest({ ...sm3, keyId: 'k', secret: sha.secret }, parts, now)['x-gk-signature'];
    expect(a?.split('=')[1]).not.toBe(b?.split('=')[1]);
  });

  it('a tampered body, path or method fails with SIGNATURE_MISMATCH', () => {
    const headers = signRequest(sha, parts, now);
    const tampered = [
      { ...parts, body: Buffer.from('{"title":"关于印发2025年政务公开工作要点的通知 "}') },
      { ...parts, path: '/api/v1/articles/a2' },
      { ...parts, method: 'DELETE' },
    ];
    for (const p of tampered) expect(verifySignature(headers, p, { keys, now })?.code).toBe('SIGNATURE_MISMATCH');
  });

  it('refuses stale timestamps, unknown keys, swapped algorithms and missing or malformed headers', () => {
    const headers = signRequest(sha, parts, now);
    expect(verifySignature(headers, parts, { keys, now: now + 6 * 60_000 })?.code).toBe('SIGNATURE_EXPIRED');
    expect(verifySignature(headers, parts, { keys: { other: { ...sha, keyId: 'other' } }, now })?.code).toBe('SIGNATURE_UNKNOWN_KEY');
    const swapped = { ...headers, 'x-gk-signature': headers['x-gk-signature']?.replace('hmac-sha256', 'hmac-sm3') };
    expect(verifySignature(swapped, parts, { keys, now })?.code).toBe('SIGNATURE_ALGORITHM_REFUSED');
    expect(verifySignature({}, parts, { keys, now })).toEqual({
      code: 'SIGNATURE_MISSING',
      message: 'missing x-gk-timestamp, x-gk-key-id, x-gk-signature',
    });
    expect(verifySignature({ ...headers, 'x-gk-signature': 'sha256 abc' }, parts, { keys, now })?.code).toBe('SIGNATURE_MALFORMED');
    expect(verifySignature({ ...headers, 'x-gk-timestamp': 'yesterday' }, parts, { keys, now })?.code).toBe('SIGNATURE_MALFORMED');
  });

  it('an empty body signs like a zero-length one', () => {
    const del = { method: 'DELETE', path: '/api/v1/articles/a1', body: null };
    const headers = signRequest(sha, del, now);
    expect(verifySignature(headers, { ...del, body: Buffer.alloc(0) }, { keys, now })).toBeNull();
  });
});
