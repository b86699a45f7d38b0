import { IdempotencyLedger, requestDigest } from './idempotency-ledger';

describe('IdempotencyLedger', () => {
  const answer = { status: 201, body: '{"articleId":"a"}' };

  it('digests method, path and body', () => {
    const base = requestDigest('PUT', '/api/v1/articles/a', Buffer.from('{}'));
    expect(requestDigest('put', '/api/v1/articles/a', Buffer.from('{}'))).toBe(base);
    expect(requestDigest('DELETE', '/api/v1/articles/a', Buffer.from('{}'))).not.toBe(base);
    expect(requestDigest('PUT', '/api/v1/articles/b', Buffer.from('{}'))).not.toBe(base);
    expect(requestDigest('PUT', '/api/v1/articles/a', Buffer.from('{ }'))).not.toBe(base);
  });

  it('replays for the same digest and refuses another', () => {
    const ledger = new IdempotencyLedger();
    expect(ledger.lookup('k', 'd1')).toEqual({ kind: 'new' });
    ledger.remember('k', 'd1', answer);
    expect(ledger.lookup('k', 'd1')).toEqual({ kind: 'replay', answer });
    expect(ledger.lookup('k', 'd2')).toEqual({ kind: 'reused' });
  });

  it('keeps the first answer under a key', () => {
    const ledger = new IdempotencyLedger();
    ledger.remember('k', 'd1', answer);
    ledger.remember('k', 'd1', { status: 200, body: '{}' });
    expect(ledger.lookup('k', 'd1')).toEqual({ kind: 'replay', answer });
  });

  it('forgets the oldest key past its limit', () => {
    const ledger = new IdempotencyLedger(2);
    ['a', 'b', 'c'].forEach((k) => ledger.remember(k, 'd', answer));
    expect(ledger.size).toBe(2);
    expect(ledger.lookup('a', 'd')).toEqual({ kind: 'new' });
    expect(ledger.lookup('c', 'd').kind).toBe('replay');
  });
});
