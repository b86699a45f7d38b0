import type { FieldProblem } from './errors';

/**
 * What the CMS accepts in the body of `PUT /api/v1/articles/{articleId}`, and the rules it
 * checks. Fields the CMS does not know are kept as they came.
 */

/** 有效性: whether a document is in force. 失效: lapsed; 废止: repealed. */
export const VALIDITY_STATUSES = ['有效', '失效', '废止'] as const;
export type ValidityStatus = (typeof VALIDITY_STATUSES)[number];

export const ARTICLE_KINDS = ['document', 'interpretation', 'procurement'] as const;
export type ArticleKind = (typeof ARTICLE_KINDS)[number];

export interface IssuingBody {
  readonly code: string;
  readonly name: string;
}

export interface Validity {
  readonly status: ValidityStatus;
  /** Date the status took effect (YYYY-MM-DD), or null when not known. */
  readonly since?: string | null;
}

export interface Attachment {
  readonly name: string;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** An article as the hub sends it. */
export interface ArticleContent {
  /** The site column, path-like: `zfxxgk/zcwj`. */
  readonly column: string;
  readonly revision: number;
  readonly title: string;
  readonly bodyHtml: string;
  /** 索引号 */
  readonly indexNumber?: string | null;
  /** 文号, e.g. 聊政发〔2025〕3号 */
  readonly documentNumber?: string | null;
  /** 发布机构 */
  readonly issuingBody?: IssuingBody | null;
  /** 成文日期 (YYYY-MM-DD) */
  readonly formedOn?: string | null;
  /** 发布日期 (YYYY-MM-DD) */
  readonly publishedOn?: string | null;
  readonly validity?: Validity | null;
  /** 主题分类 */
  readonly subjectCategory?: string | null;
  readonly kind?: ArticleKind | null;
  /** For an interpretation (政策解读): the publication id of the document it explains. */
  readonly interpretationOf?: string | null;
  readonly attachments?: readonly Attachment[] | null;
  readonly [unknownField: string]: unknown;
}

export type ArticleCheck = { readonly ok: true; readonly article: ArticleContent } | { readonly ok: false; readonly errors: readonly FieldProblem[] };

/** Column codes: path segments of letters, digits, `-` and `_`; `api` may not lead (the API lives there). */
const COLUMN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;
const COLUMN_MAX_LENGTH = 200;
const ARTICLE_ID_MAX_LENGTH = 200;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MEDIA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Whether `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why an article id (already URL-decoded) cannot name a page, or null when it can. */
export function articleIdProblem(articleId: string): string | null {
  if (articleId.length === 0) return 'must not be empty';
  if (articleId.length > ARTICLE_ID_MAX_LENGTH) return `must be at most ${ARTICLE_ID_MAX_LENGTH} characters`;
  if (CONTROL_CHARACTERS.test(articleId)) return 'must not contain control characters';
  if (articleId === '.' || articleId === '..') return 'must not be . or ..';
  return null;
}

/** Why a column code cannot be a column, or null when it can. */
export function columnProblem(column: string): string | null {
  if (column.length > COLUMN_MAX_LENGTH) return `must be at most ${COLUMN_MAX_LENGTH} characters`;
  if (!COLUMN_PATTERN.test(column)) return 'must be path segments of letters, digits, - and _ joined by / (e.g. zfxxgk/zcwj)';
  if (column === 'api' || column.startsWith('api/')) return 'must not start with api (reserved for the API)';
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems with field names; each check returns whether the value passed. */
class Checker {
  readonly errors: FieldProblem[] = [];

  problem(field: string, message: string): false {
    this.errors.push({ field, message });
    return false;
  }

  string(field: string, value: unknown, rule: { nonBlank?: boolean } = {}): boolean {
    if (typeof value !== 'string') return this.problem(field, 'must be a string');
    if (rule.nonBlank && value.trim() === '') return this.problem(field, 'must not be empty');
    return true;
  }

  date(field: string, value: unknown): boolean {
    if (typeof value !== 'string' || !isIsoDate(value)) return this.problem(field, 'must be a date YYYY-MM-DD');
    return true;
  }

  oneOf(field: string, value: unknown, allowed: readonly string[]): boolean {
    if (typeof value !== 'string' || !allowed.includes(value)) return this.problem(field, `must be one of ${allowed.join(', ')}`);
    return true;
  }
}

const absent = (value: unknown): boolean => value === undefined || value === null;

/**
 * Checks a parsed request body against the article rules. Every problem is reported, each
 * naming its field, so the sender can fix them all at once.
 */
export function validateArticle(value: unknown): ArticleCheck {
  const check = new Checker();
  if (!isObject(value)) {
    check.problem('', 'the body must be a JSON object');
    return { ok: false, errors: check.errors };
  }
  const v = value;

  if (check.string('column', v.column, { nonBlank: true })) {
    const problem = columnProblem(v.column as string);
    if (problem) check.problem('column', problem);
  }
  if (typeof v.revision !== 'number' || !Number.isSafeInteger(v.revision) || v.revision < 1) {
    check.problem('revision', 'must be a whole number of at least 1');
  }
  check.string('title', v.title, { nonBlank: true });
  check.string('bodyHtml', v.bodyHtml);

  for (const field of ['indexNumber', 'documentNumber', 'subjectCategory'] as const) {
    if (!absent(v[field])) check.string(field, v[field]);
  }
  if (!absent(v.interpretationOf)) check.string('interpretationOf', v.interpretationOf, { nonBlank: true });
  for (const field of ['formedOn', 'publishedOn'] as const) {
    if (!absent(v[field])) check.date(field, v[field]);
  }
  if (!absent(v.kind)) check.oneOf('kind', v.kind, ARTICLE_KINDS);

  if (!absent(v.issuingBody)) {
    const body = v.issuingBody;
    if (!isObject(body)) check.problem('issuingBody', 'must be an object {code, name}');
    else {
      check.string('issuingBody.code', body.code, { nonBlank: true });
      check.string('issuingBody.name', body.name, { nonBlank: true });
    }
  }

  if (!absent(v.validity)) {
    const validity = v.validity;
    if (!isObject(validity)) check.problem('validity', 'must be an object {status, since}');
    else {
      check.oneOf('validity.status', validity.status, VALIDITY_STATUSES);
      if (!absent(validity.since)) check.date('validity.since', validity.since);
    }
  }

  if (!absent(v.attachments)) {
    if (!Array.isArray(v.attachments)) check.problem('attachments', 'must be an array');
    else {
      (v.attachments as unknown[]).forEach((item, i) => {
        const at = `attachments[${i}]`;
        if (!isObject(item)) {
          check.problem(at, 'must be an object {name, mediaType, sizeBytes, sha256}');
          return;
        }
        check.string(`${at}.name`, item.name, { nonBlank: true });
        if (typeof item.mediaType !== 'string' || !MEDIA_TYPE_PATTERN.test(item.mediaType)) {
          check.problem(`${at}.mediaType`, 'must be a media type such as application/pdf');
        }
        if (typeof item.sizeBytes !== 'number' || !Number.isSafeInteger(item.sizeBytes) || item.sizeBytes < 0) {
          check.problem(`${at}.sizeBytes`, 'must be a whole number of bytes, 0 or more');
        }
        if (typeof item.sha256 !== 'string' || !SHA256_PATTERN.test(item.sha256)) {
          check.problem(`${at}.sha256`, 'must be 64 lower-case hex digits');
        }
      });
    }
  }

  if (check.errors.length > 0) return { ok: false, errors: check.errors };
  return { ok: true, article: v as ArticleContent };
}
