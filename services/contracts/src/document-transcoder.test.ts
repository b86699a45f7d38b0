import { avroBytes } from './event-envelope';
import { documentTranscoderReady, transcodeDocument, TRANSCODER_SCHEMA_FINGERPRINT } from './document-transcoder';
import type { EventData } from './events/event-types';
import { withFastUtf8 } from './fast-utf8';
import { eventDataFromProto, eventDataToProto } from './ingest-mapping';
import { loadIngestServiceForMapping } from './ingest-service';
import { getDefaultRegistry } from './schema-registry';
import { sampleEvents } from './testing/sample-events';
import { validateEvent } from './validation/validate-event';

type Document = EventData<'document.published'>;
const publish = loadIngestServiceForMapping().Publish!;
const schema = getDefaultRegistry().latest('document.published').type;

/** A PublishRequest holding only the document: tag 0x52, its length, then the document's bytes. */
function requestBytes(document: Record<string, unknown>): Buffer {
  return publish.requestSerialize({ document });
}

function documentRange(request: Buffer): [number, number] {
  let at = 1;
  let length = 0;
  for (let scale = 1; ; scale *= 128) {
    const byte = request[at++]!;
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
  }
  return [at, at + length];
}

/** Both roads over the same request bytes (a PublishRequest with only `document`). */
function bothRoads(request: Buffer) {
  const [start, end] = documentRange(request);
  const fast = transcodeDocument(withFastUtf8(request), start, end);
  let slow: { valid: boolean; value?: Buffer; data?: Document } = { valid: false };
  try {
    const decoded = publish.requestDeserialize(withFastUtf8(request)) as { document?: unknown };
    const data = eventDataFromProto('document.published', decoded.document ?? null);
    if (validateEvent({ type: 'document.published', data }).length === 0) slow = { valid: true, value: avroBytes(schema, data), data };
  } catch {
    // bytes that are not protobuf at all: the general road refuses them too
  }
  return { fast, slow };
}

/** The rule the fast road lives by: it accepts only what the general road accepts, byte for byte. */
function expectSameAnswer(request: Buffer): boolean {
  const { fast, slow } = bothRoads(request);
  if (fast === undefined) return false;
  expect(slow.valid).toBe(true);
  expect(fast.value.equals(slow.value!)).toBe(true);
  expect(fast.publicationId).toBe(slow.data!.publicationId);
  expect(fast.revision).toBe(slow.data!.revision);
  expect(fast.title).toBe(slow.data!.title);
  expect(fast.creditCode).toBe(slow.data!.issuingBody.creditCode);
  return true;
}

// sampleEvents() builds new objects on each call; structuredClone would make the Date another realm's under jest.
const sample = (): Document => sampleEvents()['document.published'];
const proto = (change: (d: Document) => void = () => undefined): Record<string, unknown> => {
  const d = sample();
  change(d);
  return eventDataToProto('document.published', d);
};

/** Deterministic randomness (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('document transcoder', () => {
  it('is written for the current document.published schema (update it with the schema)', () => {
    expect(getDefaultRegistry().latest('document.published').fingerprint).toBe(TRANSCODER_SCHEMA_FINGERPRINT);
    expect(documentTranscoderReady()).toBe(true);
  });

  it('writes the sample document exactly as encodeEvent does', () => {
    expect(expectSameAnswer(requestBytes(proto()))).toBe(true);
  });

  it('keeps every value it handed out as it was: later documents, refused ones and new slabs write elsewhere', () => {
    // Values share slabs of 256 KB: 400 documents of several KB fill several, and refused
    // documents in between write part of a value before standing aside.
    const kept: { value: Buffer; copy: Buffer; expected: Buffer }[] = [];
    for (let i = 0; i < 400; i++) {
      const request = requestBytes(proto((d) => Object.assign(d, { publicationId: `lc-zfbgs-2025-${String(i).padStart(6, '0')}`, body: `${i} ${d.body.repeat(1 + (i % 5))}` })));
      const { fast, slow } = bothRoads(request);
      kept.push({ value: fast!.value, copy: Buffer.from(fast!.value), expected: slow.value! });
      expect(bothRoads(requestBytes(proto((d) => (d.body = `${d.body}\u0000`)))).fast).toBeUndefined();
    }
    expect(new Set(kept.map((k) => k.value.buffer)).size).toBeGreaterThan(2);
    for (const { value, copy, expected } of kept) {
      expect(value.equals(copy)).toBe(true);
      expect(value.equals(expected)).toBe(true);
    }
  });

  it.each<[string, (d: Document) => void]>([
    ['no optional fields', (d) => Object.assign(d, { documentNumber: null, needsInterpretation: null, supersedes: null, keywords: [], attachments: [] })],
    ['an issuing body code the index number uses', (d) => Object.assign(d, { issuingBody: { ...d.issuingBody, code: 'LCZF-01' }, indexNumber: 'LCZF-01/2025-00012' })],
    ['an empty body', (d) => (d.body = '')],
    ['expired, with both dates', (d) => (d.validity = { status: 'EXPIRED', effectiveOn: '2025-01-01', endedOn: '2025-06-30' })],
    ['repealed, without effective date', (d) => (d.validity = { status: 'REPEALED', effectiveOn: null, endedOn: '2025-06-30' })],
    ['not needing interpretation', (d) => (d.needsInterpretation = false)],
    ['superseding another document', (d) => (d.supersedes = 'lc-zfbgs-2024-000001')],
    ['fifty attachments', (d) => (d.attachments = Array.from({ length: 50 }, (_, i) => ({ ...d.attachments[0]!, name: `附件${i}.pdf`, size: i + 1 })))],
    ['a title of exactly 200 characters, some beyond the BMP', (d) => (d.title = '𠮷'.repeat(100) + '标'.repeat(100))],
    ['a long body', (d) => (d.body = d.body.repeat(200))],
    ['a title with a leading ideographic space', (d) => (d.title = `\u3000${d.title}`)],
    ['published at the end of a China day', (d) => Object.assign(d, { formedOn: '2025-06-27', publishedAt: new Date('2025-06-27T23:59:59.999+08:00') })],
    ['published at the epoch itself (an empty Timestamp)', (d) => Object.assign(d, { formedOn: '1970-01-01', publishedAt: new Date(0) })],
    ['formed on the China day it was published, at its first millisecond (16:00 UTC the day before)', (d) => Object.assign(d, { formedOn: '2025-06-28', publishedAt: new Date('2025-06-28T00:00:00.000+08:00') })],
    ['published on 9999-12-31, the last day written with four digits', (d) => Object.assign(d, { formedOn: '9999-12-31', publishedAt: new Date('9999-12-31T23:59:59.999+08:00') })],
    ['three hundred keywords', (d) => (d.keywords = Array.from({ length: 300 }, (_, i) => `词${i}`))],
  ])('takes the fast road with %s, to the same bytes', (_, change) => {
    const { slow } = bothRoads(requestBytes(proto(change)));
    // Each shape here is valid: the general road says so, and the fast road must agree.
    expect(slow.valid).toBe(true);
    expect(expectSameAnswer(requestBytes(proto(change)))).toBe(slow.valid);
  });

  it.each<[string, (d: Document) => void]>([
    ['a blank title', (d) => (d.title = ' \u3000\t')],
    ['a title of 201 characters', (d) => (d.title = '标'.repeat(201))],
    ['a control character', (d) => (d.body += '\u0007')],
    ['a C1 control character', (d) => (d.issuingBody.name += '\u0085')],
    ['U+FFFD', (d) => (d.catalogueItem.name += '\uFFFD')],
    ['DEL', (d) => (d.keywords = ['a\u007Fb'])],
    ['a bad credit code', (d) => (d.issuingBody.creditCode = d.issuingBody.creditCode.slice(0, 17) + (d.issuingBody.creditCode.endsWith('X') ? 'Y' : 'X'))],
    ['an index number of another body', (d) => (d.indexNumber = '91371500MA3C8XXXXX/2025-00012')],
    ['a document number with 第', (d) => (d.documentNumber = '聊政办字〔2025〕第12号')],
    ['an empty document number', (d) => (d.documentNumber = '')],
    ['formed after publication', (d) => (d.formedOn = '2025-06-28')],
    ['formed the day after a publication at the last millisecond of its China day', (d) => Object.assign(d, { formedOn: '2025-06-28', publishedAt: new Date('2025-06-27T23:59:59.999+08:00') })],
    ['published after the year 9999 (the general road compares the dates as text: +010000-… sorts first)', (d) => Object.assign(d, { formedOn: '2025-06-27', publishedAt: new Date('+010000-01-01T00:00:00Z') })],
    ['a date that does not exist', (d) => (d.formedOn = '2025-02-30')],
    ['valid with an end date', (d) => (d.validity = { status: 'VALID', effectiveOn: null, endedOn: '2025-07-01' })],
    ['expired without an end date', (d) => (d.validity = { status: 'EXPIRED', effectiveOn: null, endedOn: null })],
    ['ended before it took effect', (d) => (d.validity = { status: 'REPEALED', effectiveOn: '2025-07-01', endedOn: '2025-06-30' })],
    ['no validity status', (d) => (d.validity.status = 'UNKNOWN')],
    ['no importance', (d) => (d.importance = 'UNKNOWN')],
    ['a five-digit region code', (d) => (d.region.code = '37150')],
    ['superseding itself', (d) => (d.supersedes = d.publicationId)],
    ['fifty-one attachments', (d) => (d.attachments = Array.from({ length: 51 }, () => d.attachments[0]!))],
    ['an attachment of 0 bytes', (d) => (d.attachments[0]!.size = 0)],
    ['an attachment with parameters in its media type', (d) => (d.attachments[0]!.mediaType = 'text/plain; charset=utf-8')],
    ['an upper-case hash', (d) => (d.attachments[0]!.sha256 = d.attachments[0]!.sha256.toUpperCase())],
    ['revision 0', (d) => (d.revision = 0)],
    ['no publication id', (d) => (d.publicationId = '')],
    ['no issuing body', (d) => ((d as unknown as Record<string, unknown>).issuingBody = null)],
  ])('leaves %s to the general road', (_, change) => {
    const { fast, slow } = bothRoads(requestBytes(proto(change)));
    expect(slow.valid).toBe(false);
    expect(fast).toBeUndefined();
  });

  it.each<[string, (d: Document, marker: string) => void]>([
    ['a title', (d, marker) => (d.title = `标题${marker}`)],
    // Long text is checked another way (Node's UTF-8 validator first): the body, at its start, middle and end.
    ['a long body', (d, marker) => (d.body = `${marker}${'正文'.repeat(40)}${marker}${'正文'.repeat(40)}${marker}`)],
  ])('leaves invalid UTF-8, overlong forms, encoded surrogates and unsafe characters in %s to the general road', (_, change) => {
    const marker = 'ZZZZ';
    const request = requestBytes(proto((d) => change(d, marker)));
    const unsafe = [
      [0xff, 0x41, 0x41, 0x41], // not UTF-8
      [0xc0, 0x80, 0x41, 0x41], // overlong
      [0xed, 0xa0, 0x80, 0x41], // a surrogate
      [0xe4, 0xb8, 0x41, 0x41], // cut short
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0x41, 0xc2, 0x85, 0x41], // C1 control
      [0x41, 0xef, 0xbf, 0xbd], // U+FFFD
      [0x41, 0x7f, 0x41, 0x41], // DEL
      [0x41, 0x41, 0x41, 0x1b], // ESC
    ];
    for (const bytes of unsafe) {
      for (let at = request.indexOf(marker); at >= 0; at = request.indexOf(marker, at + 1)) {
        const changed = Buffer.from(request);
        changed.set(bytes, at);
        const { fast, slow } = bothRoads(changed);
        expect(slow.valid).toBe(false);
        expect(fast).toBeUndefined();
      }
    }
    // And the same places with safe text: both roads take it (C2 A0 is a no-break space, EF BF BC is U+FFFC).
    for (const bytes of [[0x41, 0xc2, 0xa0, 0x41], [0x41, 0xef, 0xbf, 0xbc], [0x09, 0x0a, 0x0d, 0x41]]) {
      const changed = Buffer.from(request);
      for (let at = request.indexOf(marker); at >= 0; at = request.indexOf(marker, at + 1)) changed.set(bytes, at);
      expect(expectSameAnswer(changed)).toBe(true);
    }
  });

  it("judges each document's credit code and dates for itself, whatever the document before it had", () => {
    const good = sample().issuingBody.creditCode;
    const bad = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`; // the wrong check character
    const withCode = (code: string) => (d: Document) => {
      d.issuingBody = { ...d.issuingBody, creditCode: code };
      d.indexNumber = d.indexNumber.replace(good, code);
    };
    const cases: [string, (d: Document) => void, boolean][] = [
      ['the sample', () => undefined, true],
      ['a wrong check character', withCode(bad), false],
      ['the sample again', () => undefined, true],
      ['a day that does not exist', (d) => (d.formedOn = '2025-02-30'), false],
      ['the same day again', (d) => (d.formedOn = '2025-02-30'), false],
      ['the sample once more', () => undefined, true],
      ['another day', (d) => (d.formedOn = '2025-02-28'), true],
      ['the wrong character again', withCode(bad), false],
      ['an ended validity before it began', (d) => (d.validity = { status: 'EXPIRED', effectiveOn: '2025-07-01', endedOn: '2025-06-30' }), false],
      ['and in order', (d) => (d.validity = { status: 'EXPIRED', effectiveOn: '2025-06-01', endedOn: '2025-06-30' }), true],
    ];
    for (const [name, change, valid] of cases) {
      const { fast, slow } = bothRoads(requestBytes(proto(change)));
      expect([name, slow.valid]).toEqual([name, valid]);
      expect([name, fast !== undefined]).toEqual([name, valid]);
      if (fast) expect(fast.value.equals(slow.value!)).toBe(true);
    }
  });

  it('leaves unusual encodings to the general road: a field twice, an unknown field', () => {
    const request = requestBytes(proto());
    const [start, end] = documentRange(request);
    const document = request.subarray(start, end);
    const again = Buffer.concat([document, Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63])]); // publication_id again: last wins
    const unknown = Buffer.concat([document, Buffer.from([0xa0, 0x06, 0x01])]); // field 100, varint
    for (const changed of [again, unknown]) {
      const wrapped = Buffer.concat([Buffer.from([0x52]), varint(changed.length), changed]);
      expect(transcodeDocument(wrapped, documentRange(wrapped)[0], documentRange(wrapped)[1])).toBeUndefined();
    }
  });

  it('agrees with the general road on 3,000 randomly damaged documents', () => {
    const next = random(20261203);
    const base = requestBytes(proto((d) => (d.body = d.body.slice(0, 120))));
    let fastTaken = 0;
    for (let round = 0; round < 3000; round++) {
      const bytes = Buffer.from(base);
      const changes = 1 + Math.floor(next() * 3);
      for (let c = 0; c < changes; c++) {
        // Damage the document, not the request's own tag and length.
        const at = 3 + Math.floor(next() * (bytes.length - 3));
        const kind = next();
        bytes[at] = kind < 0.5 ? Math.floor(next() * 256) : kind < 0.75 ? bytes[at]! ^ (1 << Math.floor(next() * 8)) : [0x00, 0x20, 0x7f, 0x80, 0xbf, 0xc2, 0xef][Math.floor(next() * 7)]!;
      }
      if (expectSameAnswer(bytes)) fastTaken++;
    }
    // Some damage leaves a valid document (a changed letter in the body): both roads take it.
    expect(fastTaken).toBeGreaterThan(0);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
