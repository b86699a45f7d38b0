import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from 'avsc';
import {
  ContractError,
  EventDecodeError,
  InvalidEnvelopeError,
  InvalidEventDataError,
  InvalidEventInputError,
  MalformedPayloadError,
  MissingHeaderError,
  UnknownSchemaError,
} from './errors';
import { EVENT_TYPES, type EventType } from './events/event-types';
import { decodeEvent, encodeEvent, EVENT_HEADERS, type EncodedEvent, type KafkaMessageLike } from './event-envelope';
import { getDefaultRegistry, SCHEMAS_DIR } from './schema-registry';
import { sampleEvents } from './testing/sample-events';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function asConsumed(encoded: EncodedEvent): KafkaMessageLike {
  // kafkajs hands headers back as Buffers and the key as a Buffer.
  const headers = Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
  return { key: Buffer.from(encoded.key, 'utf8'), value: encoded.value, headers, offset: '42' };
}

function encodeSample<T extends EventType>(type: T): EncodedEvent {
  return encodeEvent({ type, source: '/gongkai/test', data: sampleEvents()[type] });
}

describe('event envelope', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('round-trips %s through Avro and the envelope', (type) => {
    const data = sampleEvents()[type];
    const time = new Date('2025-06-27T01:30:00.123Z');
    const encoded = encodeEvent({ type, source: '/gongkai/gateway', id: 'evt-1', time, data, traceparent: TRACEPARENT });

    const decoded = decodeEvent(asConsumed(encoded));

    expect(decoded.type).toBe(type);
    expect(decoded.id).toBe('evt-1');
    expect(decoded.source).toBe('/gongkai/gateway');
    expect(decoded.time).toEqual(time);
    expect(decoded.traceparent).toBe(TRACEPARENT);
    expect(decoded.key).toBe(encoded.key);
    expect(decoded.subject).toBe(encoded.key);
    expect(decoded.schemaVersion).toBe(getDefaultRegistry().latest(type).version);
    expect(decoded.data).toEqual(data);
  });

  it('keeps Chinese text byte for byte, astral characters and full-width digits included', () => {
    const data = sampleEvents()['document.published'];
    const decoded = decodeEvent(asConsumed(encodeSample('document.published')));
    if (decoded.type !== 'document.published') throw new Error('wrong type');

    for (const field of ['title', 'body'] as const) {
      expect(Buffer.from(decoded.data[field], 'utf8').equals(Buffer.from(data[field], 'utf8'))).toBe(true);
    }
    expect(decoded.data.title).toBe('聊城市人民政府办公室关于印发2025年政务公开工作要点的通知');
    expect(decoded.data.body).toContain('𠮷田');
    expect(decoded.data.body).toContain('２０２５年是“十四五”规划的收官之年');
    expect(decoded.data.documentNumber).toBe('聊政办字〔2025〕12号');
    expect(decoded.data.attachments[0]?.name).toBe('2025年聊城市政务公开工作要点.pdf');
  });

  it('writes the CloudEvents headers in Kafka binary mode and keys by subject', () => {
    const encoded = encodeEvent({
      type: 'document.published',
      source: '/liaocheng/oa',
      id: 'evt-7',
      time: new Date('2025-06-27T01:30:00Z'),
      data: sampleEvents()['document.published'],
    });
    const latest = getDefaultRegistry().latest('document.published');

    expect(encoded.key).toBe('lc-zfbgs-2025-000123');
    expect(encoded.headers).toEqual({
      ce_id: 'evt-7',
      ce_source: '/liaocheng/oa',
      ce_type: 'document.published',
      ce_specversion: '1.0',
      ce_time: '2025-06-27T01:30:00.000Z',
      ce_subject: 'lc-zfbgs-2025-000123',
      ce_dataschema: 'urn:gongkai:avro:document.published:v2',
      ce_avrofingerprint: latest.fingerprint,
      'content-type': 'application/avro',
    });
    // The envelope writes these names out; they are EVENT_HEADERS's, trace context aside.
    expect(Object.keys(encoded.headers).sort()).toEqual(
      Object.values(EVENT_HEADERS)
        .filter((name) => name !== EVENT_HEADERS.traceparent && name !== EVENT_HEADERS.tracestate)
        .sort(),
    );
  });

  it('writes each event its own time, whether it repeats the last one or not', () => {
    const data = sampleEvents()['document.published'];
    const times = ['2025-06-27T01:30:00.000Z', '2025-06-27T01:30:00.000Z', '2025-06-27T01:30:00.001Z', '1999-12-31T23:59:59.999Z', '2025-06-27T01:30:00.001Z'];
    const written = times.map((t, i) => encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: `evt-${i}`, time: new Date(t), data }).headers.ce_time);
    expect(written).toEqual(times);
  });

  it('keys request events by request id', () => {
    const encoded = encodeSample('request.status_changed');
    expect(encoded.key).toBe('LC-YSQ-2025-0789');
    expect(encoded.headers[EVENT_HEADERS.subject]).toBe('LC-YSQ-2025-0789');
  });

  it('keys alerts without subject by alert id', () => {
    const alert = { ...sampleEvents()['alert.raised'], subject: null };
    expect(encodeEvent({ type: 'alert.raised', source: '/gongkai/monitor', data: alert }).key).toBe(alert.alertId);
  });

  it('gives each event a fresh id and the current time when none is given', () => {
    const before = Date.now();
    const a = encodeSample('publication.retracted');
    const b = encodeSample('publication.retracted');
    expect(a.headers.ce_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.ce_id).not.toBe(b.headers.ce_id);
    expect(Date.parse(a.headers.ce_time!)).toBeGreaterThanOrEqual(before - 1);
  });

  it('writes plain Avro that a reader without the hub code can read with the .avsc file', () => {
    const encoded = encodeSample('procurement.published');
    const schema: unknown = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'procurement.published/v1.avsc'), 'utf8'));
    const plain = Type.forSchema(schema as never).fromBuffer(encoded.value) as Record<string, unknown>;

    expect(plain.projectName).toBe('聊城市政务公开专区自助查询终端采购项目');
    expect(plain.budgetFen).toBe(128_000_000);
    // Without logical types a timestamp is its milliseconds, as the Avro specification says.
    expect(plain.publishedAt).toBe(Date.parse('2025-06-28T08:00:00+08:00'));
  });

  it('reads data written with an older schema version into the current one', () => {
    const data = sampleEvents()['document.published'];
    const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', data }, { schemaVersion: 1 });
    expect(encoded.headers.ce_dataschema).toBe('urn:gongkai:avro:document.published:v1');

    const decoded = decodeEvent(asConsumed(encoded));

    expect(decoded.schemaVersion).toBe(1);
    expect(decoded.data).toEqual({ ...data, supersedes: null, keywords: [] });
  });

  it('takes the last value of a repeated header and accepts string headers and keys', () => {
    const encoded = encodeSample('publication.retracted');
    const message: KafkaMessageLike = {
      key: encoded.key,
      value: encoded.value,
      headers: { ...encoded.headers, ce_source: ['/first', Buffer.from('/second')] },
    };
    const decoded = decodeEvent(message);
    expect(decoded.source).toBe('/second');
    expect(decoded.key).toBe('lc-zfbgs-2025-000123');
  });

  it('drops a malformed traceparent instead of failing the event', () => {
    const encoded = encodeEvent({
      type: 'publication.retracted',
      source: '/gongkai/test',
      data: sampleEvents()['publication.retracted'],
      traceparent: 'not-a-trace',
    });
    expect(encoded.headers).not.toHaveProperty('traceparent');
    expect(decodeEvent(asConsumed(encoded)).traceparent).toBeUndefined();
  });

  it('checks each traceparent, the same one again and others after it', () => {
    const encode = (traceparent: string) =>
      encodeEvent({ type: 'publication.retracted', source: '/gongkai/test', data: sampleEvents()['publication.retracted'], traceparent }).headers.traceparent;
    const other = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    for (const [traceparent, kept] of [
      [TRACEPARENT, true],
      [TRACEPARENT, true],
      [`${TRACEPARENT}x`, false],
      [TRACEPARENT.toUpperCase(), false],
      [other, true],
      ['00-00000000000000000000000000000000-b7ad6b7169203331-01', false],
      [other, true],
      ['', false],
    ] as const) {
      expect(encode(traceparent)).toBe(kept ? traceparent : undefined);
    }
    // The first traceparent a process sees is checked too, the empty one included.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./event-envelope') as typeof import('./event-envelope');
      const first = fresh.encodeEvent({ type: 'publication.retracted', source: '/gongkai/test', data: sampleEvents()['publication.retracted'], traceparent: '' });
      expect(first.headers).not.toHaveProperty('traceparent');
    });
  });

  describe('refuses what it cannot trust with a non-retriable error', () => {
    function decodeFailure(message: KafkaMessageLike): ContractError {
      try {
        decodeEvent(message, { topic: 'disclosure', partition: 3 });
      } catch (err) {
        expect(err).toBeInstanceOf(EventDecodeError);
        expect((err as ContractError).retriable).toBe(false);
        return err as ContractError;
      }
      throw new Error('decoded');
    }

    it('garbage bytes', () => {
      const message = { ...asConsumed(encodeSample('document.published')), value: Buffer.from('definitely not avro') };
      const err = decodeFailure(message);
      expect(err).toBeInstanceOf(MalformedPayloadError);
      expect(err.code).toBe('EVENT_MALFORMED_PAYLOAD');
      expect(err.context).toMatchObject({ eventType: 'document.published', topic: 'disclosure', partition: 3, offset: '42' });
      expect(err.cause).toBeInstanceOf(Error);
    });

    it('a truncated value and one with trailing bytes', () => {
      const message = asConsumed(encodeSample('review.decided'));
      const truncated = { ...message, value: message.value!.subarray(0, message.value!.length - 3) };
      const padded = { ...message, value: Buffer.concat([message.value!, Buffer.from([0, 1, 2])]) };
      expect(decodeFailure(truncated)).toBeInstanceOf(MalformedPayloadError);
      expect(decodeFailure(padded)).toBeInstanceOf(MalformedPayloadError);
    });

    it('a tombstone (no value)', () => {
      expect(decodeFailure({ ...asConsumed(encodeSample('document.published')), value: null })).toBeInstanceOf(MalformedPayloadError);
    });

    it('an unknown fingerprint', () => {
      const message = asConsumed(encodeSample('document.published'));
      const unknown = 'ab'.repeat(32);
      const err = decodeFailure({ ...message, headers: { ...message.headers, ce_avrofingerprint: unknown } });
      expect(err).toBeInstanceOf(UnknownSchemaError);
      expect(err.code).toBe('EVENT_UNKNOWN_SCHEMA');
      expect(err.context).toMatchObject({ fingerprint: unknown, topic: 'disclosure' });
    });

    it.each(['ce_id', 'ce_type', 'ce_avrofingerprint', 'ce_specversion', 'content-type', 'ce_time'])('a missing %s header', (header) => {
      const message = asConsumed(encodeSample('delivery.outcome'));
      const headers = { ...message.headers };
      delete headers[header];
      const err = decodeFailure({ ...message, headers });
      expect(err).toBeInstanceOf(MissingHeaderError);
      expect(err.context).toMatchObject({ header });
    });

    it('a type that contradicts the fingerprint', () => {
      const message = asConsumed(encodeSample('document.published'));
      const err = decodeFailure({ ...message, headers: { ...message.headers, ce_type: 'publication.retracted' } });
      expect(err).toBeInstanceOf(InvalidEnvelopeError);
      expect(err.context).toMatchObject({ header: 'ce_type' });
    });

    it('a dataschema that contradicts the fingerprint', () => {
      const message = asConsumed(encodeSample('document.published'));
      const headers = { ...message.headers, ce_dataschema: 'urn:gongkai:avro:document.published:v1' };
      expect(decodeFailure({ ...message, headers })).toBeInstanceOf(InvalidEnvelopeError);
    });

    it('another spec version, content type or an unreadable time', () => {
      const message = asConsumed(encodeSample('alert.raised'));
      for (const [header, value] of [
        ['ce_specversion', '0.3'],
        ['content-type', 'application/json'],
        ['ce_time', 'yesterday'],
      ] as const) {
        const err = decodeFailure({ ...message, headers: { ...message.headers, [header]: value } });
        expect(err).toBeInstanceOf(InvalidEnvelopeError);
        expect(err.context).toMatchObject({ header });
      }
    });
  });

  describe('encoding', () => {
    it('refuses data that does not fit the schema, naming the fields', () => {
      const data = { ...sampleEvents()['document.published'], revision: '1' as unknown as number, title: undefined as unknown as string };
      let err: unknown;
      try {
        encodeEvent({ type: 'document.published', source: '/liaocheng/oa', data });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidEventDataError);
      expect((err as InvalidEventDataError).fields).toEqual(['revision', 'title']);
      expect((err as InvalidEventDataError).retriable).toBe(false);
    });

    it('refuses an invalid calendar date rather than writing a wrong day', () => {
      const data = { ...sampleEvents()['document.published'], formedOn: '2025-02-29' };
      expect(() => encodeEvent({ type: 'document.published', source: '/x', data })).toThrow(InvalidEventDataError);
    });

    it('refuses a subject that contradicts the data, an empty source and an unknown version', () => {
      const data = sampleEvents()['publication.retracted'];
      expect(() => encodeEvent({ type: 'publication.retracted', source: '/x', subject: 'other', data })).toThrow(InvalidEventInputError);
      expect(() => encodeEvent({ type: 'publication.retracted', source: '', data })).toThrow(InvalidEventInputError);
      expect(() => encodeEvent({ type: 'publication.retracted', source: '/x', data }, { schemaVersion: 9 })).toThrow(InvalidEventInputError);
    });
  });
});
