import { encodeEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { packAnswers, packRecord, readAnswers, unpackRecord, type RecordToPublish, type ToMain } from './producer-thread-messages';

/** What the producer thread receives: the packed record after a structured clone, unpacked. */
function acrossThreads(item: RecordToPublish): RecordToPublish {
  return unpackRecord(structuredClone(packRecord(item)));
}

function document(traceparent?: string) {
  return encodeEvent({ type: 'document.published', source: '/gongkai/upstream/docs', id: 'evt-1', data: sampleEvents()['document.published'], ...(traceparent ? { traceparent } : {}) });
}

describe('packRecord / unpackRecord', () => {
  it('carries a record and its accepted facts across unchanged, headers in their order', () => {
    const encoded = document('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const item: RecordToPublish = {
      id: 41,
      record: { topic: 'disclosure', ...encoded },
      accepted: { caller: 'docs-system', eventId: 'evt-1', eventType: 'document.published', subject: encoded.key, revision: 2, title: '聊城市2025年政务公开工作要点', issuingBody: '11371500004310437T', requestStep: undefined },
    };
    const back = acrossThreads(item);
    expect(back).toEqual({ ...item, record: { ...item.record, value: new Uint8Array(encoded.value) } });
    expect(Buffer.from(back.record.value).equals(encoded.value)).toBe(true);
    expect(Object.keys(back.record.headers)).toEqual(Object.keys(encoded.headers));
    expect(Object.keys(back.record.headers)).toContain('traceparent');
    expect(Object.keys(back.accepted)).toEqual(['caller', 'eventId', 'eventType', 'subject', 'revision', 'title', 'issuingBody', 'requestStep']);
  });

  it('leaves out the headers a record does not have, and keeps headers the envelope does not name', () => {
    const encoded = document();
    const headers = { ...encoded.headers, 'x-upstream-batch': 'b-7', tracestate: 'gk=1' };
    const item: RecordToPublish = {
      id: 0,
      record: { topic: 'disclosure', key: encoded.key, value: encoded.value, headers },
      accepted: { caller: 'requests', eventId: 'r-1', eventType: 'request.status_changed', subject: 'req-1', revision: undefined, title: undefined, issuingBody: undefined, requestStep: 'ACCEPTED' },
    };
    const back = acrossThreads(item);
    expect(back.record.headers).toEqual(headers);
    expect('traceparent' in back.record.headers).toBe(false);
    expect(back.accepted).toEqual(item.accepted);
    expect(back.accepted.requestStep).toBe('ACCEPTED');
  });
});

describe('packAnswers / readAnswers', () => {
  it('carries every kind of answer across, in order', () => {
    const answers: ToMain[] = [
      { kind: 'published', id: 7, position: { topic: 'disclosure', partition: 3, offset: '9007199254740993' } },
      { kind: 'failed', id: 8, error: 'KafkaJSNumberOfRetriesExceeded: connection refused', stage: 'kafka' },
      { kind: 'published', id: 0, position: { topic: 'disclosure', partition: 0, offset: '0' } },
      { kind: 'failed', id: 9, error: 'SqliteError: disk I/O error', stage: 'record' },
      { kind: 'stopped' },
    ];
    const read: ToMain[] = [];
    readAnswers(structuredClone(packAnswers(answers)), {
      published: (id, position) => read.push({ kind: 'published', id, position }),
      failed: (id, error, stage) => read.push({ kind: 'failed', id, error, stage }),
      stopped: () => read.push({ kind: 'stopped' }),
    });
    expect(read).toEqual(answers);
  });

  it('refuses what it cannot read rather than answer the wrong calls', () => {
    const ignore = { published: () => undefined, failed: () => undefined, stopped: () => undefined };
    expect(() => readAnswers([1, 7, 'disclosure', 3, '5', 4], ignore)).toThrow('unknown answer kind 4 at 5');
  });
});
