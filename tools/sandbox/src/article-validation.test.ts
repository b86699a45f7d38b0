import { isIsoDate, validateArticle } from './article-validation';
import { sampleArticle } from './testing/cms-client';

const fields = (value: unknown): string[] => {
  const check = validateArticle(value);
  return check.ok ? [] : check.errors.map((e) => e.field);
};

describe('validateArticle', () => {
  it('accepts a full article and returns it as given', () => {
    const article = sampleArticle({ somethingNew: { x: 1 } });
    expect(validateArticle(article)).toEqual({ ok: true, article });
  });

  it('accepts the required fields alone, and null for optional ones', () => {
    expect(fields({ column: 'zfxxgk/zcwj', revision: 1, title: 't', bodyHtml: '' })).toEqual([]);
    expect(fields({ column: 'zfxxgk/zcwj', revision: 1, title: 't', bodyHtml: '', publishedOn: null, validity: null, attachments: null })).toEqual([]);
  });

  it('names each missing required field', () => {
    expect(fields({})).toEqual(['column', 'revision', 'title', 'bodyHtml']);
  });

  it('refuses a body that is not an object', () => {
    expect(fields([])).toEqual(['']);
    expect(fields('article')).toEqual(['']);
    expect(fields(null)).toEqual(['']);
  });

  it.each([
    ['zfxxgk/zcwj', true],
    ['zfxxgk/zdly/ggqsy', true],
    ['news', true],
    ['zfxxgk/', false],
    ['/zfxxgk', false],
    ['zfxxgk//zcwj', false],
    ['zfxxgk/../admin', false],
    ['政府信息公开', false],
    ['api/v1', false],
    ['api', false],
    ['apis', true],
  ])('column %s valid: %s', (column, valid) => {
    expect(fields(sampleArticle({ column }))).toEqual(valid ? [] : ['column']);
  });

  it.each([0, -1, 1.5, '2', Number.MAX_SAFE_INTEGER + 1])('refuses revision %p', (revision) => {
    expect(fields(sampleArticle({ revision }))).toEqual(['revision']);
  });

  it('checks dates are real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(fields(sampleArticle({ formedOn: '2025/03/10', publishedOn: '20250312' }))).toEqual(['formedOn', 'publishedOn']);
  });

  it('checks validity, kind, issuing body and attachments', () => {
    expect(fields(sampleArticle({ validity: { status: '有效', since: '2025-13-01' } }))).toEqual(['validity.since']);
    expect(fields(sampleArticle({ validity: '有效' }))).toEqual(['validity']);
    expect(fields(sampleArticle({ kind: 'notice' }))).toEqual(['kind']);
    expect(fields(sampleArticle({ issuingBody: { code: '', name: 5 } }))).toEqual(['issuingBody.code', 'issuingBody.name']);
    expect(fields(sampleArticle({ attachments: [{ name: 'a', mediaType: 'application/pdf', sizeBytes: 1, sha256: 'ab'.repeat(32) }, 'b'] }))).toEqual(['attachments[1]']);
    expect(fields(sampleArticle({ attachments: {} }))).toEqual(['attachments']);
    expect(fields(sampleArticle({ interpretationOf: '' }))).toEqual(['interpretationOf']);
  });
});
