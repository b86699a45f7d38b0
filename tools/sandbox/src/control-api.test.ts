import { startWebsiteSandbox, type WebsiteSandbox } from './website-sandbox';
import { CmsClient, TEST_KEY, sampleArticle } from './testing/cms-client';

describe('the control API', () => {
  let sandbox: WebsiteSandbox;
  let cms: CmsClient;

  const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${sandbox.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    sandbox = await startWebsiteSandbox({ keys: [TEST_KEY] });
    cms = new CmsClient(sandbox.url);
  });
  afterEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  it('runs on its own port', () => {
    expect(new URL(sandbox.controlUrl).port).not.toBe(new URL(sandbox.url).port);
  });

  it('GET /_sandbox/articles lists articles as stored, and tombstones', async () => {
    const article = sampleArticle({ unknownField: 'kept' });
    await cms.put('pub-0001', article);
    await cms.put('pub-0002', sampleArticle());
    await cms.remove('pub-0002');
    const { status, json } = await control('GET', '/_sandbox/articles');
    expect(status).toBe(200);
    expect(json).toEqual({
      articles: [
        {
          articleId: 'pub-0001',
          column: 'zfxxgk/zcwj',
          revision: 1,
          url: `${sandbox.url}/zfxxgk/zcwj/pub-0001.html`,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          content: article,
        },
      ],
      tombstones: [{ articleId: 'pub-0002', column: 'zfxxgk/zcwj', revision: 1, removedAt: expect.any(String) }],
    });
  });

  it('GET /_sandbox/requests shows each API call; DELETE clears the log', async () => {
    await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:zfxxgk/zcwj' });
    await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:zfxxgk/zcwj' });
    await fetch(`${sandbox.url}/zfxxgk/zcwj/pub-0001.html`);
    const { json } = await control('GET', '/_sandbox/requests');
    expect(json.requests).toEqual([
      { seq: 1, at: expect.any(String), method: 'PUT', path: '/api/v1/articles/pub-0001', idempotencyKey: 'evt-1:zfxxgk/zcwj', status: 201, signature: null, replayed: false, fault: null },
      { seq: 2, at: expect.any(String), method: 'PUT', path: '/api/v1/articles/pub-0001', idempotencyKey: 'evt-1:zfxxgk/zcwj', status: 201, signature: null, replayed: true, fault: null },
    ]);
    expect(await control('DELETE', '/_sandbox/requests')).toEqual({ status: 200, json: { cleared: 2 } });
    expect((await control('GET', '/_sandbox/requests')).json).toEqual({ requests: [] });
  });

  it('POST /_sandbox/faults queues a fault; GET shows it; DELETE clears it', async () => {
    const posted = await control('POST', '/_sandbox/faults', { kind: 'status', status: 503, count: 1, match: { method: 'put' } });
    expect(posted.status).toBe(201);
    expect(posted.json).toEqual({ queue: [{ id: expect.any(Number), fault: { kind: 'status', status: 503, count: 1, match: { method: 'PUT' } }, remaining: 1 }], down: null });
    expect((await control('GET', '/_sandbox/faults')).json).toEqual(posted.json);
    expect((await control('DELETE', '/_sandbox/faults')).json).toEqual({ queue: [], down: null });
    expect((await cms.put('pub-0001', sampleArticle())).status).toBe(201);
  });

  it('POST /_sandbox/faults takes the CMS down and DELETE brings it back, while the control port stays up', async () => {
    expect((await control('POST', '/_sandbox/faults', { kind: 'down' })).json.down).toEqual({ since: expect.any(String), until: null });
    expect((await control('GET', '/healthz')).json).toEqual({ status: 'ok', website: 'down' });
    await control('DELETE', '/_sandbox/faults');
    expect((await fetch(`${sandbox.url}/healthz`)).status).toBe(200);
  });

  it('refuses a bad fault with 400 INVALID_FAULT naming each field', async () => {
    const { status, json } = await control('POST', '/_sandbox/faults', { kind: 'rate-limit', retryAfterSeconds: -1, count: 0, colour: 'red' });
    expect(status).toBe(400);
    expect(json).toMatchObject({ code: 'INVALID_FAULT', message: expect.any(String) });
    expect((json.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['colour', 'count', 'retryAfterSeconds']);
    expect((await control('POST', '/_sandbox/faults', '{not json')).json.code).toBe('INVALID_JSON');
  });

  it('POST /_sandbox/reset forgets articles, tombstones, idempotency keys, requests and faults', async () => {
    await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:w' });
    await cms.put('pub-0002', sampleArticle());
    await cms.remove('pub-0002');
    await control('POST', '/_sandbox/faults', { kind: 'status', status: 500 });
    expect(await control('POST', '/_sandbox/reset')).toEqual({ status: 200, json: { reset: true } });
    expect((await control('GET', '/_sandbox/articles')).json).toEqual({ articles: [], tombstones: [] });
    expect((await control('GET', '/_sandbox/faults')).json).toEqual({ queue: [], down: null });
    const again = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:w' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect((await control('GET', '/_sandbox/requests')).json.requests).toEqual([expect.objectContaining({ seq: 1 })]);
  });

  it('answers unknown paths and methods with JSON errors', async () => {
    expect(await control('GET', '/_sandbox/nothing')).toEqual({ status: 404, json: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) } });
    expect(await control('PUT', '/_sandbox/faults')).toEqual({ status: 405, json: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String) } });
  });
});

describe('starting a sandbox', () => {
  it('refuses options that cannot work', async () => {
    await expect(startWebsiteSandbox({ keys: [] })).rejects.toMatchObject({ code: 'INVALID_SANDBOX_OPTIONS', option: 'keys' });
    await expect(startWebsiteSandbox({ keys: [TEST_KEY, TEST_KEY] })).rejects.toMatchObject({ option: 'keys' });
    await expect(startWebsiteSandbox({ keys: [TEST_KEY], port: 9999, controlPort: 9999 })).rejects.toMatchObject({ option: 'controlPort' });
  });

  it('fails with LISTEN_FAILED naming the port when it is taken', async () => {
    const first = await startWebsiteSandbox({ keys: [TEST_KEY] });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startWebsiteSandbox({ keys: [TEST_KEY], port })).rejects.toMatchObject({ code: 'LISTEN_FAILED', server: 'website', port });
    } finally {
      await first.close();
    }
  });
});
