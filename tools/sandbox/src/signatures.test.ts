import { getHashes } from 'node:crypto';
import type { SigningKey } from '@gongkai/contracts';
import { startWebsiteSandbox, type WebsiteSandbox } from './website-sandbox';
import { CmsClient, TEST_KEY, sampleArticle } from './testing/cms-client';

const SM3_KEY: SigningKey = { keyId: 'test-website-sm3', secret: 'test-website-sm3-secret', algorithm: 'hmac-sm3' };
const CLOCK = Date.parse('2025-03-12T08:00:00Z');

describe('request signatures', () => {
  let sandbox: WebsiteSandbox;
  let cms: CmsClient;

  beforeAll(async () => {
    sandbox = await startWebsiteSandbox({ keys: [TEST_KEY, SM3_KEY], now: () => CLOCK, signatureToleranceMs: 60_000 });
    cms = new CmsClient(sandbox.url);
  });
  afterEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  const at = { timestamp: CLOCK };

  it('accepts a request signed with a configured key', async () => {
    expect((await cms.put('pub-0001', sampleArticle(), at)).status).toBe(201);
    expect(sandbox.requests()[0]?.signature).toBeNull();
  });

  (getHashes().includes('sm3') ? it : it.skip)('accepts HMAC-SM3 for a key configured with it', async () => {
    expect((await cms.put('pub-0001', sampleArticle(), { ...at, key: SM3_KEY })).status).toBe(201);
  });

  it.each([
    ['no signature header', 'SIGNATURE_MISSING', { omitHeaders: ['x-gk-signature'] }, 'PUT'],
    ['no signature headers at all', 'SIGNATURE_MISSING', { omitHeaders: ['x-gk-timestamp', 'x-gk-key-id', 'x-gk-signature'] }, 'DELETE'],
    ['a timestamp that is not Unix milliseconds', 'SIGNATURE_MALFORMED', { headers: { 'x-gk-timestamp': 'yesterday' } }, 'PUT'],
    ['a signature not written <algorithm>=<hex>', 'SIGNATURE_MALFORMED', { headers: { 'x-gk-signature': 'sha256:abc' } }, 'PUT'],
    ['a timestamp too far in the past', 'SIGNATURE_EXPIRED', { timestamp: CLOCK - 61_000 }, 'PUT'],
    ['a timestamp too far in the future', 'SIGNATURE_EXPIRED', { timestamp: CLOCK + 61_000 }, 'DELETE'],
    ['an unknown key id', 'SIGNATURE_UNKNOWN_KEY', { key: { ...TEST_KEY, keyId: 'someone-else' } }, 'PUT'],
    ['another algorithm than the key has', 'SIGNATURE_ALGORITHM_REFUSED', { key: { ...TEST_KEY, algorithm: 'hmac-sm3' } }, 'PUT'],
    ['a wrong secret', 'SIGNATURE_MISMATCH', { key: { ...TEST_KEY, secret: 'a-guessed-secret' } }, 'DELETE'],
    ['a body other than the one signed', 'SIGNATURE_MISMATCH', { signAs: { body: JSON.stringify(sampleArticle({ title: '签名时的标题' })) } }, 'PUT'],
    ['a path other than the one signed', 'SIGNATURE_MISMATCH', { signAs: { path: '/api/v1/articles/pub-0002' } }, 'PUT'],
    ['a method other than the one signed', 'SIGNATURE_MISMATCH', { signAs: { method: 'PUT' } }, 'DELETE'],
  ] as const)('answers %s with 401 %s and stores nothing', async (_case, code, options, method) => {
    await cms.put('pub-0001', sampleArticle({ revision: 1 }), at);
    const answer =
      method === 'PUT' ? await cms.put('pub-0001', sampleArticle({ revision: 2 }), { ...at, ...options }) : await cms.remove('pub-0001', { ...at, ...options });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ code, message: expect.any(String) });
    expect(sandbox.article('pub-0001')?.revision).toBe(1);
    expect(sandbox.tombstones()).toEqual([]);
    expect(sandbox.requests().at(-1)).toMatchObject({ method, status: 401, signature: code });
  });

  it('answers 401 when the body was changed after signing (a tampered body)', async () => {
    const signed = JSON.stringify(sampleArticle());
    const tampered = signed.replace('有效', '废止');
    const answer = await cms.send('PUT', '/api/v1/articles/pub-0001', tampered, { ...at, signAs: { body: signed } });
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('SIGNATURE_MISMATCH');
    expect(sandbox.articles()).toEqual([]);
  });

  it('never echoes a secret, not even the one it was given', async () => {
    const answer = await cms.put('pub-0001', sampleArticle(), { ...at, key: { ...TEST_KEY, secret: 'a-guessed-secret' } });
    const text = JSON.stringify(answer.json);
    expect(text).not.toContain(TEST_KEY.secret as string);
    expect(text).not.toContain('a-guessed-secret');
  });

  it('checks the signature before the idempotency key, so an unsigned retry cannot replay an answer', async () => {
    await cms.put('pub-0001', sampleArticle(), { ...at, idempotencyKey: 'evt-1:w' });
    const forged = await cms.put('pub-0001', sampleArticle(), { ...at, idempotencyKey: 'evt-1:w', key: { ...TEST_KEY, secret: 'x'.repeat(20) } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('idempotent-replayed')).toBeNull();
  });
});
