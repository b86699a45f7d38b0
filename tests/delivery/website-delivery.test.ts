import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TOPICS, type EventData, type EventInput, type EventType } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import type { WebsiteSandbox } from '@gongkai/sandbox';
import { eventually, unique } from '../support/kafka';
import { readUntil, type ReadRecord } from '../support/review';
import { Releaser, WebsiteChannelProcess, startSandbox } from '../support/website';

type Doc = EventData<'document.published'>;
type Outcome = EventData<'delivery.outcome'>;

/** Short retry schedule and breaker so faults and recoveries fit in a test. */
const FAST = {
  DELIVERY_RETRY_INITIAL: '300ms',
  DELIVERY_RETRY_FACTOR: '2',
  DELIVERY_RETRY_MAX: '2s',
  DELIVERY_MAX_ATTEMPTS: '6',
  DELIVERY_ATTEMPT_TIMEOUT: '1500ms',
  WEBSITE_TIMEOUT_MS: '1000',
  DELIVERY_BREAKER_VOLUME: '4',
  DELIVERY_BREAKER_WINDOW: '20s',
  DELIVERY_BREAKER_RESET: '2s',
  // A burst of 100 calls, then 100 per second per column: the kill -9 test's load of 300 takes
  // seconds, so the kill lands in the middle of it on any machine.
  DELIVERY_TARGET_RATE: '100',
};

describe('website channel on the delivery engine, against the CMS sandbox', () => {
  let sandbox: WebsiteSandbox;
  let channel: WebsiteChannelProcess;
  const releaser = new Releaser();

  beforeAll(async () => {
    sandbox = await startSandbox();
    channel = new WebsiteChannelProcess(sandbox.url, FAST);
    await channel.start();
  }, 90_000);
  afterAll(async () => {
    await channel?.stop();
    await releaser.close();
    await sandbox?.close();
  });
  afterEach(async () => {
    await sandbox.clearFaults();
  });

  function doc(publicationId: string, revision = 1, change: Partial<Doc> = {}): EventInput<EventType> {
    const data: Doc = { ...sampleEvents()['document.published'], publicationId, revision, ...change };
    return { type: 'document.published', source: '/liaocheng/oa', id: unique(`doc-r${revision}`), subject: publicationId, data };
  }

  function retraction(publicationId: string): EventInput<EventType> {
    return {
      type: 'publication.retracted',
      source: '/liaocheng/oa',
      id: unique('retract'),
      subject: publicationId,
      data: { publicationId, reasonCode: 'PERSONAL_DATA', reason: '含个人信息', requestedBy: '市政府办公室', retractedAt: new Date() },
    };
  }

  const articleId = (publicationId: string, column: string) => `${publicationId}~${column.replace(/\//g, '.')}`;

  /** Outcomes of a publication's deliveries, once `done` holds. */
  async function outcomes(publicationId: string, done: (o: Outcome[]) => boolean, what: string): Promise<Outcome[]> {
    const records = await readUntil(TOPICS.delivery, new Set([publicationId]), (r) => done(outcomesOf(r)), what);
    return outcomesOf(records);
  }
  const outcomesOf = (records: readonly ReadRecord[]): Outcome[] => records.flatMap((r) => (r.event.type === 'delivery.outcome' ? [r.event.data] : []));

  it('publishes a released document to its column: the page is on the site and the outcome names it', async () => {
    const id = unique('lc');
    const input = doc(id, 1, { title: '关于<script>alert(1)</script>的通知' });
    await releaser.release([{ input, targets: ['zfxxgk/zcwj'] }]);
    const [published] = await outcomes(id, (o) => o.some((x) => x.outcome === 'PUBLISHED'), 'PUBLISHED');
    const article = sandbox.article(articleId(id, 'zfxxgk/zcwj'))!;
    expect(published).toMatchObject({ eventId: input.id, target: 'zfxxgk/zcwj', idempotencyKey: `${input.id}:zfxxgk/zcwj`, attempt: 1, channelReference: article.url, error: null });
    expect(published!.latencyMs).toEqual(expect.any(Number));
    const page = await fetch(article.url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('关于&lt;script&gt;alert(1)&lt;/script&gt;的通知');
    // Signed, with the idempotency key, and accepted once.
    const calls = sandbox.requests().filter((r) => r.idempotencyKey === `${input.id}:zfxxgk/zcwj`);
    expect(calls.map((c) => [c.method, c.status, c.signature, c.replayed])).toEqual([['PUT', 201, null, false]]);
  });

  it('a revision replaces the page; a retraction takes it down; a revision to another column moves it', async () => {
    const id = unique('lc');
    await releaser.release([{ input: doc(id, 1), targets: ['zfxxgk/zcwj', 'zfxxgk/zdly/jy'] }]);
    await outcomes(id, (o) => o.filter((x) => x.outcome === 'PUBLISHED').length === 2, 'revision 1 in two columns');
    await releaser.release([{ input: doc(id, 2, { title: '（修订）关于印发2025年政务公开工作要点的通知' }), targets: ['zfxxgk/zcwj'] }]);
    await eventually(() => sandbox.article(articleId(id, 'zfxxgk/zcwj'))?.revision === 2 && sandbox.article(articleId(id, 'zfxxgk/zdly/jy')) === undefined, 60_000, 'revision 2');
    expect(sandbox.article(articleId(id, 'zfxxgk/zcwj'))!.content.title).toBe('（修订）关于印发2025年政务公开工作要点的通知');

    await releaser.release([{ input: retraction(id), targets: [] }]);
    const all = await outcomes(id, (o) => o.some((x) => x.eventType === 'publication.retracted' && x.outcome === 'RETRACTED' && x.target === 'zfxxgk/zcwj'), 'the retraction');
    expect(sandbox.article(articleId(id, 'zfxxgk/zcwj'))).toBeUndefined();
    expect((await fetch(`${sandbox.url}/zfxxgk/zcwj/${encodeURIComponent(articleId(id, 'zfxxgk/zcwj'))}.html`)).status).toBe(404);
    expect(all.filter((o) => o.eventType === 'publication.retracted').map((o) => o.target).sort()).toEqual(['zfxxgk/zcwj', 'zfxxgk/zdly/jy']);
  });

  it.each([
    ['503 answers', { kind: 'status', status: 503, count: 2 }, 'HTTP_503'],
    ['429 with Retry-After', { kind: 'rate-limit', retryAfterSeconds: 1, count: 1 }, 'RATE_LIMITED'],
    ['a CMS that does not answer', { kind: 'timeout', count: 1 }, 'TIMEOUT'],
    ['reset connections', { kind: 'reset', count: 1 }, 'CONNECTION_RESET'],
  ] as const)('%s: the delivery is retried and published, and the failures are recorded', async (_name, fault, code) => {
    const id = unique('lc');
    await sandbox.injectFault({ ...fault, match: { pathPrefix: `/api/v1/articles/${encodeURIComponent(id)}` } });
    const input = doc(id);
    await releaser.release([{ input, targets: ['zfxxgk/qtwj'] }]);
    const all = await outcomes(id, (o) => o.some((x) => x.outcome === 'PUBLISHED'), 'published after the fault');
    const retrying = all.filter((o) => o.outcome === 'RETRYING');
    expect(retrying.length).toBeGreaterThanOrEqual(1);
    expect(retrying.every((o) => o.error?.code === code)).toBe(true);
    expect(all.find((o) => o.outcome === 'PUBLISHED')!.attempt).toBe(retrying.length + 1);
    if (fault.kind === 'rate-limit') expect(retrying[0]!.nextAttemptAt!.getTime() - retrying[0]!.attemptedAt.getTime()).toBeGreaterThanOrEqual(1000);
    expect(sandbox.article(articleId(id, 'zfxxgk/qtwj'))?.revision).toBe(1);
  });

  it('an item that is slow to publish does not hold up the items after it on its partition', async () => {
    const [slow, next] = [unique('lc'), unique('lc')];
    await sandbox.injectFault({ kind: 'slow', delayMs: 900, count: 1, match: { pathPrefix: `/api/v1/articles/${encodeURIComponent(slow)}` } });
    // Both on partition 0, the slow one first and on its own, so the next comes in a later fetch.
    await releaser.release([{ input: doc(slow), targets: ['zfxxgk/qtwj'], partition: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await releaser.release([{ input: doc(next), targets: ['zfxxgk/qtwj'], partition: 0 }]);
    await eventually(() => sandbox.article(articleId(slow, 'zfxxgk/qtwj')) !== undefined && sandbox.article(articleId(next, 'zfxxgk/qtwj')) !== undefined, 30_000, 'both items on the site');
    const received = (id: string): number => Date.parse(sandbox.requests().find((r) => r.method === 'PUT' && r.path.includes(encodeURIComponent(id)))!.at);
    // The next item's call came while the slow one was still waiting for its answer, not after it.
    expect(received(next)).toBeLessThan(received(slow) + 900);
  });

  it('a CMS that is down: connections refused, retried, published once it is back', async () => {
    const id = unique('lc');
    await sandbox.injectFault({ kind: 'down', forMs: 1500 });
    await releaser.release([{ input: doc(id), targets: ['zfxxgk/jgzn'] }]);
    const all = await outcomes(id, (o) => o.some((x) => x.outcome === 'PUBLISHED'), 'published after the outage');
    expect(all.filter((o) => o.outcome === 'RETRYING').map((o) => o.error?.code)).toContain('CONNECTION_REFUSED');
  });

  it('a delivery that fails for good is dead-lettered with its error and history', async () => {
    const id = unique('lc');
    await sandbox.injectFault({ kind: 'status', status: 503, match: { pathPrefix: `/api/v1/articles/${encodeURIComponent(id)}` } });
    const input = doc(id);
    await releaser.release([{ input, targets: ['zfxxgk/ghxx'] }]);
    const all = await outcomes(id, (o) => o.some((x) => x.outcome === 'DEAD_LETTERED'), 'dead-lettered');
    expect(all.map((o) => `${o.attempt} ${o.outcome}`)).toEqual(['1 RETRYING', '2 RETRYING', '3 RETRYING', '4 RETRYING', '5 RETRYING', '6 DEAD_LETTERED']);
    const [dead] = await readUntil('website.dlq', new Set([id]), (r) => r.length > 0, 'the dead letter');
    expect(dead!.event.id).toBe(input.id);
    expect(dead!.headers).toMatchObject({ gk_target: 'zfxxgk/ghxx', gk_action: 'publish', gk_attempt: '6', gk_error_code: 'HTTP_503', gk_origin_topic: 'released' });
    expect((JSON.parse(dead!.headers.gk_attempts!) as { code: string }[]).map((a) => a.code)).toEqual(Array(6).fill('HTTP_503'));
    expect(sandbox.article(articleId(id, 'zfxxgk/ghxx'))).toBeUndefined();
  });

  it('a retraction that comes while the publication is still being retried wins: the item never shows', async () => {
    const id = unique('lc');
    // The CMS refuses the publication (not the removal) until the test ends.
    await sandbox.injectFault({ kind: 'status', status: 502, match: { method: 'PUT', pathPrefix: `/api/v1/articles/${encodeURIComponent(id)}` } });
    await releaser.release([
      { input: doc(id), targets: ['zfxxgk/rsxx'] },
      { input: retraction(id), targets: [] },
    ]);
    const all = await outcomes(id, (o) => o.some((x) => x.eventType === 'document.published' && x.outcome === 'SKIPPED'), 'the retry cancelled');
    expect(all.map((o) => `${o.eventType} ${o.outcome} ${o.error?.code ?? ''}`)).toEqual([
      'document.published RETRYING HTTP_502',
      'publication.retracted RETRACTED ',
      'document.published SKIPPED CANCELLED_BY_RETRACTION',
    ]);
    expect(sandbox.article(articleId(id, 'zfxxgk/rsxx'))).toBeUndefined();
    expect(sandbox.requests().filter((r) => r.method === 'PUT' && r.path.includes(encodeURIComponent(id)) && r.status === 201)).toEqual([]);
  });

  it('a target that keeps failing is paused by its circuit breaker and resumes by itself after a probe succeeds', async () => {
    const column = 'zfxxgk/sfqd';
    const ids = Array.from({ length: 6 }, () => unique('lc'));
    await sandbox.injectFault({ kind: 'status', status: 500, match: { method: 'PUT', pathPrefix: '/api/v1/articles/' } });
    await releaser.release(ids.map((id) => ({ input: doc(id), targets: [column] })));
    const opened = await readUntil(TOPICS.delivery, new Set(ids), (r) => outcomesOf(r).some((o) => o.error?.code === 'CIRCUIT_OPEN'), 'the breaker to open');
    const refused = outcomesOf(opened).filter((o) => o.error?.code === 'CIRCUIT_OPEN');
    // Refused without a call: no latency, and the next attempt waits for the probe.
    expect(refused[0]).toMatchObject({ outcome: 'RETRYING', latencyMs: null });
    expect(channel.log).toContain('circuit breaker open');
    await sandbox.clearFaults();
    const settled = outcomesOf(
      await readUntil(TOPICS.delivery, new Set(ids), (r) => ids.every((id) => outcomesOf(r).some((o) => o.subject === id && (o.outcome === 'PUBLISHED' || o.outcome === 'DEAD_LETTERED'))), 'every item settled'),
    );
    expect(channel.log).toContain('circuit breaker closed');
    expect(settled.filter((o) => o.outcome === 'PUBLISHED').length).toBe(ids.length);
    for (const id of ids) expect(sandbox.article(articleId(id, column))?.revision).toBe(1);
  });

  it('a delivery that fails in the channel itself (its state file locked by another process) is tried again by itself, with nothing else arriving', async () => {
    const id = unique('lc');
    const failures = () => channel.log.split('delivery failed unexpectedly').length - 1;
    const before = failures();
    // Another process (a backup, an operator's sqlite3 shell) holds the write lock longer than
    // the channel waits for it (5 s): recording the delivery fails, not the CMS.
    const holder = new Database(join(channel.stateDir, 'website.sqlite'));
    try {
      holder.exec('BEGIN IMMEDIATE');
      await releaser.release([{ input: doc(id), targets: ['zfxxgk/qtwj'], partition: 5 }]);
      await eventually(() => failures() > before, 30_000, 'the delivery to fail while the state file is locked');
      expect(sandbox.article(articleId(id, 'zfxxgk/qtwj'))).toBeUndefined();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Nothing more is released on partition 5: the channel comes back to the event by itself.
    const all = await outcomes(id, (o) => o.some((x) => x.outcome === 'PUBLISHED'), 'published once the lock is gone');
    expect(all.filter((o) => o.outcome === 'PUBLISHED')).toHaveLength(1);
    expect(sandbox.article(articleId(id, 'zfxxgk/qtwj'))?.revision).toBe(1);
    expect(channel.log).toContain('its partition is read again from it after a pause');
  });

  it('kill -9 in the middle of a load, restart: every item is on the site exactly once', async () => {
    const column = 'zfxxgk/czzj';
    const ids = Array.from({ length: 300 }, (_, i) => `${unique('load')}-${i}`);
    const inputs = ids.map((id) => doc(id));
    await releaser.release(inputs.map((input) => ({ input, targets: [column] })));
    await eventually(() => ids.filter((id) => sandbox.article(articleId(id, column))).length >= 30, 60_000, 'a part of the load on the site');
    await channel.kill();
    const before = ids.filter((id) => sandbox.article(articleId(id, column))).length;
    expect(before).toBeLessThan(ids.length);
    await channel.start();
    await eventually(() => ids.every((id) => sandbox.article(articleId(id, column))), 120_000, 'the whole load on the site');

    const keys = new Set(inputs.map((input) => `${input.id}:${column}`));
    const accepted = new Map<string, number>();
    for (const r of sandbox.requests()) {
      if (r.idempotencyKey !== null && keys.has(r.idempotencyKey) && r.status !== null && r.status < 300 && !r.replayed) {
        accepted.set(r.idempotencyKey, (accepted.get(r.idempotencyKey) ?? 0) + 1);
      }
    }
    expect(accepted.size).toBe(ids.length);
    expect([...accepted.values()].filter((n) => n !== 1)).toEqual([]);
    expect(new Set(sandbox.articles().filter((a) => a.column === column && ids.includes(a.articleId.split('~')[0]!)).map((a) => a.articleId)).size).toBe(ids.length);
  });
});
