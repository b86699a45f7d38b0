import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from './accepted-event';
import { AcceptedLog } from './accepted-log';

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

describe('AcceptedLog', () => {
  let dir: string;
  let clock: number;
  let log: AcceptedLog;
  const open = (options: { maxSegmentBytes?: number } = {}) => new AcceptedLog(join(dir, 'accepted'), 30 * DAY, { now: () => clock, ...options });
  const reopen = () => {
    log.close();
    log = open();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gk-accepted-'));
    clock = 10 * DAY;
    log = open();
  });
  afterEach(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the same after warming a batch of ids, recorded, new and missing, as without', () => {
    log.record([accepted('e1'), accepted('e2')]);
    log.warmIds('docs-system', [{ eventId: 'e2' }, { eventId: 'e3' }, {}, { eventId: '' }, { eventId: 'e1' }]);
    expect(log.find('docs-system', 'e1')?.payloadSha256).toBe('sha-e1');
    expect(log.find('docs-system', 'e2')?.payloadSha256).toBe('sha-e2');
    expect(log.find('docs-system', 'e3')).toBeUndefined();
    // A batch recorded after a warm-up (which shares its list of keys) is recorded whole.
    log.record([accepted('e3'), accepted('e4')]);
    expect(log.find('docs-system', 'e4')?.subject).toBe('pub-e4');
    expect(log.publication('pub-e3')?.lastEventId).toBe('e3');
  });

  it('answers a recorded id with its first answer, for its caller only', () => {
    log.record([accepted('e1')]);
    log.record([accepted('e1', { offset: '99', payloadSha256: 'other' })]);
    expect(log.find('docs-system', 'e1')).toEqual({
      caller: 'docs-system',
      eventId: 'e1',
      payloadSha256: 'sha-e1',
      eventType: 'document.published',
      subject: 'pub-e1',
      topic: 'disclosure',
      partition: 2,
      offset: '41',
      acceptedAt: 10 * DAY,
    });
    expect(log.find('other-system', 'e1')).toBeUndefined();
    expect(log.find('docs-system', 'e2')).toBeUndefined();
  });

  it('keeps each publication and request step, within one batch and across batches and restarts', () => {
    log.record([accepted('e1'), accepted('e2', { subject: 'pub-e1', revision: 2, title: undefined, acceptedAt: 11 * DAY })]);
    log.record([
      accepted('e3', { subject: 'pub-e1', eventType: 'publication.retracted', revision: undefined, title: undefined, issuingBody: undefined, acceptedAt: 12 * DAY }),
      accepted('r1', { eventType: 'request.status_changed', subject: 'req-1', requestStep: 'RECEIVED' }),
      accepted('r2', { eventType: 'request.status_changed', subject: 'req-1', requestStep: 'ANSWERED' }),
      // A request and a publication may share an id: they are kept apart.
      accepted('r3', { eventType: 'request.status_changed', subject: 'pub-e1', requestStep: 'RECEIVED' }),
    ]);
    const expected = {
      publicationId: 'pub-e1',
      latestRevision: 2,
      lastEventType: 'publication.retracted',
      lastEventId: 'e3',
      lastCaller: 'docs-system',
      firstAcceptedAt: 10 * DAY,
      updatedAt: 12 * DAY,
      retracted: true,
      title: '关于印发2025年政务公开工作要点的通知',
      issuingBody: '11371500004305489N',
    };
    for (const check of ['now', 'after a restart']) {
      expect([check, log.publication('pub-e1')]).toEqual([check, expected]);
      expect(log.lastRequestStep('req-1')).toBe('ANSWERED');
      expect(log.lastRequestStep('pub-e1')).toBe('RECEIVED');
      expect(log.lastRequestStep('req-2')).toBeNull();
      expect(log.publication('req-1')).toBeUndefined();
      expect(log.find('docs-system', 'e2')).toMatchObject({ subject: 'pub-e1', acceptedAt: 11 * DAY });
      reopen();
    }
    // A new version after the retraction publishes it again.
    log.record([accepted('e4', { subject: 'pub-e1', revision: 3 })]);
    expect(log.publication('pub-e1')).toMatchObject({ retracted: false, latestRevision: 3, firstAcceptedAt: 10 * DAY });
  });

  it('remembers many ids in no order, and all of them again after a restart', () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => `${((i * 2_654_435_761) >>> 0).toString(16)}-${i}`);
    // One batch far larger than the first room for a batch's lines (64 KiB), then batches of 100.
    for (let i = 0; i < ids.length; i += i === 0 ? 5000 : 100) log.record(ids.slice(i, i === 0 ? 5000 : i + 100).map((id, j) => accepted(id, { offset: String(i + j) })));
    for (const when of ['now', 'after a restart']) {
      const wrong = ids.filter((id, i) => log.find('docs-system', id)?.offset !== String(i));
      expect([when, wrong.length]).toEqual([when, 0]);
      expect(log.publication(`pub-${ids[12_345]}`)?.lastEventId).toBe(ids[12_345]);
      reopen();
    }
  });

  it('starts a segment each day, and drops those past retention: their ids forgotten, their publications kept', () => {
    log.record([accepted('day10'), accepted('r1', { eventType: 'request.status_changed', subject: 'req-1', requestStep: 'RECEIVED' })]);
    clock = 11 * DAY;
    log.record([accepted('day11', { acceptedAt: 11 * DAY }), accepted('day11-rev', { subject: 'pub-day10', revision: 2, acceptedAt: 11 * DAY })]);
    clock = 41 * DAY;
    log.record([accepted('day41', { acceptedAt: 41 * DAY })]);
    expect(segments()).toHaveLength(3);

    expect(log.prune(40.5 * DAY)).toBe(2); // day 10: 'day10' and 'r1'
    expect(segments()).toHaveLength(2);
    for (const when of ['now', 'after a restart']) {
      expect([when, log.find('docs-system', 'day10')]).toEqual([when, undefined]);
      expect(log.find('docs-system', 'day11')).toMatchObject({ acceptedAt: 11 * DAY });
      expect(log.lastRequestStep('req-1')).toBe('RECEIVED');
      expect(log.publication('pub-day10')).toMatchObject({ latestRevision: 2, firstAcceptedAt: 10 * DAY });
      reopen();
    }

    clock = 80 * DAY;
    expect(log.prune()).toBe(3);
    for (const when of ['now', 'after a restart']) {
      expect([when, log.find('docs-system', 'day41')]).toEqual([when, undefined]);
      expect(log.lastRequestStep('req-1')).toBe('RECEIVED');
      expect(log.publication('pub-day10')).toMatchObject({ latestRevision: 2, firstAcceptedAt: 10 * DAY, lastEventId: 'day11-rev' });
      expect(log.publication('pub-day41')).toMatchObject({ lastEventId: 'day41' });
      reopen();
    }
  });

  it('moves a publication\'s state forward once, not again at every prune', () => {
    log.record([accepted('a')]);
    clock = 11 * DAY;
    log.record([accepted('b', { acceptedAt: 11 * DAY })]);
    clock = 45 * DAY;
    expect(log.prune()).toBe(2);
    const [landed] = segments();
    expect(segments()).toHaveLength(1); // both states now in a segment of today
    clock = 45.5 * DAY;
    log.record([accepted('c', { acceptedAt: 45.5 * DAY })]);
    clock = 46 * DAY;
    log.record([accepted('d', { acceptedAt: 46 * DAY })]);
    expect(log.prune()).toBe(0);
    expect(segments()[0]).toBe(landed);
    reopen();
    expect(log.prune()).toBe(0);
    expect(segments()[0]).toBe(landed);
    expect(log.publication('pub-a')).toMatchObject({ lastEventId: 'a', firstAcceptedAt: 10 * DAY });
    expect(log.find('docs-system', 'c')).toBeDefined();
  });

  it('keeps revisions right while its index grows in the middle of a batch', () => {
    // A revision's id may be the entry that makes the index grow, between finding its
    // publication's entry and pointing that entry at the new line. Several sizes, so that
    // growth falls on such an id with the publication's entry moved by it.
    for (const publications of [100, 150, 200, 300, 400]) {
      log.close();
      rmSync(join(dir, 'accepted'), { recursive: true, force: true });
      log = new AcceptedLog(join(dir, 'accepted'), 30 * DAY, { now: () => clock, indexSlots: 16 });
      log.record(Array.from({ length: publications }, (_, i) => accepted(`v1-${i}`, { subject: `pub-${i}` })));
      log.record(Array.from({ length: publications }, (_, i) => accepted(`v2-${i}`, { subject: `pub-${i}`, revision: 2 })));
      const stale = Array.from({ length: publications }, (_, i) => i).filter((i) => log.publication(`pub-${i}`)?.lastEventId !== `v2-${i}`);
      expect([publications, stale]).toEqual([publications, []]);
      const lost = Array.from({ length: publications }, (_, i) => i).filter((i) => !log.find('docs-system', `v1-${i}`) || !log.find('docs-system', `v2-${i}`));
      expect([publications, lost]).toEqual([publications, []]);
    }
  });

  it('starts a new segment when one is full', () => {
    log.close();
    log = open({ maxSegmentBytes: 2_000 });
    for (let i = 0; i < 40; i++) log.record([accepted(`e${i}`)]);
    const files = segments();
    expect(files.length).toBeGreaterThan(3);
    // Each is closed at the first batch past the limit.
    for (const file of files.slice(0, -1)) expect(readFileSync(file).length).toBeLessThan(2_000 + 500);
    reopen();
    expect(log.find('docs-system', 'e0')).toBeDefined();
    expect(log.find('docs-system', 'e39')).toBeDefined();
  });

  it('cuts off a last line torn by a crash, and goes on from there', () => {
    log.record([accepted('e1'), accepted('e2')]);
    log.close();
    const [segment] = segments();
    appendFileSync(segment!, '["docs-system","e3","sha-e3","document.publ');
    log = open();
    expect(log.find('docs-system', 'e2')).toBeDefined();
    expect(log.find('docs-system', 'e3')).toBeUndefined();
    log.record([accepted('e3')]);
    reopen();
    expect(log.find('docs-system', 'e3')).toMatchObject({ payloadSha256: 'sha-e3' });
    expect(readFileSync(segment!, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('refuses to start on a damaged line before the end, naming the file and the byte', () => {
    log.record([accepted('e1')]);
    log.close();
    const [segment] = segments();
    const good = readFileSync(segment!, 'utf8');
    writeFileSync(segment!, `${good}not a record\n${good}`);
    expect(() => open()).toThrow(`accepted-events log ${segment}: line at byte ${Buffer.byteLength(good)} is not a record of the log`);
    writeFileSync(segment!, good);
    log = open();
  });

  it('records nothing of a batch whose write fails, and records again once it can', () => {
    log.record([accepted('e1')]);
    const current = (log as unknown as { current: { fd: number } }).current;
    const writable = current.fd;
    current.fd = openSync(segments()[0]!, 'r'); // readable, but every write fails
    try {
      expect(() => log.record([accepted('e2'), accepted('e3', { subject: 'pub-e1', revision: 5 })])).toThrow(/EBADF/);
      expect(log.find('docs-system', 'e2')).toBeUndefined();
      expect(log.find('docs-system', 'e3')).toBeUndefined();
      expect(log.publication('pub-e1')).toMatchObject({ latestRevision: 1, lastEventId: 'e1' });
    } finally {
      closeSync(current.fd);
      current.fd = writable;
    }
    log.record([accepted('e2')]);
    reopen();
    expect(log.find('docs-system', 'e2')).toBeDefined();
    expect(log.find('docs-system', 'e3')).toBeUndefined();
    expect(log.publication('pub-e1')).toMatchObject({ latestRevision: 1 });
  });

  it('is used by one gateway at a time', () => {
    expect(() => open()).toThrow(`accepted-events log ${join(dir, 'accepted')} is already open in this process`);
    log.close();
    writeFileSync(join(dir, 'accepted', 'LOCK'), `${process.ppid}\n`);
    expect(() => open()).toThrow(`is in use by process ${process.ppid}; each gateway needs a GATEWAY_STATE_DIR of its own`);
    writeFileSync(join(dir, 'accepted', 'LOCK'), '2147483646\n'); // no such process: a gateway that was killed
    log = open();
    expect(readFileSync(join(dir, 'accepted', 'LOCK'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('takes over the SQLite store of earlier versions once', () => {
    const file = join(dir, 'accepted-events.sqlite');
    const db = new Database(file);
    db.exec(`
      CREATE TABLE accepted_events (caller TEXT NOT NULL, event_id TEXT NOT NULL, payload_sha256 TEXT NOT NULL, event_type TEXT NOT NULL, subject TEXT NOT NULL,
        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset TEXT NOT NULL, accepted_at INTEGER NOT NULL, PRIMARY KEY (caller, event_id)) WITHOUT ROWID;
      CREATE TABLE publications (publication_id TEXT PRIMARY KEY, latest_revision INTEGER NOT NULL, last_event_type TEXT NOT NULL, last_event_id TEXT NOT NULL,
        last_caller TEXT NOT NULL, first_accepted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, retracted INTEGER NOT NULL DEFAULT 0, issuing_body TEXT, title TEXT) WITHOUT ROWID;
      CREATE TABLE request_steps (request_id TEXT PRIMARY KEY, step TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO accepted_events VALUES ('docs-system', 'old-1', 'sha-old-1', 'document.published', 'pub-old', 'disclosure', 4, '1234', ${9 * DAY});
      INSERT INTO accepted_events VALUES ('docs-system', 'old-2', 'sha-old-2', 'document.published', 'pub-old', 'disclosure', 4, '1240', ${9 * DAY + 5});
      INSERT INTO publications VALUES ('pub-old', 2, 'document.published', 'old-2', 'docs-system', ${9 * DAY}, ${9 * DAY + 5}, 0, '11371500004305489N', '旧标题');
      INSERT INTO request_steps VALUES ('req-old', 'EXTENDED', ${9 * DAY});
    `);
    db.close();
    expect(log.importSqlite(file)).toEqual({ events: 2, subjects: 2 });
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.migrated`)).toBe(true);
    expect(log.importSqlite(file)).toEqual({ events: 0, subjects: 0 });
    for (const when of ['now', 'after a restart']) {
      expect([when, log.find('docs-system', 'old-2')]).toEqual([when, expect.objectContaining({ payloadSha256: 'sha-old-2', partition: 4, offset: '1240' })]);
      expect(log.publication('pub-old')).toMatchObject({ latestRevision: 2, lastEventId: 'old-2', firstAcceptedAt: 9 * DAY, title: '旧标题', issuingBody: '11371500004305489N' });
      expect(log.lastRequestStep('req-old')).toBe('EXTENDED');
      reopen();
    }
    log.record([accepted('new-1', { subject: 'pub-old', revision: 3, title: undefined })]);
    expect(log.publication('pub-old')).toMatchObject({ latestRevision: 3, firstAcceptedAt: 9 * DAY, title: '旧标题' });
  });

  function segments(): string[] {
    return readdirSync(join(dir, 'accepted'))
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => join(dir, 'accepted', f));
  }
});
