import { encodeEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import {
  elideRepeats,
  packAnswers,
  packDocument,
  packDocuments,
  packRecord,
  readAnswers,
  restoreRepeats,
  unpackRecord,
  unpackRecords,
  type DocumentGroup,
  type ProducerJob,
  type RecordToPublish,
  type ToMain,
} from './producer-thread-messages';

/** What the producer thread receives: the packed record after a structured clone, unpacked. */
function acrossThreads(item: RecordToPublish): RecordToPublish {
  return unpackRecord(structuredClone(packRecord(item))) as RecordToPublish;
}

function document(traceparent?: string) {
  return encodeEvent({ type: 'document.published', source: '/gongkai/upstream/docs', id: 'evt-1', data: sampleEvents()['document.published'], ...(traceparent ? { traceparent } : {}) });
}

describe('packRecord / unpackRecord', () => {
  it('carries a record and its event type across unchanged, headers in their order', () => {
    const encoded = document('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const item: RecordToPublish = {
      id: 41,
      record: { topic: 'disclosure', ...encoded },
      eventType: 'document.published',
      patient: false,
    };
    const back = acrossThreads(item);
    expect(back).toEqual({ ...item, record: { ...item.record, value: new Uint8Array(encoded.value) } });
    expect(Buffer.from(back.record.value).equals(encoded.value)).toBe(true);
    expect(Object.keys(back.record.headers)).toEqual(Object.keys(encoded.headers));
    expect(Object.keys(back.record.headers)).toContain('traceparent');
    expect(back.eventType).toBe('document.published');
  });

  it('leaves out the headers a record does not have, and keeps headers the envelope does not name', () => {
    const encoded = document();
    const headers = { ...encoded.headers, 'x-upstream-batch': 'b-7', tracestate: 'gk=1' };
    const item: RecordToPublish = {
      id: 0,
      record: { topic: 'disclosure', key: encoded.key, value: encoded.value, headers },
      eventType: 'request.status_changed',
      patient: true,
    };
    const back = acrossThreads(item);
    expect(back.patient).toBe(true);
    expect(back.record.headers).toEqual(headers);
    expect('traceparent' in back.record.headers).toBe(false);
    expect(back.eventType).toBe('request.status_changed');
  });
});

describe('elideRepeats / restoreRepeats', () => {
  it('sends what repeats from one record to the next once, and the other side gets every record whole', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const items: RecordToPublish[] = [0, 1, 2].map((n) => {
      const encoded = encodeEvent({
        type: 'document.published',
        source: '/gongkai/upstream/docs',
        id: `evt-${n}`,
        data: { ...sampleEvents()['document.published'], publicationId: `pub-${n}` },
        ...(n < 2 ? { traceparent } : {}),
      });
      // The second record has one extra header, which shifts nothing the others have.
      const headers = n === 1 ? { ...encoded.headers, 'x-upstream-batch': 'b-1' } : encoded.headers;
      return { id: n, record: { topic: 'disclosure', key: encoded.key, value: encoded.value, headers }, eventType: 'document.published', patient: n === 1 };
    });
    const packed = items.map(packRecord);
    const whole = structuredClone(packed);
    elideRepeats(packed);
    expect(packed[0]).toEqual(whole[0]);
    expect(packed[1]!.filter((v) => v === null).length).toBeGreaterThanOrEqual(6); // topic, type, source, schema, fingerprint, trace …
    expect(packed[1]).toContain('evt-1');
    expect(packed[2]).toContain('pub-2');
    const received = structuredClone(packed);
    restoreRepeats(received);
    expect(received).toEqual(whole);
    expect(received.map((r) => (unpackRecord(r) as RecordToPublish).record.headers)).toEqual(items.map((i) => i.record.headers));
  });
});

describe('documents among records', () => {
  it('carry their bytes and context across, and records and documents keep their order through the repeats left out', () => {
    const bytes = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const bodies = ['11371500004283170L'];
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const encoded = document(traceparent);
    const jobs: ProducerJob[] = [
      { kind: 'document', id: 1, callerId: 'docs', eventId: 'evt-1', time: 1_764_000_000_000, traceparent, issuingBodies: bodies, bytes, start: 0, end: 4, patient: true },
      { id: 2, record: { topic: 'disclosure', ...encoded }, eventType: 'document.published', patient: true },
      { kind: 'document', id: 3, callerId: 'docs', eventId: 'evt-3', time: 1_764_000_000_001, traceparent, issuingBodies: bodies, bytes, start: 4, end: 9, patient: false },
      { kind: 'document', id: 4, callerId: 'docs', eventId: 'evt-4', time: 1_764_000_000_001, traceparent: undefined, issuingBodies: ['*'], bytes, start: 1, end: 2, patient: true },
    ];
    // A document goes packed from its id and the rest (as ThreadedPublisher sends it) or from a whole job alike.
    const packed = jobs.map((job) => {
      if (job.kind !== 'document') return packRecord(job);
      const { kind, id, ...rest } = job;
      expect(packDocument(id, rest)).toEqual(packRecord({ kind, id, ...rest }));
      return packDocument(id, rest);
    });
    elideRepeats(packed);
    expect(packed[3]).toContain(null); // the caller repeats
    const received = structuredClone(packed);
    restoreRepeats(received);
    const back = received.map(unpackRecord);
    expect(back.map((j) => j.kind ?? 'record')).toEqual(['document', 'record', 'document', 'document']);
    expect(back[0]).toEqual(jobs[0]);
    expect(back[2]).toEqual(jobs[2]);
    expect(back[3]).toEqual(jobs[3]);
    expect((back[1] as RecordToPublish).record.headers).toEqual(encoded.headers);
    expect(back.map((j) => j.patient)).toEqual([true, true, false, true]);
    // One copy of the shared bytes crossed, not one per document.
    expect((back[0] as { bytes: Uint8Array }).bytes).toBe((back[2] as { bytes: Uint8Array }).bytes);
  });
});

describe('a group of documents', () => {
  it('crosses as one pack among others and arrives as a job per document, ids in order, as documents packed alone would', () => {
    const bytes = new Uint8Array(64).map((_, i) => i);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const group = (eventIds: string[], from: number, patient: boolean): DocumentGroup => ({
      callerId: 'docs',
      time: 1_764_000_000_000,
      traceparent,
      issuingBodies: ['11371500004283170L'],
      bytes,
      patient,
      documents: eventIds.map((eventId, i) => ({ eventId, documentStart: from + 10 * i, documentEnd: from + 10 * i + 7 })),
    });
    const first = group(['evt-1', 'evt-2', 'evt-3'], 0, true);
    const second = group(['evt-9'], 40, false);
    const encoded = document(traceparent);
    const record: RecordToPublish = { id: 3, record: { topic: 'disclosure', ...encoded }, eventType: 'document.published', patient: true };
    const packed = [packDocuments(0, first), packRecord(record), packDocuments(4, second), packDocuments(5, { ...second, documents: [] })];
    elideRepeats(packed);
    const received = structuredClone(packed);
    restoreRepeats(received);
    const jobs = unpackRecords(received);
    // What the same documents packed one by one would have made.
    const alone = (g: DocumentGroup, id: number, i: number): ProducerJob => {
      const { documents, ...shared } = g;
      const { eventId, documentStart: start, documentEnd: end } = documents[i]!;
      return unpackRecord(structuredClone(packDocument(id, { ...shared, eventId, start, end })));
    };
    expect(jobs.map((j) => j.id)).toEqual([0, 1, 2, 3, 4]);
    expect(jobs[0]).toEqual(alone(first, 0, 0));
    expect(jobs[1]).toEqual(alone(first, 1, 1));
    expect(jobs[2]).toEqual(alone(first, 2, 2));
    expect((jobs[3] as RecordToPublish).record.headers).toEqual(encoded.headers);
    expect(jobs[4]).toEqual(alone(second, 4, 0));
    expect(jobs.map((j) => j.patient)).toEqual([true, true, true, true, false]);
    expect(jobs.slice(0, 3).map((j) => [(j as { start: number }).start, (j as { end: number }).end])).toEqual([
      [0, 7],
      [10, 17],
      [20, 27],
    ]);
  });
});

describe('packAnswers / readAnswers', () => {
  it('carries every kind of answer across, in order', () => {
    const answers: ToMain[] = [
      { kind: 'published', id: 7, position: { topic: 'disclosure', partition: 3, offset: '9007199254740993' }, payloadSha256: 'a'.repeat(64) },
      { kind: 'failed', id: 8, error: 'KafkaJSNumberOfRetriesExceeded: connection refused' },
      { kind: 'published', id: 0, position: { topic: 'disclosure', partition: 0, offset: '0' }, payloadSha256: 'b'.repeat(64) },
      { kind: 'failed', id: 9, error: 'KafkaJSProtocolError: MESSAGE_TOO_LARGE' },
      {
        kind: 'publishedDocument',
        id: 10,
        position: { topic: 'disclosure', partition: 5, offset: '12' },
        payloadSha256: 'c'.repeat(64),
        document: { publicationId: 'pub-1', revision: 2, title: '聊城市2025年政务公开工作要点', creditCode: '11371500004283170L' },
      },
      { kind: 'notTaken', id: 11, reason: 'unusual', creditCode: '' },
      { kind: 'notTaken', id: 12, reason: 'denied', creditCode: '11371500004283170L' },
      { kind: 'stopped' },
    ];
    const read: ToMain[] = [];
    readAnswers(structuredClone(packAnswers(answers)), {
      published: (id, position, payloadSha256) => read.push({ kind: 'published', id, position, payloadSha256 }),
      publishedDocument: (id, position, payloadSha256, document) => read.push({ kind: 'publishedDocument', id, position, payloadSha256, document }),
      notTaken: (id, reason, creditCode) => read.push({ kind: 'notTaken', id, reason, creditCode }),
      failed: (id, error) => read.push({ kind: 'failed', id, error }),
      stopped: () => read.push({ kind: 'stopped' }),
    });
    expect(read).toEqual(answers);
  });

  it('refuses what it cannot read rather than answer the wrong calls', () => {
    const ignore = { published: () => undefined, publishedDocument: () => undefined, notTaken: () => undefined, failed: () => undefined, stopped: () => undefined };
    expect(() => readAnswers([1, 7, 'disclosure', 3, '5', 'f'.repeat(64), 6], ignore)).toThrow('unknown answer kind 6 at 6');
  });
});
