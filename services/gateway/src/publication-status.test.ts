import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, encodeEvent, type AnyHubEvent, type EventData } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import type { PublicationRecord } from './accepted-event';
import { lastHeardOf, publicationState, PublicationStatusStore, releaseOf } from './publication-status';

const PUB = 'lc-zfbgs-2025-000123';
let dir: string;
let store: PublicationStatusStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'publication-status-'));
  store = new PublicationStatusStore(join(dir, 'status.sqlite'));
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The event as the review service or a channel writes it, read back as the gateway's consumer does. */
function asConsumed<T extends 'review.decided' | 'delivery.outcome'>(type: T, data: EventData<T>): AnyHubEvent {
  const encoded = encodeEvent({ type, source: '/gongkai/test', id: `${type}-${Math.random()}`, data });
  return decodeEvent({ key: encoded.key, value: encoded.value, headers: encoded.headers });
}

function decided(revision: number, decision: EventData<'review.decided'>['decision'], at: string): AnyHubEvent {
  return asConsumed('review.decided', { ...sampleEvents()['review.decided'], subject: PUB, revision, decision, decidedAt: new Date(at) });
}

function delivered(change: Partial<EventData<'delivery.outcome'>>): AnyHubEvent {
  return asConsumed('delivery.outcome', { ...sampleEvents()['delivery.outcome'], subject: PUB, ...change });
}

function record(change: Partial<PublicationRecord> = {}): PublicationRecord {
  return {
    publicationId: PUB,
    latestRevision: 1,
    lastEventType: 'document.published',
    lastEventId: 'e1',
    lastCaller: 'docs-system',
    firstAcceptedAt: Date.parse('2025-06-27T01:00:00Z'),
    updatedAt: Date.parse('2025-06-27T01:00:00Z'),
    retracted: false,
    issuingBody: '11371500004256817Q',
    title: 't',
    ...change,
  };
}

const state = (r: PublicationRecord = record()): string => publicationState(r, store.status(PUB));

describe('publication state', () => {
  it('is pending review until review decides on the latest revision', () => {
    expect(state()).toBe('PUBLICATION_STATE_PENDING_REVIEW');
    store.apply([decided(1, 'HELD', '2025-06-27T01:00:01Z')]);
    expect(state()).toBe('PUBLICATION_STATE_HELD');
    store.apply([decided(1, 'APPROVED_MASKED', '2025-06-27T01:30:00Z')]);
    expect(state()).toBe('PUBLICATION_STATE_RELEASED');
    // Revision 2 is accepted: what review said of revision 1 no longer answers for it.
    expect(state(record({ latestRevision: 2 }))).toBe('PUBLICATION_STATE_PENDING_REVIEW');
    store.apply([decided(2, 'REJECTED', '2025-06-28T01:00:00Z')]);
    expect(state(record({ latestRevision: 2 }))).toBe('PUBLICATION_STATE_REJECTED');
    expect(state(record({ latestRevision: 2, retracted: true }))).toBe('PUBLICATION_STATE_RETRACTED');
  });

  it('is released once review released its latest event, clean (no decision) or approved', () => {
    const released = (eventId: string, at: string) =>
      releaseOf({ headers: { ce_subject: Buffer.from(PUB), ce_source: Buffer.from('/gongkai/upstream/docs-system'), ce_id: Buffer.from(eventId) }, timestamp: String(Date.parse(at)) })!;
    store.applyReleases([released('e1', '2025-06-27T01:00:01Z')]);
    expect(state()).toBe('PUBLICATION_STATE_RELEASED');
    expect(lastHeardOf(record(), store.status(PUB))).toBe(Date.parse('2025-06-27T01:00:01Z'));
    // Revision 2 (event e2) is accepted; the release of e1 does not answer for it.
    const second = record({ latestRevision: 2, lastEventId: 'e2' });
    expect(state(second)).toBe('PUBLICATION_STATE_PENDING_REVIEW');
    store.apply([decided(2, 'HELD', '2025-06-28T01:00:00Z')]);
    expect(state(second)).toBe('PUBLICATION_STATE_HELD');
    store.applyReleases([released('e2', '2025-06-28T02:00:00Z')]);
    expect(state(second)).toBe('PUBLICATION_STATE_RELEASED');
    // The same id from another caller is another event.
    expect(state(record({ latestRevision: 2, lastEventId: 'e2', lastCaller: 'county-system' }))).toBe('PUBLICATION_STATE_HELD');
  });

  it('reads a release from the headers only, and passes over a record without them', () => {
    const headers = { ce_subject: Buffer.from(PUB), ce_source: ['/gongkai/upstream/docs-system'], ce_id: 'e1' };
    expect(releaseOf({ headers, timestamp: '1751000000000' })).toEqual({ subject: PUB, source: '/gongkai/upstream/docs-system', eventId: 'e1', releasedAt: 1751000000000 });
    expect(releaseOf({ headers: { ce_subject: Buffer.from(PUB) }, timestamp: '1' })).toBeUndefined();
  });

  it('keeps the latest decision when decisions are replayed or arrive out of order', () => {
    store.apply([decided(2, 'APPROVED', '2025-06-28T01:00:00Z'), decided(1, 'HELD', '2025-06-27T01:00:00Z')]);
    expect(store.status(PUB).decision).toEqual({ revision: 2, decision: 'APPROVED', decidedAt: Date.parse('2025-06-28T01:00:00Z') });
    store.apply([decided(2, 'HELD', '2025-06-28T00:59:00Z')]);
    expect(store.status(PUB).decision?.decision).toBe('APPROVED');
  });
});

describe('channel deliveries', () => {
  it('shows each target by its latest attempt, with the count of attempts and the last error', () => {
    store.apply([
      delivered({ attempt: 1, outcome: 'RETRYING', attemptedAt: new Date('2025-06-27T01:00:00Z'), error: { code: 'HTTP_503', message: '维护中' } }),
      delivered({ channel: 'newmedia', target: 'wechat:lc-gov', attempt: 1, outcome: 'PUBLISHED', attemptedAt: new Date('2025-06-27T01:00:02Z'), channelReference: 'mp-1', error: null }),
      delivered({ attempt: 2, outcome: 'PUBLISHED', attemptedAt: new Date('2025-06-27T01:01:00Z'), channelReference: '/zfxxgk/zcwj/a.html', error: null }),
    ]);
    expect(store.status(PUB).deliveries).toEqual([
      { channel: 'newmedia', target: 'wechat:lc-gov', revision: 1, outcome: 'PUBLISHED', attempts: 1, channelReference: 'mp-1', updatedAt: Date.parse('2025-06-27T01:00:02Z'), errorCode: null, errorMessage: null },
      { channel: 'website', target: 'zfxxgk/zcwj', revision: 1, outcome: 'PUBLISHED', attempts: 2, channelReference: '/zfxxgk/zcwj/a.html', updatedAt: Date.parse('2025-06-27T01:01:00Z'), errorCode: null, errorMessage: null },
    ]);
    expect(lastHeardOf(record(), store.status(PUB))).toBe(Date.parse('2025-06-27T01:01:00Z'));
  });

  it('counts attempts afresh for a new revision, and keeps the revision a take-down takes down', () => {
    store.apply([
      delivered({ attempt: 3, outcome: 'PUBLISHED', attemptedAt: new Date('2025-06-27T01:00:00Z'), error: null }),
      delivered({ revision: 2, attempt: 1, outcome: 'PUBLISHED', attemptedAt: new Date('2025-06-28T01:00:00Z'), error: null }),
    ]);
    expect(store.status(PUB).deliveries[0]).toMatchObject({ revision: 2, attempts: 1, outcome: 'PUBLISHED' });
    store.apply([delivered({ eventType: 'publication.retracted', revision: null, attempt: 1, outcome: 'RETRACTED', attemptedAt: new Date('2025-06-29T01:00:00Z'), error: null })]);
    expect(store.status(PUB).deliveries[0]).toMatchObject({ revision: 2, attempts: 1, outcome: 'RETRACTED' });
  });

  it('is not moved back by an older attempt, nor hidden by a skipped one', () => {
    store.apply([
      delivered({ attempt: 2, outcome: 'PUBLISHED', attemptedAt: new Date('2025-06-27T01:01:00Z'), error: null }),
      delivered({ attempt: 1, outcome: 'RETRYING', attemptedAt: new Date('2025-06-27T01:00:00Z') }),
      delivered({ attempt: 3, outcome: 'SKIPPED', attemptedAt: new Date('2025-06-27T01:02:00Z'), error: null }),
    ]);
    expect(store.status(PUB).deliveries[0]).toMatchObject({ outcome: 'PUBLISHED', attempts: 2, errorCode: null });
  });

  it('passes over events of other types, and keeps what it learned across a restart', () => {
    const published = asConsumed('delivery.outcome', { ...sampleEvents()['delivery.outcome'], subject: PUB });
    const other = decodeEvent(encodeEvent({ type: 'document.published', source: '/gongkai/test', id: 'd1', data: sampleEvents()['document.published'] }));
    store.apply([other, published]);
    store.close();
    store = new PublicationStatusStore(join(dir, 'status.sqlite'));
    expect(store.status(PUB).deliveries).toHaveLength(1);
    expect(store.status('lc-other').deliveries).toEqual([]);
  });
});
