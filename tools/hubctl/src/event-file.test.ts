import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventFileError, UnreadableFileError } from './errors';
import { batchEvents, parseEventFileText, readEventFile, singleEvent, toPublishRequest, toRetractRequest } from './event-file';

const EXAMPLES = join(__dirname, '..', 'examples');

/** The problems an EventFileError carries, as `path: problem` lines. */
function problemsOf(run: () => unknown): { file: string; lines: string[] } {
  try {
    run();
  } catch (err) {
    if (err instanceof EventFileError) return { file: err.file, lines: err.problems.map((p) => `${p.path}: ${p.problem}`) };
    throw err;
  }
  throw new Error('expected an EventFileError');
}

const minimalDocument = {
  type: 'document.published',
  data: { publicationId: 'lc-zfbgs-2025-000123', title: '聊城市人民政府办公室关于印发2025年政务公开工作要点的通知', importance: 'IMPORTANT' },
};

describe('event files', () => {
  it('reads the YAML example as a document with its Chinese text intact, in proto terms', () => {
    const file = join(EXAMPLES, 'document-published.yaml');
    const event = singleEvent(readEventFile(file), file);
    expect(event.type).toBe('document.published');
    expect(event.source).toBe('/liaocheng/zfbgs/oa');
    const request = toPublishRequest(event, 'evt-1', '/gongkai/hubctl') as Record<string, unknown>;
    const document = request.document as Record<string, unknown>;
    expect(request.eventId).toBe('evt-1');
    expect(document.documentNumber).toBe('聊政办字〔2025〕12号');
    expect(document.indexNumber).toBe('11371500004310437T/2025-00012');
    expect(document.importance).toBe('IMPORTANCE_IMPORTANT');
    expect(document.formedOn).toBe('2025-06-26');
    // 09:30 in China Standard Time is 01:30 UTC.
    expect(document.publishedAt).toEqual({ seconds: String(Date.parse('2025-06-27T01:30:00Z') / 1000), nanos: 0 });
    expect((document.region as Record<string, unknown>).code).toBe('371500');
  });

  it('reads the JSON example as a procurement notice', () => {
    const file = join(EXAMPLES, 'procurement-published.json');
    const event = singleEvent(readEventFile(file), file);
    const procurement = (toPublishRequest(event, 'evt-2', '/s') as Record<string, unknown>).procurement as Record<string, unknown>;
    expect(procurement.method).toBe('PROCUREMENT_METHOD_PUBLIC_TENDER');
    expect(procurement.noticeKind).toBe('PROCUREMENT_NOTICE_KIND_TENDER');
    expect(procurement.budgetFen).toBe('128000000');
  });

  it('takes JSON and YAML alike, choosing by the extension', () => {
    const yaml = parseEventFileText('type: document.published\ndata:\n  publicationId: a-1\n  formedOn: 2025-06-26\n', 'doc.yml');
    const json = parseEventFileText('{"type":"document.published","data":{"publicationId":"a-1","formedOn":"2025-06-26"}}', 'doc.json');
    expect(yaml).toEqual(json);
  });

  it('names the file, the line and the column of broken JSON', () => {
    const { file, lines } = problemsOf(() => parseEventFileText('{\n  "type": "document.published",\n  "data" {}\n}', 'events/doc.json'));
    expect(file).toBe('events/doc.json');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^: not valid JSON: line 3, column \d+: Unexpected token/);
  });

  it('names the line of broken YAML and a key given twice', () => {
    expect(problemsOf(() => parseEventFileText('type: document.published\ndata:\n  title: [a,\n', 'doc.yaml')).lines[0]).toMatch(/not valid YAML: line \d+, column \d+/);
    const duplicate = problemsOf(() => parseEventFileText('type: document.published\ntype: procurement.published\ndata: {}\n', 'doc.yaml'));
    expect(duplicate.lines[0]).toMatch(/line 2, column 1: Map keys must be unique/);
  });

  it('refuses an empty file and several YAML documents', () => {
    expect(problemsOf(() => parseEventFileText('  \n', 'doc.yaml')).lines).toEqual([': the file is empty']);
    expect(problemsOf(() => parseEventFileText('type: a\n---\ntype: b\n', 'doc.yaml')).lines[0]).toContain('holds 2 YAML documents');
  });

  it('says when the file is missing, as a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubctl-'));
    expect(() => readEventFile(join(dir, 'nope.yaml'))).toThrow(UnreadableFileError);
    expect(() => readEventFile(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read it: no such file/);
    expect(() => readEventFile(dir)).toThrow(/it is a folder/);
  });

  it('names each problem of the event by its path', () => {
    const { lines } = problemsOf(() =>
      singleEvent(
        {
          type: 'document.published',
          title: 'at the top',
          data: {
            publicationId: 'lc-1',
            issuing_body: { name: 'x' },
            importance: 'VERY',
            revision: 'one',
            publishedAt: '2025-06-27 09:30',
            attachments: [{ name: 'a.pdf', size: 12.5 }],
            region: { code: 371500 },
          },
        },
        'doc.yaml',
      ),
    );
    expect(lines).toEqual([
      "title: not a key of an event file (type, eventId, source, data); the event's own fields go under 'data'",
      "data.issuing_body: not a field of document.published; did you mean 'issuingBody'?",
      "data.revision: must be a whole number; found 'one'",
      "data.attachments[0].size: must be a whole number; found 12.5",
      "data.publishedAt: must be a date and time with its offset, e.g. 2025-06-27T09:30:00+08:00; found '2025-06-27 09:30'",
      'data.region.code: must be text (put it in quotes); found 371500',
      'data.importance: must be one of NORMAL, IMPORTANT; found \'VERY\'',
    ]);
  });

  it('accepts enum symbols with their proto prefix too', () => {
    expect(singleEvent({ ...minimalDocument, data: { ...minimalDocument.data, importance: 'IMPORTANCE_NORMAL' } }, 'd.json').type).toBe('document.published');
  });

  it('refuses an unknown type, a missing data mapping and a list where one event belongs', () => {
    expect(problemsOf(() => singleEvent({ type: 'review.decided', data: {} }, 'd.json')).lines[0]).toMatch(/^type: must be one of document\.published, .*publication\.retracted; found 'review\.decided'/);
    expect(problemsOf(() => singleEvent({ type: 'document.published' }, 'd.json')).lines).toEqual(["data: must be a mapping of the event's fields; found nothing"]);
    expect(problemsOf(() => singleEvent([minimalDocument, minimalDocument], 'd.json')).lines[0]).toContain("holds a list of 2 events; use 'hubctl publish-batch'");
  });

  it('reads a batch, naming a bad item by its index and refusing retractions in it', () => {
    expect(batchEvents([minimalDocument, { ...minimalDocument, eventId: 'e-2' }], 'b.yaml').map((e) => e.eventId)).toEqual([undefined, 'e-2']);
    const { lines } = problemsOf(() =>
      batchEvents([minimalDocument, { type: 'document.published', data: { titel: 'x' } }, { type: 'publication.retracted', data: { publicationId: 'x' } }], 'b.yaml'),
    );
    expect(lines).toEqual([
      "[1].data.titel: not a field of document.published; did you mean 'title'?",
      "[2].type: a batch cannot carry a retraction; use 'hubctl retract' or 'hubctl publish' with a file of its own",
    ]);
    expect(problemsOf(() => batchEvents(minimalDocument, 'b.yaml')).lines[0]).toContain("holds one event, not a list; use 'hubctl publish'");
    expect(problemsOf(() => batchEvents(Array.from({ length: 501 }, () => minimalDocument), 'b.yaml')).lines[0]).toContain('at most 500');
  });

  it('makes a retraction request in proto terms', () => {
    const request = toRetractRequest({ publicationId: 'lc-1', reasonCode: 'PUBLISHED_IN_ERROR', reason: '误发', requestedBy: 'operator:wang.li', retractedAt: '2025-06-27T11:05:00+08:00' }, 'e-9', '/s');
    expect(request.retraction).toMatchObject({ reasonCode: 'RETRACTION_REASON_PUBLISHED_IN_ERROR', retractedAt: { seconds: String(Date.parse('2025-06-27T03:05:00Z') / 1000) } });
  });

  it('writes files it can read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubctl-'));
    const file = join(dir, 'doc.json');
    writeFileSync(file, JSON.stringify(minimalDocument));
    expect(singleEvent(readEventFile(file), file).data.title).toBe(minimalDocument.data.title);
  });
});
