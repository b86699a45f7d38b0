import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, type AnyHubEvent, type EventData, type SigningKey } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { TargetFailure, createTargetAgent, type DeliveryResult } from '@gongkai/delivery';
import { WebsiteColumnsError } from './errors';
import { deliveryOf, hubEvent } from './testing/deliveries';
import { createWebsiteAdapter, WebsiteAdapter } from './website-adapter';
import { parseWebsiteColumns } from './website-columns';
import { loadWebsiteConfig } from './website-config';

const KEY: SigningKey = { keyId: 'dev-website', secret: 'dev-website-signing-secret', algorithm: 'hmac-sha256' };
const COLUMNS = parseWebsiteColumns(
  ['columns:', '  zfxxgk/zcwj: 政府信息公开 › 政策文件 › 行政规范性文件', '  zfxxgk/zcjd: 政府信息公开 › 政策解读', '  zfxxgk/ggzyjy/zfcg: 政府信息公开 › 公共资源交易 › 政府采购'].join('\n'),
  'test-columns.yaml',
);

interface StoredArticle {
  readonly articleId: string;
  readonly content: Record<string, unknown>;
  readonly url: string;
}

interface CannedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

/** A fake of the site CMS's article API, as docs/website-cms-api.md describes it. */
class FakeCms {
  readonly articles = new Map<string, StoredArticle>();
  readonly requests: { method: string; path: string; idempotencyKey: string | undefined }[] = [];
  /** Answers to give before the API's own, one per request (fault injection). */
  readonly canned: CannedAnswer[] = [];
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const method = req.method ?? '';
    const path = req.url ?? '';
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method, path, idempotencyKey });
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(answer));
    };

    const canned = this.canned.shift();
    if (canned) return send(canned.status, canned.body, canned.headers);

    const problem = verifySignature(req.headers, { method, path, body }, { keys: { [KEY.keyId]: KEY } });
    if (problem) return send(401, { code: problem.code, message: problem.message });
    if (idempotencyKey === undefined) return send(400, { code: 'IDEMPOTENCY_KEY_MISSING' });

    const match = /^\/api\/v1\/articles\/([^/?]+)$/.exec(path);
    if (!match) return send(404, { code: 'NOT_FOUND' });
    const articleId = decodeURIComponent(match[1]!);

    const fingerprint = createHash('sha256').update(`${method}\n${path}\n`).update(body).digest('hex');
    const seen = this.idempotency.get(idempotencyKey);
    if (seen) {
      if (seen.fingerprint !== fingerprint) return send(422, { code: 'IDEMPOTENCY_KEY_REUSED' });
      return send(seen.status, seen.body, { 'idempotent-replayed': 'true' });
    }
    const [status, answer] = method === 'PUT' ? this.put(articleId, body) : method === 'DELETE' ? this.delete(articleId) : [405, { code: 'METHOD_NOT_ALLOWED' }];
    if (status < 500) this.idempotency.set(idempotencyKey, { fingerprint, status, body: answer });
    send(status, answer);
  }

  private put(articleId: string, body: Buffer): [number, unknown] {
    let content: Record<string, unknown>;
    try {
      content = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return [400, { code: 'INVALID_ARTICLE', errors: [{ field: '', message: 'not JSON' }] }];
    }
    const { column, revision, title, bodyHtml } = content;
    if (typeof column !== 'string' || typeof revision !== 'number' || revision < 1 || typeof title !== 'string' || typeof bodyHtml !== 'string') {
      return [400, { code: 'INVALID_ARTICLE' }];
    }
    const existing = this.articles.get(articleId);
    if (existing && (existing.content.revision as number) > revision) {
      return [409, { code: 'STALE_REVISION', currentRevision: existing.content.revision, url: existing.url }];
    }
    const url = `${this.url}/${column}/${encodeURIComponent(articleId)}.html`;
    this.articles.set(articleId, { articleId, content, url });
    return [existing ? 200 : 201, { articleId, revision, url }];
  }

  private delete(articleId: string): [number, unknown] {
    if (!this.articles.delete(articleId)) return [404, { code: 'NOT_FOUND' }];
    return [200, { articleId, removed: true }];
  }
}

function documentEvent(change: (data: EventData<'document.published'>) => void = () => undefined): AnyHubEvent {
  const data = sampleEvents()['document.published'];
  change(data);
  return hubEvent('document.published', data);
}

const DOC_ID = 'lc-zfbgs-2025-000123';
/** The CMS's article of DOC_ID in the column zfxxgk/zcwj. */
const ARTICLE_ID = `${DOC_ID}~zfxxgk.zcwj`;

let cms: FakeCms;
let agent: ReturnType<typeof createTargetAgent>;
let adapter: WebsiteAdapter;
const signal = (): AbortSignal => new AbortController().signal;

beforeEach(async () => {
  cms = await new FakeCms().start();
  agent = createTargetAgent();
  adapter = new WebsiteAdapter({ cmsUrl: cms.url, signingKey: KEY, timeoutMs: 5000, columns: COLUMNS, dispatcher: agent });
});
afterEach(async () => {
  await adapter.close();
  await agent.close();
  await cms.stop();
});

async function failureOf(promise: Promise<DeliveryResult>): Promise<TargetFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TargetFailure) return err;
    throw err;
  }
  throw new Error('expected the delivery to fail');
}

describe('publishing', () => {
  it('a new document becomes a page in its column; the reference is the page url', async () => {
    const event = documentEvent((d) => {
      d.body = '第一段\n<script>alert("x")</script>';
    });
    const result = await adapter.deliver(deliveryOf(event), signal());

    expect(result).toEqual({ outcome: 'PUBLISHED', reference: `${cms.url}/zfxxgk/zcwj/${encodeURIComponent(ARTICLE_ID)}.html` });
    const stored = cms.articles.get(ARTICLE_ID)!;
    expect(stored.content).toMatchObject({ column: 'zfxxgk/zcwj', revision: 1, kind: 'document', validity: { status: '有效', since: '2025-06-26' } });
    expect(stored.content.bodyHtml).toBe('<p>第一段</p>\n<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(cms.requests).toEqual([{ method: 'PUT', path: `/api/v1/articles/${encodeURIComponent(ARTICLE_ID)}`, idempotencyKey: `${event.id}:zfxxgk/zcwj` }]);
  });

  it('a revision replaces the page', async () => {
    await adapter.deliver(deliveryOf(documentEvent()), signal());
    const revised = documentEvent((d) => {
      d.revision = 2;
      d.title = '（修订）关于印发2025年政务公开工作要点的通知';
    });
    const result = await adapter.deliver(deliveryOf(revised), signal());

    expect(result).toEqual({ outcome: 'PUBLISHED', reference: `${cms.url}/zfxxgk/zcwj/${encodeURIComponent(ARTICLE_ID)}.html` });
    expect(cms.articles.get(ARTICLE_ID)!.content).toMatchObject({ revision: 2, title: '（修订）关于印发2025年政务公开工作要点的通知' });
  });

  it('a repealed document stays on the site, marked 废止', async () => {
    await adapter.deliver(deliveryOf(documentEvent()), signal());
    const repealed = documentEvent((d) => {
      d.revision = 2;
      d.validity = { status: 'REPEALED', effectiveOn: '2025-06-26', endedOn: '2026-03-01' };
    });
    const result = await adapter.deliver(deliveryOf(repealed), signal());

    expect(result.outcome).toBe('PUBLISHED');
    expect(cms.articles.get(ARTICLE_ID)!.content.validity).toEqual({ status: '废止', since: '2026-03-01' });
    expect(cms.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
  });

  it('an older revision than the site holds is skipped, naming the revision on the site', async () => {
    await adapter.deliver(deliveryOf(documentEvent((d) => void (d.revision = 3))), signal());
    const late = documentEvent((d) => {
      d.revision = 2;
      d.title = 'an older title';
    });
    const result = await adapter.deliver(deliveryOf(late), signal());

    expect(result).toEqual({ outcome: 'SKIPPED', reference: `${cms.url}/zfxxgk/zcwj/${encodeURIComponent(ARTICLE_ID)}.html`, note: 'revision 3 is on the site' });
    expect(cms.articles.get(ARTICLE_ID)!.content.revision).toBe(3);
  });

  it('a delivery retried after the CMS applied it is answered from the CMS’s record and changes nothing', async () => {
    const delivery = deliveryOf(documentEvent());
    const first = await adapter.deliver(delivery, signal());
    const again = await adapter.deliver({ ...delivery, attempt: 2 }, signal());

    expect(again).toEqual({ outcome: 'PUBLISHED', reference: first.reference, note: 'the CMS had already applied this delivery' });
    expect(cms.requests.map((r) => r.idempotencyKey)).toEqual([delivery.idempotencyKey, delivery.idempotencyKey]);
  });

  it('an interpretation goes to its column linked to its policy', async () => {
    const data = sampleEvents()['interpretation.published'];
    const result = await adapter.deliver(deliveryOf(hubEvent('interpretation.published', data), 'zfxxgk/zcjd'), signal());
    expect(result.outcome).toBe('PUBLISHED');
    expect(cms.articles.get(`${data.publicationId}~zfxxgk.zcjd`)!.content).toMatchObject({ kind: 'interpretation', interpretationOf: DOC_ID, column: 'zfxxgk/zcjd' });
  });

  it('a procurement notice goes to its column with its key facts', async () => {
    const data = sampleEvents()['procurement.published'];
    const result = await adapter.deliver(deliveryOf(hubEvent('procurement.published', data), 'zfxxgk/ggzyjy/zfcg'), signal());
    expect(result.outcome).toBe('PUBLISHED');
    expect(cms.articles.get(`${data.publicationId}~zfxxgk.ggzyjy.zfcg`)!.content.bodyHtml).toContain('<dt>预算金额</dt><dd>1,280,000.00 元</dd>');
  });

  it('percent-encodes a publication id that is not a plain path segment', async () => {
    const event = documentEvent((d) => void (d.publicationId = 'lc/2025 第1号'));
    const result = await adapter.deliver(deliveryOf(event), signal());
    expect(result.outcome).toBe('PUBLISHED');
    expect(cms.requests[0]!.path).toBe(`/api/v1/articles/${encodeURIComponent('lc/2025 第1号~zfxxgk.zcwj')}`);
    expect(cms.articles.has('lc/2025 第1号~zfxxgk.zcwj')).toBe(true);
  });
});

describe('retraction', () => {
  it('removes the page', async () => {
    await adapter.deliver(deliveryOf(documentEvent()), signal());
    const retraction = hubEvent('publication.retracted', sampleEvents()['publication.retracted']);
    const result = await adapter.deliver(deliveryOf(retraction), signal());

    expect(result).toEqual({ outcome: 'RETRACTED', reference: ARTICLE_ID });
    expect(cms.articles.has(ARTICLE_ID)).toBe(false);
    expect(cms.requests.at(-1)).toEqual({ method: 'DELETE', path: `/api/v1/articles/${encodeURIComponent(ARTICLE_ID)}`, idempotencyKey: `${retraction.id}:zfxxgk/zcwj` });
  });

  it('of a page the site does not have is done: nothing to remove', async () => {
    const retraction = hubEvent('publication.retracted', sampleEvents()['publication.retracted']);
    const result = await adapter.deliver(deliveryOf(retraction), signal());
    expect(result).toEqual({ outcome: 'RETRACTED', reference: null, note: `nothing to remove: the site has no article ${ARTICLE_ID}` });
  });

  it('removes the page even from a column no longer configured', async () => {
    const wider = new WebsiteAdapter({
      cmsUrl: cms.url,
      signingKey: KEY,
      timeoutMs: 5000,
      columns: parseWebsiteColumns('columns:\n  zfxxgk/old: 政府信息公开 › 旧栏目\n', 'old.yaml'),
      dispatcher: agent,
    });
    await wider.deliver(deliveryOf(documentEvent(), 'zfxxgk/old'), signal());
    const retraction = hubEvent('publication.retracted', sampleEvents()['publication.retracted']);
    const result = await adapter.deliver(deliveryOf(retraction, 'zfxxgk/old'), signal());
    expect(result.outcome).toBe('RETRACTED');
    expect(cms.articles.has(`${DOC_ID}~zfxxgk.old`)).toBe(false);
    expect(cms.requests.at(-1)?.path).toBe(`/api/v1/articles/${encodeURIComponent(`${DOC_ID}~zfxxgk.old`)}`);
  });
});

describe('what the website does not take', () => {
  it('a request for disclosure step is skipped without calling the CMS', async () => {
    const step = hubEvent('request.status_changed', sampleEvents()['request.status_changed']);
    const result = await adapter.deliver(deliveryOf(step, 'zfxxgk/zcwj'), signal());
    expect(result).toEqual({ outcome: 'SKIPPED', reference: null, note: 'request.status_changed is not published on the website' });
    expect(cms.requests).toHaveLength(0);
  });

  it('a column the site does not have fails for good, without calling the CMS', async () => {
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent(), 'zfxxgk/nosuch'), signal()));
    expect(failure).toMatchObject({ code: 'UNKNOWN_COLUMN', retriable: false, context: { channel: 'website', target: 'zfxxgk/nosuch' } });
    expect(failure.message).toContain('test-columns.yaml');
    expect(cms.requests).toHaveLength(0);
  });
});

describe('when the CMS fails', () => {
  it('503 → retriable, with the wait it asked for', async () => {
    cms.canned.push({ status: 503, headers: { 'retry-after': '120' }, body: { code: 'MAINTENANCE' } });
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'HTTP_503', retriable: true, retryAfterMs: 120_000, status: 503 });
    expect(cms.articles.size).toBe(0);
  });

  it('429 → RATE_LIMITED, retriable, with Retry-After', async () => {
    cms.canned.push({ status: 429, headers: { 'retry-after': '3' }, body: { code: 'RATE_LIMITED' } });
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', retriable: true, retryAfterMs: 3000 });
  });

  it('the next attempt after a 503 publishes', async () => {
    cms.canned.push({ status: 503, body: {} });
    const delivery = deliveryOf(documentEvent());
    await failureOf(adapter.deliver(delivery, signal()));
    await expect(adapter.deliver({ ...delivery, attempt: 2 }, signal())).resolves.toMatchObject({ outcome: 'PUBLISHED' });
  });

  it('a signature the CMS refuses fails for good, saying why', async () => {
    const wrongKey = new WebsiteAdapter({
      cmsUrl: cms.url,
      signingKey: { ...KEY, secret: 'not-the-shared-secret' },
      timeoutMs: 5000,
      columns: COLUMNS,
      dispatcher: agent,
    });
    const failure = await failureOf(wrongKey.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'HTTP_401', retriable: false });
    expect(failure.message).toContain('SIGNATURE_MISMATCH');
    expect(failure.message).not.toContain('not-the-shared-secret');
  });

  it('an article the CMS finds invalid fails for good', async () => {
    cms.canned.push({ status: 400, body: { code: 'INVALID_ARTICLE', errors: [{ field: 'title', message: 'must not be empty' }] } });
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'HTTP_400', retriable: false });
    expect(failure.message).toContain('INVALID_ARTICLE');
  });

  it('a reused idempotency key fails for good', async () => {
    const delivery = deliveryOf(documentEvent());
    await adapter.deliver(delivery, signal());
    const changed = documentEvent((d) => void (d.title = 'a different article under the same key'));
    const failure = await failureOf(adapter.deliver({ ...delivery, event: changed }, signal()));
    expect(failure).toMatchObject({ code: 'HTTP_422', retriable: false });
    expect(failure.message).toContain('IDEMPOTENCY_KEY_REUSED');
  });

  it('a success answer without the page url fails for good rather than record no reference', async () => {
    cms.canned.push({ status: 201, body: { articleId: DOC_ID, revision: 1 } });
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'INVALID_ANSWER', retriable: false, status: 201 });
  });

  it('a conflict other than a stale revision fails for good', async () => {
    cms.canned.push({ status: 409, body: { code: 'LOCKED_BY_EDITOR' } });
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'HTTP_409', retriable: false, status: 409 });
    expect(failure.message).toContain('LOCKED_BY_EDITOR');
  });

  it('a CMS that is down → retriable', async () => {
    await cms.stop();
    const failure = await failureOf(adapter.deliver(deliveryOf(documentEvent()), signal()));
    expect(failure).toMatchObject({ code: 'CONNECTION_REFUSED', retriable: true });
  });
});

describe('createWebsiteAdapter', () => {
  it('builds the adapter from the configuration, with the columns file the package ships', async () => {
    const own = createWebsiteAdapter(loadWebsiteConfig({ WEBSITE_CMS_URL: cms.url }));
    try {
      expect(own.channel).toBe('website');
      expect(own.columns.columns.has('zfxxgk/zdly/ylws')).toBe(true);
      await expect(own.deliver(deliveryOf(documentEvent()), signal())).resolves.toMatchObject({ outcome: 'PUBLISHED' });
    } finally {
      await own.close();
    }
  });

  it('refuses to start with a columns file it cannot use', () => {
    expect(() => createWebsiteAdapter(loadWebsiteConfig({ WEBSITE_COLUMNS_FILE: '/nonexistent/website.yaml' }))).toThrow(WebsiteColumnsError);
  });
});
