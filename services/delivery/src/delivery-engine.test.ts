import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { HUB_HEADERS, TOPICS, decodeEvent, encodeEvent, type AnyHubEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { createLogger, type OutgoingRecord } from '@gongkai/runtime';
import type { ChannelAdapter, Delivery, DeliveryResult } from './channel-adapter';
import { DeliveryEngine } from './delivery-engine';
import { journeyOf, type DeliveryTask } from './delivery-records';
import { DeliveryState } from './delivery-state';
import { TargetFailure } from './errors';
import { RetryPolicy } from './retry-policy';
import { TargetGuard } from './target-guard';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** An adapter that answers from a script, one answer per call, and remembers the calls. */
class ScriptedAdapter implements ChannelAdapter {
  readonly channel = 'website' as const;
  readonly calls: Delivery[] = [];
  readonly script: (((d: Delivery, signal: AbortSignal) => Promise<DeliveryResult>) | DeliveryResult | Error)[] = [];
  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    this.calls.push(delivery);
    const next = this.script.shift() ?? { outcome: 'PUBLISHED', reference: `https://site/${delivery.target}/${delivery.event.subject}.html` };
    if (next instanceof Error) throw next;
    if (typeof next === 'function') return next(delivery, signal);
    return next;
  }
}

const unavailable = (retryAfterMs?: number) =>
  new TargetFailure('CMS answered 503', { code: 'HTTP_503', retriable: true, status: 503, channel: 'website', target: 'zfxxgk/zcwj', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

function released(type: 'document.published' | 'publication.retracted', id: string, revision = 1): AnyHubEvent {
  const data = type === 'document.published' ? { ...sampleEvents()['document.published'], publicationId: 'lc-1', revision } : { ...sampleEvents()['publication.retracted'], publicationId: 'lc-1' };
  return decodeEvent(encodeEvent({ type, source: '/liaocheng/oa', id, data }));
}

function taskOf(event: AnyHubEvent, offset: number, overrides: Partial<DeliveryTask> = {}): DeliveryTask {
  const encoded = encodeEvent({ type: event.type, source: event.source, id: event.id, data: event.data });
  return {
    channel: 'website',
    event,
    value: encoded.value,
    headers: { ...encoded.headers, [HUB_HEADERS.route]: '[]' },
    target: 'zfxxgk/zcwj',
    action: event.type === 'publication.retracted' ? 'remove' : 'publish',
    dueOn: null,
    attempt: 1,
    released: { partition: 0, offset: String(offset) },
    history: [],
    ...overrides,
  };
}

const outcomesOf = (records: OutgoingRecord[]) =>
  records.filter((r) => r.topic === TOPICS.delivery).map((r) => {
    const e = decodeEvent(r);
    if (e.type !== 'delivery.outcome') throw new Error(e.type);
    return e.data;
  });

describe('DeliveryEngine', () => {
  let dir: string;
  let state: DeliveryState;
  let guard: TargetGuard;
  let adapter: ScriptedAdapter;
  let engine: DeliveryEngine;
  const NOW = 1_764_290_000_000;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engine-'));
    state = new DeliveryState(join(dir, 'website.sqlite'));
    guard = new TargetGuard('website', { volumeThreshold: 100 });
    adapter = new ScriptedAdapter();
    engine = new DeliveryEngine({
      channel: 'website',
      adapter,
      state,
      guard,
      logger: silent,
      policy: new RetryPolicy({ initialDelayMs: 1000, factor: 2, maxAttempts: 3, jitter: 0, tierBoundsMs: [5000] }),
      attemptTimeoutMs: 200,
      now: () => NOW,
    });
  });
  afterEach(() => {
    guard.close();
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers with the idempotency key, records PUBLISHED with the page, and does not send it again', async () => {
    const event = released('document.published', 'e1');
    const [outcome] = outcomesOf(await engine.deliver(taskOf(event, 10)));
    expect(outcome).toMatchObject({ subject: 'lc-1', eventId: 'e1', revision: 1, channel: 'website', target: 'zfxxgk/zcwj', idempotencyKey: 'e1:zfxxgk/zcwj', attempt: 1, outcome: 'PUBLISHED', channelReference: 'https://site/zfxxgk/zcwj/lc-1.html', error: null });
    expect(adapter.calls.map((c) => [c.idempotencyKey, c.action])).toEqual([['e1:zfxxgk/zcwj', 'publish']]);

    const again = outcomesOf(await engine.deliver(taskOf(event, 10)));
    expect(again[0]).toMatchObject({ outcome: 'PUBLISHED', channelReference: 'https://site/zfxxgk/zcwj/lc-1.html', latencyMs: null });
    expect(adapter.calls).toHaveLength(1);
  });

  it('a retriable failure goes to its retry tier with the journey; the last one is dead-lettered', async () => {
    adapter.script.push(unavailable(), unavailable(4000), unavailable());
    const task = taskOf(released('document.published', 'e1'), 10);
    const first = await engine.deliver(task);
    expect(outcomesOf(first)[0]).toMatchObject({ outcome: 'RETRYING', attempt: 1, nextAttemptAt: new Date(NOW + 1000), error: { code: 'HTTP_503', message: 'CMS answered 503' } });
    const retry = first.find((r) => r.topic === 'website.retry.1')!;
    expect(retry.value.equals(task.value)).toBe(true);
    expect(journeyOf(retry.headers)).toMatchObject({ target: 'zfxxgk/zcwj', action: 'publish', attemptsMade: 1, notBefore: NOW + 1000, released: { partition: 0, offset: '10' } });

    // Retry-After longer than the schedule is honoured, and picks the tier of its length.
    const second = await engine.deliver({ ...task, attempt: 2, history: journeyOf(retry.headers)!.history });
    expect(second.map((r) => r.topic)).toEqual([TOPICS.delivery, 'website.retry.1']);
    expect(journeyOf(second[1]!.headers)?.notBefore).toBe(NOW + 4000);

    const third = await engine.deliver({ ...task, attempt: 3, history: journeyOf(second[1]!.headers)!.history });
    expect(outcomesOf(third)[0]).toMatchObject({ outcome: 'DEAD_LETTERED', attempt: 3, error: { code: 'HTTP_503' } });
    const dead = third.find((r) => r.topic === 'website.dlq')!;
    expect(JSON.parse(dead.headers.gk_attempts!)).toEqual([
      { attempt: 1, at: new Date(NOW).toISOString(), code: 'HTTP_503' },
      { attempt: 2, at: new Date(NOW).toISOString(), code: 'HTTP_503' },
      { attempt: 3, at: new Date(NOW).toISOString(), code: 'HTTP_503' },
    ]);
    expect(dead.headers.ce_id).toBe('e1');
  });

  it('a failure that cannot get better, or an adapter bug, is dead-lettered at once', async () => {
    adapter.script.push(new TargetFailure('400', { code: 'HTTP_400', retriable: false, status: 400, channel: 'website', target: 'zfxxgk/zcwj' }), new TypeError('boom'));
    expect((await engine.deliver(taskOf(released('document.published', 'e1'), 10))).map((r) => r.topic)).toEqual([TOPICS.delivery, 'website.dlq']);
    const bug = await engine.deliver(taskOf(released('document.published', 'e2'), 11));
    expect(outcomesOf(bug)[0]?.error).toEqual({ code: 'ADAPTER_ERROR', message: 'the website adapter failed: TypeError' });
  });

  it('a target that does not answer in time fails with TIMEOUT and is retried', async () => {
    adapter.script.push((_d, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    const outcome = outcomesOf(await engine.deliver(taskOf(released('document.published', 'e1'), 10)))[0];
    expect(outcome).toMatchObject({ outcome: 'RETRYING', error: { code: 'TIMEOUT' } });
  });

  it('a retraction supersedes a pending retry of what it retracts; a newer revision supersedes an older retry', async () => {
    adapter.script.push(unavailable());
    const r1 = taskOf(released('document.published', 'e1', 1), 10);
    await engine.deliver(r1);
    await engine.deliver(taskOf(released('publication.retracted', 'x1'), 12));
    const retried = outcomesOf(await engine.deliver({ ...r1, attempt: 2 }))[0];
    expect(retried).toMatchObject({ outcome: 'SKIPPED', error: { code: 'CANCELLED_BY_RETRACTION' } });
    expect(adapter.calls.map((c) => `${c.event.id} ${c.action}`)).toEqual(['e1 publish', 'x1 remove']);

    const other = { ...taskOf(released('document.published', 'e5', 1), 20), target: 'zfxxgk/qtwj' };
    adapter.script.push(unavailable());
    await engine.deliver(other);
    await engine.deliver({ ...taskOf(released('document.published', 'e6', 2), 21), target: 'zfxxgk/qtwj' });
    expect(outcomesOf(await engine.deliver({ ...other, attempt: 2 }))[0]).toMatchObject({ outcome: 'SKIPPED', error: { code: 'SUPERSEDED' } });
  });

  it('runs one publication’s deliveries one at a time, in order', async () => {
    const order: string[] = [];
    let release!: () => void;
    adapter.script.push(
      async (d) => {
        order.push(`start ${d.event.id}`);
        await new Promise<void>((r) => (release = r));
        order.push(`end ${d.event.id}`);
        return { outcome: 'PUBLISHED', reference: null };
      },
      async (d) => {
        order.push(`start ${d.event.id}`);
        return { outcome: 'RETRACTED', reference: null };
      },
    );
    const first = engine.deliver(taskOf(released('document.published', 'e1'), 10));
    const second = engine.deliver(taskOf(released('publication.retracted', 'x1'), 11));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['start e1']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['start e1', 'end e1', 'start x1']);
  });
});
