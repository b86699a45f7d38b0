import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcceptedEventsWriter, IdempotencyStore, type RecordedEvent } from './idempotency-store';

const DAY = 86_400_000;

function accepted(eventId: string, extra: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    caller: 'docs-system',
    eventId,
    payloadSha256: `sha-${eventId}`,
    eventType: 'document.published',
    subject: `pub-${eventId}`,
    topic: 'disclosure',
    partition: 2,
    offset: '41',
    acceptedAt: 10 * DAY,
    revision: 1,
    title: '关于印发2025年政务公开工作要点的通知',
    issuingBody: '11371500004305489N',
    ...extra,
  };
}

describe('IdempotencyStore and AcceptedEventsWriter', () => {
  let dir: string;
  let store: IdempotencyStore;
  let writer: AcceptedEventsWriter;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gk-store-'));
    store = new IdempotencyStore(join(dir, 'accepted.sqlite'), 30 * DAY);
    writer = new AcceptedEventsWriter(store.file, store.retentionMs);
  });
  afterEach(() => {
    writer.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds what the writer recorded once it is told, with the first answer kept for a replayed id', () => {
    writer.record([accepted('e1')]);
    writer.record([accepted('e1', { offset: '99', payloadSha256: 'other' })]);
    expect(store.find('docs-system', 'e1')).toBeUndefined(); // not yet noted: ruled out without a lookup
    store.noteRecorded('docs-system', 'e1');
    expect(store.find('docs-system', 'e1')).toMatchObject({ offset: '41', payloadSha256: 'sha-e1', partition: 2 });
    expect(store.find('other-system', 'e1')).toBeUndefined();
  });

  it('keeps each publication and request step for the checks of later events', () => {
    writer.record([
      accepted('e1'),
      accepted('e2', { subject: 'pub-e1', revision: 2, title: undefined }),
      accepted('e3', { subject: 'pub-e1', eventType: 'publication.retracted', revision: undefined, title: undefined, issuingBody: undefined }),
      accepted('r1', { eventType: 'request.status_changed', subject: 'req-1', requestStep: 'RECEIVED' }),
      accepted('r2', { eventType: 'request.status_changed', subject: 'req-1', requestStep: 'ANSWERED' }),
    ]);
    expect(store.publication('pub-e1')).toMatchObject({ latestRevision: 2, lastEventId: 'e3', retracted: true, title: '关于印发2025年政务公开工作要点的通知', issuingBody: '11371500004305489N' });
    expect(store.lastRequestStep('req-1')).toBe('ANSWERED');
    expect(store.lastRequestStep('req-2')).toBeNull();
  });

  it('forgets ids past the retention window, and a new store knows the rest after a restart', () => {
    writer.record([accepted('old', { acceptedAt: 1 * DAY }), accepted('new', { acceptedAt: 40 * DAY })]);
    expect(writer.prune(45 * DAY)).toBe(1);
    store.close();
    store = new IdempotencyStore(join(dir, 'accepted.sqlite'), 30 * DAY);
    expect(store.find('docs-system', 'old')).toBeUndefined();
    expect(store.find('docs-system', 'new')).toMatchObject({ eventId: 'new' });
  });
});
