import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, type SigningKey } from '@gongkai/contracts';
import { Agent } from 'undici';
import { TargetFailure } from './errors';
import { callTarget, createTargetAgent, isAbortError, parseRetryAfter, type TargetCall } from './http-target';

const KEY: SigningKey = { keyId: 'test-website', secret: 'a-secret-the-target-shares', algorithm: 'hmac-sha256' };

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

interface FakeTarget {
  url: string;
  readonly received: Received[];
  /** TCP connections the target accepted. */
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: Received, res: ServerResponse) => void;

async function startTarget(handler: Handler): Promise<FakeTarget> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      handler(r, res);
    });
  });
  const target: FakeTarget = {
    url: '',
    received,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    target.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return target;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

let agent: Agent;
const targets: FakeTarget[] = [];
beforeEach(() => {
  agent = createTargetAgent();
});
afterEach(async () => {
  await agent.close();
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

async function target(handler: Handler): Promise<FakeTarget> {
  const t = await startTarget(handler);
  targets.push(t);
  return t;
}

function call(baseUrl: string, overrides: Partial<TargetCall> = {}): TargetCall {
  return {
    baseUrl,
    method: 'PUT',
    path: '/api/v1/articles/lc-zfbgs-2025-000123',
    body: JSON.stringify({ title: '关于印发工作要点的通知' }),
    idempotencyKey: 'evt-1:zfxxgk/zcwj',
    key: KEY,
    timeoutMs: 5000,
    signal: new AbortController().signal,
    channel: 'website',
    target: 'zfxxgk/zcwj',
    dispatcher: agent,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<TargetFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TargetFailure) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('callTarget: answers it hands back', () => {
  it('signs the request so the target can verify it, and sends the idempotency key', async () => {
    const t = await target((_req, res) => json(res, 201, { articleId: 'lc-zfbgs-2025-000123', revision: 1, url: 'https://site/a/1.html' }));
    const answer = await callTarget(call(t.url));

    expect(answer).toEqual({
      status: 201,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      json: { articleId: 'lc-zfbgs-2025-000123', revision: 1, url: 'https://site/a/1.html' },
    });
    const [req] = t.received;
    expect(req!.headers['idempotency-key']).toBe('evt-1:zfxxgk/zcwj');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body.toString('utf8'))).toEqual({ title: '关于印发工作要点的通知' });
    expect(verifySignature(req!.headers, { method: req!.method, path: req!.url, body: req!.body }, { keys: { [KEY.keyId]: KEY } })).toBeNull();
  });

  it('signs with HMAC-SM3 for targets that require national algorithms', async () => {
    const sm3: SigningKey = { keyId: 'prov', secret: 'sm3-secret', algorithm: 'hmac-sm3' };
    const t = await target((_req, res) => json(res, 200, {}));
    await callTarget(call(t.url, { key: sm3 }));
    const [req] = t.received;
    expect(req!.headers['x-gk-signature']).toMatch(/^hmac-sm3=/);
    expect(verifySignature(req!.headers, { method: req!.method, path: req!.url, body: req!.body }, { keys: { prov: sm3 } })).toBeNull();
  });

  it('signs the path as sent, including a base URL prefix, and a request without a body', async () => {
    const t = await target((_req, res) => json(res, 200, { articleId: 'x', removed: true }));
    await callTarget(call(`${t.url}/cms/`, { method: 'DELETE', body: undefined, path: '/api/v1/articles/a%2Fb' }));
    const [req] = t.received;
    expect(req!.url).toBe('/cms/api/v1/articles/a%2Fb');
    expect(req!.headers['content-type']).toBeUndefined();
    expect(verifySignature(req!.headers, { method: 'DELETE', path: req!.url, body: req!.body }, { keys: { [KEY.keyId]: KEY } })).toBeNull();
  });

  it('a signature made for one request does not verify another', async () => {
    const t = await target((_req, res) => json(res, 200, {}));
    await callTarget(call(t.url));
    const [req] = t.received;
    expect(verifySignature(req!.headers, { method: req!.method, path: req!.url, body: '{"title":"tampered"}' }, { keys: { [KEY.keyId]: KEY } })).toMatchObject({
      code: 'SIGNATURE_MISMATCH',
    });
  });

  it('hands back statuses the caller accepts, with their JSON', async () => {
    const t = await target((req, res) =>
      req.method === 'PUT' ? json(res, 409, { code: 'STALE_REVISION', currentRevision: 3, url: 'https://site/a/1.html' }) : json(res, 404, { code: 'NOT_FOUND' }),
    );
    await expect(callTarget(call(t.url, { accept: [409] }))).resolves.toMatchObject({ status: 409, json: { code: 'STALE_REVISION', currentRevision: 3 } });
    await expect(callTarget(call(t.url, { method: 'DELETE', body: undefined, accept: [404] }))).resolves.toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
  });

  it('gives json null for an empty or non-JSON body', async () => {
    const t = await target((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(req.method === 'PUT' ? '<html>ok</html>' : '');
    });
    await expect(callTarget(call(t.url))).resolves.toMatchObject({ status: 200, json: null });
    await expect(callTarget(call(t.url, { method: 'DELETE', body: undefined }))).resolves.toMatchObject({ status: 200, json: null });
  });

  it('reuses kept-alive connections for calls one after another', async () => {
    const t = await target((_req, res) => json(res, 200, { ok: true }));
    for (let i = 0; i < 10; i++) await callTarget(call(t.url, { idempotencyKey: `evt-${i}:zfxxgk/zcwj` }));
    expect(t.received).toHaveLength(10);
    // The pool may open a second socket while the first is finishing its answer; never one per call.
    expect(t.connections).toBeLessThanOrEqual(2);
  });

  it('signs every request afresh', async () => {
    const t = await target((_req, res) => json(res, 200, {}));
    await callTarget(call(t.url, { body: '{"n":1}' }));
    await callTarget(call(t.url, { body: '{"n":2}' }));
    const keys = { [KEY.keyId]: KEY };
    for (const req of t.received) {
      expect(verifySignature(req.headers, { method: req.method, path: req.url, body: req.body }, { keys })).toBeNull();
    }
    expect(t.received[0]!.headers['x-gk-signature']).not.toBe(t.received[1]!.headers['x-gk-signature']);
  });
});

describe('callTarget: failures', () => {
  it('refused connection → CONNECTION_REFUSED, retriable', async () => {
    const t = await startTarget((_req, res) => json(res, 200, {}));
    await t.close();
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'CONNECTION_REFUSED', retriable: true, context: { channel: 'website', target: 'zfxxgk/zcwj' } });
  });

  it('a host name that does not resolve → CONNECTION_REFUSED, retriable', async () => {
    // A connector that fails as the resolver does, so the test needs no DNS.
    const unresolvable = new Agent({
      connect: (_options, callback) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND cms.invalid'), { code: 'ENOTFOUND' }), null),
    });
    try {
      const failure = await failureOf(callTarget(call('http://cms.invalid:8081', { dispatcher: unresolvable })));
      expect(failure).toMatchObject({ code: 'CONNECTION_REFUSED', retriable: true });
    } finally {
      await unresolvable.close();
    }
  });

  it('connection reset before an answer → CONNECTION_RESET, retriable', async () => {
    const t = await target((_req, res) => res.socket?.destroy());
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'CONNECTION_RESET', retriable: true });
  });

  it('connection closed half-way through the answer → CONNECTION_RESET, retriable', async () => {
    const t = await target((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"articleId":');
      setImmediate(() => res.socket?.destroy());
    });
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'CONNECTION_RESET', retriable: true });
  });

  it('no answer within timeoutMs → TIMEOUT, retriable', async () => {
    const t = await target(() => undefined);
    const failure = await failureOf(callTarget(call(t.url, { timeoutMs: 100 })));
    expect(failure).toMatchObject({ code: 'TIMEOUT', retriable: true });
    expect(failure.message).toContain('no answer within 100 ms');
  });

  it('headers but no complete body within timeoutMs → TIMEOUT, retriable', async () => {
    const t = await target((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"articleId":');
    });
    const failure = await failureOf(callTarget(call(t.url, { timeoutMs: 100 })));
    expect(failure).toMatchObject({ code: 'TIMEOUT', retriable: true });
  });

  it('429 → RATE_LIMITED with Retry-After in delta-seconds', async () => {
    const t = await target((_req, res) => json(res, 429, { code: 'RATE_LIMITED' }, { 'retry-after': '7' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', retriable: true, status: 429, retryAfterMs: 7000 });
  });

  it('429 → RATE_LIMITED with Retry-After as an HTTP date', async () => {
    const t = await target((_req, res) => json(res, 429, {}, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', retriable: true });
    expect(failure.retryAfterMs).toBeGreaterThan(60_000);
    expect(failure.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('429 without Retry-After → RATE_LIMITED, no wait given', async () => {
    const t = await target((_req, res) => json(res, 429, {}));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', retriable: true, retryAfterMs: undefined });
  });

  it('503 → HTTP_503, retriable, honouring Retry-After', async () => {
    const t = await target((_req, res) => json(res, 503, { code: 'MAINTENANCE' }, { 'retry-after': '30' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'HTTP_503', retriable: true, status: 503, retryAfterMs: 30_000 });
    expect(failure.message).toContain('MAINTENANCE');
  });

  it.each([500, 502, 504, 408])('%i → HTTP_%i, retriable', async (status) => {
    const t = await target((_req, res) => json(res, status, { code: 'BROKEN' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: `HTTP_${status}`, retriable: true, status });
  });

  it.each([401, 403])('%i → HTTP_%i, not retriable, naming the downstream code but never the secret or body', async (status) => {
    const t = await target((_req, res) => json(res, status, { code: 'SIGNATURE_MISMATCH', message: 'expected hmac-sha256=…' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: `HTTP_${status}`, retriable: false, status });
    expect(failure.message).toContain('SIGNATURE_MISMATCH');
    expect(failure.message).not.toContain(String(KEY.secret));
    expect(failure.message).not.toContain('关于印发工作要点的通知');
    expect(JSON.stringify(failure.context)).not.toContain(String(KEY.secret));
  });

  it.each([400, 404, 409, 422])('%i not accepted → HTTP_%i, not retriable', async (status) => {
    const t = await target((_req, res) => json(res, status, { code: 'INVALID_ARTICLE' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: `HTTP_${status}`, retriable: false, status });
  });

  it('a redirect is not followed → not retriable', async () => {
    const t = await target((_req, res) => {
      res.writeHead(302, { location: 'http://elsewhere/' });
      res.end();
    });
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure).toMatchObject({ code: 'HTTP_302', retriable: false });
  });

  it('an answer larger than maxAnswerBytes → ANSWER_TOO_LARGE, not retriable', async () => {
    const t = await target((_req, res) => json(res, 200, { padding: 'x'.repeat(10_000) }));
    const failure = await failureOf(callTarget(call(t.url, { maxAnswerBytes: 1000 })));
    expect(failure).toMatchObject({ code: 'ANSWER_TOO_LARGE', retriable: false });
  });

  it('a downstream code that is not a plain code word stays out of the message', async () => {
    const t = await target((_req, res) => json(res, 400, { code: '<script>alert(1)</script>' }));
    const failure = await failureOf(callTarget(call(t.url)));
    expect(failure.message).not.toContain('script');
  });
});

describe('callTarget: the caller aborts', () => {
  it('rejects with an AbortError, not a TargetFailure, when the signal aborts mid-call', async () => {
    const controller = new AbortController();
    const t = await target(() => controller.abort());
    const outcome = callTarget(call(t.url, { signal: controller.signal }));
    await expect(outcome).rejects.toMatchObject({ name: 'AbortError' });
    await outcome.catch((err: unknown) => {
      expect(err).not.toBeInstanceOf(TargetFailure);
      expect(isAbortError(err)).toBe(true);
    });
  });

  it('keeps the caller’s reason as the cause', async () => {
    const controller = new AbortController();
    const reason = new Error('engine shutting down');
    const t = await target(() => controller.abort(reason));
    await expect(callTarget(call(t.url, { signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError', cause: reason });
  });

  it('sends nothing when the signal has already aborted', async () => {
    const t = await target((_req, res) => json(res, 200, {}));
    await expect(callTarget(call(t.url, { signal: AbortSignal.abort() }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.received).toHaveLength(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-27T01:30:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  it('reads an HTTP date, as the time left from now', () => {
    expect(parseRetryAfter('Fri, 27 Jun 2025 01:31:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Friday, 27-Jun-25 01:31:30 GMT', now)).toBe(90_000);
  });
  it('gives 0 for a date already past, and undefined for what it cannot read', () => {
    expect(parseRetryAfter('Fri, 27 Jun 2025 01:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});
