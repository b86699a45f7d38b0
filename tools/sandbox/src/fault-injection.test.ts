import { connect } from 'node:net';
import { InvalidFaultError } from './errors';
import type { Fault } from './faults';
import { startWebsiteSandbox, type WebsiteSandbox } from './website-sandbox';
import { CmsClient, TEST_KEY, eventually, sampleArticle } from './testing/cms-client';

/** How a request failed without an answer: the socket error's code, or the abort's name. */
async function failure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as Error).name;
  }
  throw new Error('the request got an answer');
}

/** What a fresh TCP connection to the server at `url` gets: `connected`, or the error code. */
function connectTo(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** A connection the client had open when the server went away fails on its next use. */
const CONNECTION_LOST = /^(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/;

describe('fault injection', () => {
  let sandbox: WebsiteSandbox;
  let cms: CmsClient;

  beforeAll(async () => {
    sandbox = await startWebsiteSandbox({ keys: [TEST_KEY] });
    cms = new CmsClient(sandbox.url);
  });
  afterEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  it('status: answers the status with a JSON error for `count` requests, stores nothing, then recovers', async () => {
    await sandbox.injectFault({ kind: 'status', status: 503, count: 2 });
    const first = await cms.put('pub-0001', sampleArticle());
    const second = await cms.put('pub-0001', sampleArticle());
    expect([first.status, second.status]).toEqual([503, 503]);
    expect(first.json).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(sandbox.articles()).toEqual([]);
    expect((await cms.put('pub-0001', sampleArticle())).status).toBe(201);
    expect(sandbox.requests().map((r) => [r.status, r.fault])).toEqual([[503, 'status'], [503, 'status'], [201, null]]);
  });

  it('status: a retry under the same idempotency key after an injected 500 is carried out', async () => {
    await sandbox.injectFault({ kind: 'status', status: 500, count: 1 });
    expect((await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:w' })).status).toBe(500);
    const retry = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:w' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('status: without a count, lasts until cleared', async () => {
    await sandbox.injectFault({ kind: 'status', status: 502 });
    for (let i = 0; i < 3; i++) expect((await cms.remove('pub-0001')).status).toBe(502);
    await sandbox.clearFaults();
    expect((await cms.remove('pub-0001')).status).toBe(404);
  });

  it('rate-limit: answers 429 with Retry-After', async () => {
    await sandbox.injectFault({ kind: 'rate-limit', retryAfterSeconds: 7, count: 1 });
    const limited = await cms.put('pub-0001', sampleArticle());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) });
    expect((await cms.put('pub-0001', sampleArticle())).status).toBe(201);
  });

  it('timeout: never answers, so the client gives up; nothing is stored; the next request is answered', async () => {
    await sandbox.injectFault({ kind: 'timeout', count: 1 });
    const gaveUp = await failure(cms.put('pub-0001', sampleArticle(), { signal: AbortSignal.timeout(300) }));
    expect(gaveUp).toBe('TimeoutError');
    expect(sandbox.articles()).toEqual([]);
    expect(sandbox.requests()).toEqual([expect.objectContaining({ status: null, fault: 'timeout', signature: null })]);
    expect((await cms.put('pub-0001', sampleArticle())).status).toBe(201);
  });

  it('timeout: clearing faults cuts the requests it holds', async () => {
    await sandbox.injectFault({ kind: 'timeout' });
    const held = failure(cms.put('pub-0001', sampleArticle()));
    await eventually(() => (sandbox.requests().length > 0 ? true : undefined));
    await sandbox.clearFaults();
    expect(await held).toMatch(CONNECTION_LOST);
  });

  it('slow: answers normally after the delay', async () => {
    await sandbox.injectFault({ kind: 'slow', delayMs: 100, count: 1 });
    const answer = await cms.put('pub-0001', sampleArticle());
    expect(answer.status).toBe(201);
    expect(sandbox.requests()).toEqual([expect.objectContaining({ status: 201, fault: 'slow' })]);
  });

  it('slow: stores the article even when the client gave up waiting, so its retry is replayed', async () => {
    await sandbox.injectFault({ kind: 'slow', delayMs: 1_000, count: 1 });
    const gaveUp = await failure(cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-2:w', signal: AbortSignal.timeout(50) }));
    expect(gaveUp).toBe('TimeoutError');
    await eventually(() => sandbox.article('pub-0001'));
    const retry = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-2:w' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('reset: destroys the connection without an answer and stores nothing', async () => {
    await sandbox.injectFault({ kind: 'reset', count: 1 });
    expect(await failure(cms.put('pub-0001', sampleArticle()))).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(await connectTo(sandbox.url)).toBe('connected');
    expect(sandbox.articles()).toEqual([]);
    expect(sandbox.requests()).toEqual([expect.objectContaining({ status: null, fault: 'reset' })]);
    expect((await cms.put('pub-0001', sampleArticle())).status).toBe(201);
  });

  it('down: refuses connections to the CMS port until cleared, then is back on the same port', async () => {
    await cms.put('pub-0001', sampleArticle());
    const url = sandbox.url;
    await sandbox.injectFault({ kind: 'down' });
    expect(await failure(cms.put('pub-0002', sampleArticle()))).toMatch(CONNECTION_LOST);
    expect(await connectTo(url)).toBe('ECONNREFUSED');
    expect(await failure(fetch(`${url}/zfxxgk/zcwj/pub-0001.html`))).toMatch(CONNECTION_LOST);
    const health = (await (await fetch(`${sandbox.controlUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: 'ok', website: 'down' });
    expect(sandbox.faults().down).toEqual({ since: expect.any(String), until: null });

    await sandbox.clearFaults();
    expect(sandbox.url).toBe(url);
    expect((await fetch(`${url}/zfxxgk/zcwj/pub-0001.html`)).status).toBe(200);
    expect((await cms.put('pub-0002', sampleArticle())).status).toBe(201);
    expect(sandbox.faults().down).toBeNull();
  });

  it('down: comes back by itself after forMs', async () => {
    await sandbox.injectFault({ kind: 'down', forMs: 200 });
    expect(await connectTo(sandbox.url)).toBe('ECONNREFUSED');
    const health = await eventually(async () => {
      try {
        return (await fetch(`${sandbox.url}/healthz`)).status;
      } catch {
        return undefined;
      }
    });
    expect(health).toBe(200);
    expect(sandbox.faults().down).toBeNull();
  });

  it('match: restricts a fault to a method or a path prefix', async () => {
    await sandbox.injectFault({ kind: 'status', status: 500, match: { method: 'delete' } });
    await sandbox.injectFault({ kind: 'rate-limit', retryAfterSeconds: 1, match: { pathPrefix: '/api/v1/articles/pub-02' } });
    expect((await cms.put('pub-0101', sampleArticle())).status).toBe(201);
    expect((await cms.remove('pub-0101')).status).toBe(500);
    expect((await cms.put('pub-0201', sampleArticle())).status).toBe(429);
    expect(sandbox.article('pub-0101')).toBeDefined();
  });

  it('queue: faults apply in the order they were injected', async () => {
    await sandbox.injectFault({ kind: 'status', status: 500, count: 1 });
    await sandbox.injectFault({ kind: 'rate-limit', retryAfterSeconds: 2, count: 1 });
    await sandbox.injectFault({ kind: 'status', status: 502, count: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await cms.put('pub-0001', sampleArticle())).status);
    expect(statuses).toEqual([500, 429, 502, 201]);
    expect(sandbox.faults().queue).toEqual([]);
  });

  it('applies to API calls only: visitor pages and health are served as usual', async () => {
    await sandbox.injectFault({ kind: 'status', status: 503 });
    expect((await fetch(`${sandbox.url}/`)).status).toBe(200);
    expect((await fetch(`${sandbox.url}/healthz`)).status).toBe(200);
    expect(sandbox.faults().queue).toEqual([expect.objectContaining({ remaining: null, fault: { kind: 'status', status: 503 } })]);
  });

  it('refuses a fault it cannot carry out, naming the field', async () => {
    const bad = [
      { kind: 'status', status: 200 },
      { kind: 'slow' },
      { kind: 'down', count: 2 },
      { kind: 'rate-limit', retryAfterSecs: 3 },
      { kind: 'explode' },
    ];
    for (const fault of bad) await expect(sandbox.injectFault(fault as unknown as Fault)).rejects.toBeInstanceOf(InvalidFaultError);
    expect(sandbox.faults()).toEqual({ queue: [], down: null });
  });
});

describe('closing a sandbox', () => {
  it('closes even while a timeout fault holds a request, and the client sees the connection end', async () => {
    const sandbox = await startWebsiteSandbox({ keys: [TEST_KEY] });
    await sandbox.injectFault({ kind: 'timeout' });
    const held = failure(new CmsClient(sandbox.url).put('pub-0001', sampleArticle()));
    await eventually(() => (sandbox.requests().length > 0 ? true : undefined));
    await sandbox.close();
    expect(await held).toMatch(CONNECTION_LOST);
  });

  it('closes while down, and stays closed', async () => {
    const sandbox = await startWebsiteSandbox({ keys: [TEST_KEY] });
    await sandbox.injectFault({ kind: 'down', forMs: 50 });
    await sandbox.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await connectTo(sandbox.url)).toBe('ECONNREFUSED');
    expect(await connectTo(sandbox.controlUrl)).toBe('ECONNREFUSED');
  });
});
