import { startWebsiteSandbox, type WebsiteSandbox } from './website-sandbox';
import { CmsClient, TEST_KEY, sampleArticle } from './testing/cms-client';

describe('the article API', () => {
  let sandbox: WebsiteSandbox;
  let cms: CmsClient;

  beforeAll(async () => {
    sandbox = await startWebsiteSandbox({ port: 0, controlPort: 0, keys: [TEST_KEY] });
    cms = new CmsClient(sandbox.url);
  });
  afterEach(() => sandbox.reset());
  afterAll(() => sandbox.close());

  describe('PUT', () => {
    it('creates an article and answers 201 with its page URL', async () => {
      const answer = await cms.put('pub-0001', sampleArticle());
      expect(answer.status).toBe(201);
      expect(answer.json).toEqual({ articleId: 'pub-0001', revision: 1, url: `${sandbox.url}/zfxxgk/zcwj/pub-0001.html` });
      const [stored] = sandbox.articles();
      expect(stored).toMatchObject({ articleId: 'pub-0001', column: 'zfxxgk/zcwj', revision: 1, url: answer.json.url });
      expect(stored?.createdAt).toBe(stored?.updatedAt);
    });

    it('stores the body exactly, unknown fields included', async () => {
      const article = sampleArticle({ catalogueItem: 'ZDGK-01-02', extra: { nested: [1, 'two', null] }, title: '  标题带空格  ' });
      await cms.put('pub-0001', article);
      expect(sandbox.article('pub-0001')?.content).toEqual(article);
    });

    it('replaces an article with a higher revision (200) and keeps when it was created', async () => {
      await cms.put('pub-0001', sampleArticle());
      const created = sandbox.article('pub-0001');
      const answer = await cms.put('pub-0001', sampleArticle({ revision: 2, title: '修订后的标题' }));
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ articleId: 'pub-0001', revision: 2, url: `${sandbox.url}/zfxxgk/zcwj/pub-0001.html` });
      expect(sandbox.article('pub-0001')).toMatchObject({ revision: 2, createdAt: created?.createdAt, content: { title: '修订后的标题' } });
    });

    it('replaces on an equal revision with other content, and changes nothing on an equal revision with the same content', async () => {
      let clock = Date.parse('2025-03-12T08:00:00Z');
      const timed = await startWebsiteSandbox({ keys: [TEST_KEY], now: () => clock });
      try {
        const client = new CmsClient(timed.url);
        await client.put('pub-0001', sampleArticle(), { timestamp: clock });
        clock += 60_000;
        const same = await client.put('pub-0001', sampleArticle(), { timestamp: clock });
        expect(same.status).toBe(200);
        expect(timed.article('pub-0001')?.updatedAt).toBe('2025-03-12T08:00:00.000Z');

        clock += 60_000;
        const corrected = await client.put('pub-0001', sampleArticle({ title: '更正后的标题' }), { timestamp: clock });
        expect(corrected.status).toBe(200);
        expect(timed.article('pub-0001')).toMatchObject({ revision: 1, updatedAt: '2025-03-12T08:02:00.000Z', content: { title: '更正后的标题' } });
      } finally {
        await timed.close();
      }
    });

    it('treats the same content with keys in another order as the same content', async () => {
      await cms.put('pub-0001', { revision: 1, column: 'zfxxgk/zcwj', title: 't', bodyHtml: '<p>b</p>' });
      const before = sandbox.article('pub-0001');
      const answer = await cms.put('pub-0001', { bodyHtml: '<p>b</p>', title: 't', column: 'zfxxgk/zcwj', revision: 1 });
      expect(answer.status).toBe(200);
      expect(sandbox.article('pub-0001')).toBe(before);
    });

    it('refuses a lower revision with 409 STALE_REVISION, the current revision and the URL', async () => {
      await cms.put('pub-0001', sampleArticle({ revision: 3 }));
      const answer = await cms.put('pub-0001', sampleArticle({ revision: 2, title: '旧版' }));
      expect(answer.status).toBe(409);
      expect(answer.json).toMatchObject({ code: 'STALE_REVISION', currentRevision: 3, url: `${sandbox.url}/zfxxgk/zcwj/pub-0001.html` });
      expect(typeof answer.json.message).toBe('string');
      expect(sandbox.article('pub-0001')?.content.title).not.toBe('旧版');
    });

    it('moves the page when a revision changes the column', async () => {
      await cms.put('pub-0001', sampleArticle());
      const answer = await cms.put('pub-0001', sampleArticle({ revision: 2, column: 'zfxxgk/qtwj' }));
      expect(answer.json.url).toBe(`${sandbox.url}/zfxxgk/qtwj/pub-0001.html`);
      expect((await fetch(`${sandbox.url}/zfxxgk/qtwj/pub-0001.html`)).status).toBe(200);
      expect((await fetch(`${sandbox.url}/zfxxgk/zcwj/pub-0001.html`)).status).toBe(404);
    });

    it('takes URL-encoded article ids and encodes them in the page URL', async () => {
      const answer = await cms.put('pub/2025 #1', sampleArticle());
      expect(answer.status).toBe(201);
      expect(answer.json).toMatchObject({ articleId: 'pub/2025 #1', url: `${sandbox.url}/zfxxgk/zcwj/pub%2F2025%20%231.html` });
      expect((await fetch(answer.json.url as string)).status).toBe(200);
    });

    it('answers 400 INVALID_ARTICLE naming every field that is wrong', async () => {
      const answer = await cms.put('pub-0001', {
        column: 'Zfxxgk//zcwj',
        revision: 0,
        title: ' ',
        publishedOn: '2025-02-30',
        validity: { status: '作废', since: null },
        kind: 'notice',
        attachments: [{ name: 'a.pdf', mediaType: 'pdf', sizeBytes: -1, sha256: 'ABC' }],
      });
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('INVALID_ARTICLE');
      expect((answer.json.errors as { field: string }[]).map((e) => e.field)).toEqual([
        'column',
        'revision',
        'title',
        'bodyHtml',
        'publishedOn',
        'kind',
        'validity.status',
        'attachments[0].mediaType',
        'attachments[0].sizeBytes',
        'attachments[0].sha256',
      ]);
      expect(sandbox.articles()).toEqual([]);
    });

    it('answers 400 for a body that is not JSON or not an object', async () => {
      const broken = await cms.send('PUT', '/api/v1/articles/pub-0001', '{"column":');
      expect(broken.status).toBe(400);
      expect(broken.json).toMatchObject({ code: 'INVALID_ARTICLE', errors: [{ field: '', message: 'the body is not valid JSON' }] });
      const list = await cms.send('PUT', '/api/v1/articles/pub-0001', '[]');
      expect(list.json).toMatchObject({ code: 'INVALID_ARTICLE', errors: [{ field: '' }] });
    });

    it('answers 415 for a body that is not declared JSON', async () => {
      const answer = await cms.put('pub-0001', sampleArticle(), { contentType: 'text/plain' });
      expect(answer.status).toBe(415);
      expect(answer.json.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const none = await cms.put('pub-0001', sampleArticle(), { contentType: null });
      expect(none.status).toBe(415);
      const utf8 = await cms.put('pub-0001', sampleArticle(), { contentType: 'application/json; charset=UTF-8' });
      expect(utf8.status).toBe(201);
    });

    it('answers 413 for a body over 5 MiB and stores nothing', async () => {
      const answer = await cms.put('pub-0001', sampleArticle({ bodyHtml: 'x'.repeat(5 * 1024 * 1024) }));
      expect(answer.status).toBe(413);
      expect(answer.json.code).toBe('PAYLOAD_TOO_LARGE');
      expect(sandbox.articles()).toEqual([]);
      expect(sandbox.requests().at(-1)).toMatchObject({ status: 413, signature: 'NOT_CHECKED' });
    });

    it('accepts a body just under 5 MiB', async () => {
      const article = sampleArticle({ bodyHtml: '' });
      const room = 5 * 1024 * 1024 - Buffer.byteLength(JSON.stringify(article));
      const answer = await cms.put('pub-0001', { ...article, bodyHtml: 'x'.repeat(room) });
      expect(answer.status).toBe(201);
    });

    it('requires an Idempotency-Key (400 IDEMPOTENCY_KEY_MISSING)', async () => {
      const answer = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: null });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISSING' });
      expect(sandbox.articles()).toEqual([]);
    });
  });

  describe('DELETE', () => {
    it('removes an article (200), keeps a tombstone, and the page is gone', async () => {
      await cms.put('pub-0001', sampleArticle({ revision: 4 }));
      const answer = await cms.remove('pub-0001');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ articleId: 'pub-0001', removed: true });
      expect(sandbox.articles()).toEqual([]);
      expect(sandbox.tombstones()).toEqual([{ articleId: 'pub-0001', column: 'zfxxgk/zcwj', revision: 4, removedAt: expect.any(String) }]);
      expect((await fetch(`${sandbox.url}/zfxxgk/zcwj/pub-0001.html`)).status).toBe(404);
    });

    it('answers 404 NOT_FOUND for an article it does not have', async () => {
      const answer = await cms.remove('pub-9999');
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('still accepts a later PUT of a removed article, whatever its revision', async () => {
      await cms.put('pub-0001', sampleArticle({ revision: 5 }));
      await cms.remove('pub-0001');
      const answer = await cms.put('pub-0001', sampleArticle({ revision: 1 }));
      expect(answer.status).toBe(201);
      expect(sandbox.article('pub-0001')?.revision).toBe(1);
      expect(sandbox.tombstones()).toHaveLength(1);
    });

    it('requires an Idempotency-Key', async () => {
      await cms.put('pub-0001', sampleArticle());
      const answer = await cms.remove('pub-0001', { idempotencyKey: null });
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('IDEMPOTENCY_KEY_MISSING');
      expect(sandbox.article('pub-0001')).toBeDefined();
    });
  });

  describe('idempotency', () => {
    it('replays the first answer for the same key and request, with Idempotent-Replayed, changing nothing', async () => {
      const first = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:zfxxgk/zcwj' });
      await cms.put('pub-0001', sampleArticle({ revision: 2, title: '第二版' }));
      const again = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-1:zfxxgk/zcwj' });
      expect(again.status).toBe(201);
      expect(again.json).toEqual(first.json);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(sandbox.article('pub-0001')).toMatchObject({ revision: 2, content: { title: '第二版' } });
      expect(sandbox.requests().at(-1)).toMatchObject({ idempotencyKey: 'evt-1:zfxxgk/zcwj', status: 201, replayed: true });
    });

    it('replays a removal rather than answering 404 the second time', async () => {
      await cms.put('pub-0001', sampleArticle());
      await cms.remove('pub-0001', { idempotencyKey: 'evt-2:zfxxgk/zcwj' });
      const again = await cms.remove('pub-0001', { idempotencyKey: 'evt-2:zfxxgk/zcwj' });
      expect(again.status).toBe(200);
      expect(again.json).toEqual({ articleId: 'pub-0001', removed: true });
      expect(sandbox.tombstones()).toHaveLength(1);
    });

    it('replays a 409 for a retried stale revision', async () => {
      await cms.put('pub-0001', sampleArticle({ revision: 3 }));
      const first = await cms.put('pub-0001', sampleArticle({ revision: 2 }), { idempotencyKey: 'evt-3:w' });
      const again = await cms.put('pub-0001', sampleArticle({ revision: 2 }), { idempotencyKey: 'evt-3:w' });
      expect([first.status, again.status]).toEqual([409, 409]);
      expect(again.json).toEqual(first.json);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, path or method', async () => {
      await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-4:w' });
      const otherBody = await cms.put('pub-0001', sampleArticle({ title: '别的内容' }), { idempotencyKey: 'evt-4:w' });
      const otherPath = await cms.put('pub-0002', sampleArticle(), { idempotencyKey: 'evt-4:w' });
      const otherMethod = await cms.remove('pub-0001', { idempotencyKey: 'evt-4:w' });
      for (const answer of [otherBody, otherPath, otherMethod]) {
        expect(answer.status).toBe(422);
        expect(answer.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      }
      expect(sandbox.articles().map((a) => [a.articleId, a.content.title])).toEqual([['pub-0001', sampleArticle().title]]);
    });

    it('does not remember a refusal, so a corrected retry under the same key goes through', async () => {
      const refused = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-5:w', contentType: 'text/plain' });
      expect(refused.status).toBe(415);
      const retried = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-5:w' });
      expect(retried.status).toBe(201);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
    });

    it('forgets keys on reset', async () => {
      await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-6:w' });
      await sandbox.reset();
      const answer = await cms.put('pub-0001', sampleArticle(), { idempotencyKey: 'evt-6:w' });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('idempotent-replayed')).toBeNull();
    });
  });

  describe('routes', () => {
    it('answers 404 ROUTE_NOT_FOUND elsewhere under /api/ and 405 for other methods on an article', async () => {
      const elsewhere = await cms.send('PUT', '/api/v1/pages/x', '{}');
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.json.code).toBe('ROUTE_NOT_FOUND');
      const get = await cms.send('GET', '/api/v1/articles/pub-0001', undefined);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('PUT, DELETE');
      expect(get.json.code).toBe('METHOD_NOT_ALLOWED');
    });

    it('answers 400 for an article id that cannot name a page', async () => {
      const answer = await cms.send('PUT', '/api/v1/articles/%E4%ZZ', JSON.stringify(sampleArticle()));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'INVALID_ARTICLE', errors: [{ field: 'articleId' }] });
    });

    it('answers every error as JSON with a code and a message', async () => {
      const answers = [
        await cms.send('PUT', '/api/v1/nothing', '{}'),
        await cms.put('pub-0001', sampleArticle(), { idempotencyKey: null }),
        await cms.put('pub-0001', {}),
        await cms.remove('pub-0404'),
      ];
      for (const answer of answers) {
        expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(answer.json).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
      }
    });
  });
});
