import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { TargetFailure } from '@gongkai/delivery';
import { startWebsiteSandbox, type WebsiteSandbox } from '@gongkai/sandbox';
import { articleIdOf } from './article-rendering';
import { deliveryOf, hubEvent } from './testing/deliveries';
import { createWebsiteAdapter, type WebsiteAdapter } from './website-adapter';
import { loadWebsiteConfig, websiteSigningKey } from './website-config';

// Against the CMS sandbox (tools/sandbox): what a citizen would see on the site.

async function visit(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url);
  return { status: response.status, html: await response.text() };
}

let sandbox: WebsiteSandbox;
let adapter: WebsiteAdapter;

beforeEach(async () => {
  const config = loadWebsiteConfig({});
  sandbox = await startWebsiteSandbox({ keys: [websiteSigningKey(config)] });
  adapter = createWebsiteAdapter(loadWebsiteConfig({ WEBSITE_CMS_URL: sandbox.url }));
});
afterEach(async () => {
  await adapter.close();
  await sandbox.close();
});

it('a published document appears on the site with its text escaped, and is gone after retraction', async () => {
  const data = sampleEvents()['document.published'];
  data.body = '各县（市、区）人民政府：\n<script>alert("撤回")</script>请认真贯彻执行。';
  const published = await adapter.deliver(deliveryOf(hubEvent('document.published', data)), new AbortController().signal);

  expect(published.outcome).toBe('PUBLISHED');
  const page = await visit(published.reference!);
  expect(page.status).toBe(200);
  expect(page.html).toContain('聊城市人民政府办公室关于印发2025年政务公开工作要点的通知');
  expect(page.html).toContain('&lt;script&gt;alert(&quot;撤回&quot;)&lt;/script&gt;请认真贯彻执行。');
  expect(page.html).not.toContain('<script>');

  const retracted = await adapter.deliver(deliveryOf(hubEvent('publication.retracted', sampleEvents()['publication.retracted'])), new AbortController().signal);
  expect(retracted.outcome).toBe('RETRACTED');
  expect((await visit(published.reference!)).status).toBe(404);
  expect(sandbox.article(articleIdOf(hubEvent('document.published', data), 'zfxxgk/zcwj'))).toBeUndefined();
  expect(sandbox.tombstones().map((t) => t.articleId)).toEqual([articleIdOf(hubEvent('document.published', data), 'zfxxgk/zcwj')]);
});

it('a body tampered with on the way fails the signature: the CMS stores nothing and the failure is not retried', async () => {
  // A proxy between the adapter and the CMS that changes one character of every body.
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replace('通知', '通告'));
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const upstream = request(`${sandbox.url}${req.url ?? '/'}`, { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const tampered = createWebsiteAdapter(loadWebsiteConfig({ WEBSITE_CMS_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` }));
  try {
    const event = hubEvent('document.published', sampleEvents()['document.published']);
    const failure = await tampered.deliver(deliveryOf(event), new AbortController().signal).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(TargetFailure);
    expect(failure).toMatchObject({ code: 'HTTP_401', retriable: false, status: 401 });
    expect((failure as Error).message).toContain('SIGNATURE_MISMATCH');
    expect(sandbox.articles()).toEqual([]);
    expect(sandbox.requests().map((r) => [r.status, r.signature])).toEqual([[401, 'SIGNATURE_MISMATCH']]);
  } finally {
    await tampered.close();
    await new Promise((done) => proxy.close(done));
  }
});
