import { startWebsiteSandbox, type WebsiteSandbox } from './website-sandbox';
import { CmsClient, TEST_KEY, sampleArticle } from './testing/cms-client';

describe('visitor pages', () => {
  let sandbox: WebsiteSandbox;
  let cms: CmsClient;

  const page = async (path: string): Promise<{ status: number; html: string; headers: Headers }> => {
    const res = await fetch(`${sandbox.url}${path}`, { redirect: 'manual' });
    return { status: res.status, html: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    sandbox = await startWebsiteSandbox({ keys: [TEST_KEY] });
    cms = new CmsClient(sandbox.url);
  });
  afterEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  it('shows an article with its disclosure fields, body and attachments', async () => {
    await cms.put('pub-0001', sampleArticle());
    const { status, html, headers } = await page('/zfxxgk/zcwj/pub-0001.html');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<h1>聊城市人民政府关于印发聊城市城市更新实施办法的通知</h1>');
    for (const [label, value] of [
      ['索引号', '11371500004310437T/2025-00012'],
      ['文号', '聊政发〔2025〕3号'],
      ['发布机构', '聊城市人民政府'],
      ['成文日期', '2025-03-10'],
      ['发布日期', '2025-03-12'],
      ['有效性', '有效（自 2025-04-01 起）'],
      ['主题分类', '城乡建设、环境保护'],
    ]) {
      expect(html).toContain(`<tr><th>${label}</th><td>${value}</td></tr>`);
    }
    expect(html).toContain('<p>现将《聊城市城市更新实施办法》印发给你们，请认真贯彻执行。</p>');
    expect(html).toContain('聊城市城市更新实施办法.pdf');
    expect(html).toContain('200.0 KB');
    expect(html).not.toContain('class="banner"');
  });

  it('escapes every value: a title with <script> shows as text', async () => {
    await cms.put('pub-0001', sampleArticle({ title: '<script>alert("x")</script>通知', documentNumber: '"><img src=x onerror=alert(1)>' }));
    const { html } = await page('/zfxxgk/zcwj/pub-0001.html');
    expect(html).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;通知</h1>');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    const list = await page('/zfxxgk/zcwj/');
    expect(list.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;通知');
    expect(list.html).not.toContain('<script>');
  });

  it('keeps the body formatted but without scripts, handlers or javascript: links', async () => {
    await cms.put('pub-0001', sampleArticle({ bodyHtml: '<p onclick="steal()">第一条<script>steal()</script></p><a href="javascript:steal()">看</a><iframe src="https://evil.example"></iframe>' }));
    const { html, headers } = await page('/zfxxgk/zcwj/pub-0001.html');
    expect(html).toContain('<article class="body"><p>第一条</p><a rel="nofollow noopener noreferrer">看</a></article>');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it.each([
    ['废止', '本文件已废止'],
    ['失效', '本文件已失效'],
  ])('marks a document whose validity is %s', async (status, banner) => {
    await cms.put('pub-0001', sampleArticle({ validity: { status, since: '2025-06-30' } }));
    const { status: code, html } = await page('/zfxxgk/zcwj/pub-0001.html');
    expect(code).toBe(200);
    expect(html).toContain(`<div class="banner" role="alert">${banner}（自 2025-06-30 起）</div>`);
    expect(html).toContain(`<tr><th>有效性</th><td>${status}（自 2025-06-30 起）</td></tr>`);
  });

  it('marks a repealed document without a date too', async () => {
    await cms.put('pub-0001', sampleArticle({ validity: { status: '废止', since: null } }));
    expect((await page('/zfxxgk/zcwj/pub-0001.html')).html).toContain('<div class="banner" role="alert">本文件已废止</div>');
  });

  it('answers 404 for a removed article and for one it never had', async () => {
    await cms.put('pub-0001', sampleArticle());
    await cms.remove('pub-0001');
    const removed = await page('/zfxxgk/zcwj/pub-0001.html');
    expect(removed.status).toBe(404);
    expect(removed.html).toContain('页面不存在');
    expect((await page('/zfxxgk/zcwj/pub-0404.html')).status).toBe(404);
    expect((await page('/zfxxgk/zcwj/')).status).toBe(404);
    expect((await page('/no/such/page')).status).toBe(404);
  });

  it('lists columns with article counts on the index, and each column links its articles newest first', async () => {
    await cms.put('pub-0001', sampleArticle({ title: '较早的文件', publishedOn: '2025-01-05' }));
    await cms.put('pub-0002', sampleArticle({ title: '较新的文件', publishedOn: '2025-02-01', indexNumber: 'IDX-2' }));
    await cms.put('pub-0003', sampleArticle({ column: 'zfxxgk/zcjd', title: '解读', kind: 'interpretation', interpretationOf: 'pub-0002' }));
    const index = await page('/');
    expect(index.html).toContain('<a href="/zfxxgk/zcjd/">zfxxgk/zcjd</a> <span class="muted">1 篇</span>');
    expect(index.html).toContain('<a href="/zfxxgk/zcwj/">zfxxgk/zcwj</a> <span class="muted">2 篇</span>');

    const column = await page('/zfxxgk/zcwj/');
    expect(column.status).toBe(200);
    expect(column.html).toContain('<tr><td><a href="/zfxxgk/zcwj/pub-0002.html">较新的文件</a></td><td>IDX-2</td><td>2025-02-01</td></tr>');
    expect(column.html.indexOf('较新的文件')).toBeLessThan(column.html.indexOf('较早的文件'));

    const interpretation = await page('/zfxxgk/zcjd/pub-0003.html');
    expect(interpretation.html).toContain('解读文件：<a href="/zfxxgk/zcwj/pub-0002.html">较新的文件</a>');
  });

  it('redirects a column without its trailing slash', async () => {
    await cms.put('pub-0001', sampleArticle());
    const { status, headers } = await page('/zfxxgk/zcwj');
    expect(status).toBe(301);
    expect(headers.get('location')).toBe('/zfxxgk/zcwj/');
  });

  it('pages a long column', async () => {
    for (let i = 1; i <= 51; i++) await cms.put(`pub-${i}`, sampleArticle({ title: `文件${i}`, publishedOn: `2025-01-${String((i % 28) + 1).padStart(2, '0')}` }));
    const first = await page('/zfxxgk/zcwj/');
    expect(first.html).toContain('第 1 页 / 共 2 页');
    expect(first.html.match(/<tr><td>/g)).toHaveLength(50);
    const second = await page('/zfxxgk/zcwj/?page=2');
    expect(second.html.match(/<tr><td>/g)).toHaveLength(1);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${sandbox.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
