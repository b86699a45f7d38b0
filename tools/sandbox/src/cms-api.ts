import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_SIGNATURE_TOLERANCE_MS, SIGNATURE_HEADERS, verifySignature, type SignatureProblem, type SigningKey } from '@gongkai/contracts';
import type { ArticleStore } from './article-store';
import { articleIdProblem, validateArticle } from './article-validation';
import type { FieldProblem } from './errors';
import { requestDigest, type IdempotencyLedger } from './idempotency-ledger';

/**
 * The CMS's article API, as a function of a fully read request: routing, signature,
 * idempotency, validation and storage. No sockets here, so every rule can be called directly.
 *
 * Checks run in this order, and the first that fails answers: route (404/405), signature
 * (401), idempotency key present (400), article id (400), idempotency key known (replay, or
 * 422), then for PUT the media type (415), JSON and article rules (400), revision (409).
 */

export const ARTICLES_PATH = '/api/v1/articles/';

/** A request the server has read in full. */
export interface ApiRequest {
  readonly method: string;
  /** Path with query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What the API answers, and what the request log needs to know about it. */
export interface ApiAnswer {
  readonly status: number;
  /** JSON text, sent as is (a replay sends the first answer's bytes). */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly replayed: boolean;
}

/** A JSON error body: `{code, message}` plus whatever the code documents. */
export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ code, message, ...extra });
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer {
  return { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers, replayed: false };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `application/json`, with no charset or UTF-8. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType = '', ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

export interface CmsApiOptions {
  readonly store: ArticleStore;
  readonly ledger: IdempotencyLedger;
  readonly keys: ReadonlyMap<string, SigningKey>;
  readonly signatureToleranceMs?: number;
  readonly now: () => number;
}

export class CmsApi {
  constructor(private readonly options: CmsApiOptions) {}

  /** The signature verdict for a request: null when it holds. */
  verify(request: ApiRequest): SignatureProblem | null {
    return verifySignature(
      request.headers,
      { method: request.method, path: request.path, body: request.body },
      { keys: this.options.keys, now: this.options.now(), toleranceMs: this.options.signatureToleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS },
    );
  }

  /** Handles a request whose signature verdict is already known (see `verify`). */
  handle(request: ApiRequest, signature: SignatureProblem | null): ApiAnswer {
    const pathname = request.path.split('?', 1)[0] ?? '';
    const rawId = pathname.startsWith(ARTICLES_PATH) ? pathname.slice(ARTICLES_PATH.length) : undefined;
    if (rawId === undefined || rawId === '' || rawId.includes('/')) {
      return answer(404, errorBody('ROUTE_NOT_FOUND', `no API endpoint at ${pathname}; articles are at ${ARTICLES_PATH}{articleId}`));
    }
    const method = request.method.toUpperCase();
    if (method !== 'PUT' && method !== 'DELETE') {
      return answer(405, errorBody('METHOD_NOT_ALLOWED', `${method} is not allowed here; use PUT or DELETE`), { allow: 'PUT, DELETE' });
    }
    if (signature) return answer(401, errorBody(signature.code, signature.message));

    const idempotencyKey = header(request.headers, SIGNATURE_HEADERS.idempotencyKey)?.trim();
    if (!idempotencyKey) return answer(400, errorBody('IDEMPOTENCY_KEY_MISSING', 'the Idempotency-Key header is required'));

    let articleId: string;
    try {
      articleId = decodeURIComponent(rawId);
    } catch {
      return this.invalid([{ field: 'articleId', message: 'is not valid percent-encoding' }]);
    }
    const idProblem = articleIdProblem(articleId);
    if (idProblem) return this.invalid([{ field: 'articleId', message: idProblem }]);

    const digest = requestDigest(method, request.path, request.body);
    const known = this.options.ledger.lookup(idempotencyKey, digest);
    if (known.kind === 'replay') {
      return { status: known.answer.status, body: known.answer.body, headers: { 'idempotent-replayed': 'true' }, replayed: true };
    }
    if (known.kind === 'reused') {
      return answer(422, errorBody('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was first used for a different request (method, path or body)'));
    }

    const result = method === 'PUT' ? this.put(articleId, request) : this.remove(articleId);
    // Only requests that were carried out are remembered: a refusal (400, 415) is answered
    // again, so a corrected retry under the same key goes through.
    if (result.status < 400 || result.status === 404 || result.status === 409) {
      this.options.ledger.remember(idempotencyKey, digest, { status: result.status, body: result.body });
    }
    return result;
  }

  private put(articleId: string, request: ApiRequest): ApiAnswer {
    if (!isJson(header(request.headers, 'content-type'))) {
      return answer(415, errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the article as Content-Type: application/json (UTF-8)'));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      return this.invalid([{ field: '', message: 'the body is not valid JSON' }]);
    }
    const check = validateArticle(parsed);
    if (!check.ok) return this.invalid(check.errors);
    const outcome = this.options.store.put(articleId, check.article);
    switch (outcome.kind) {
      case 'created':
        return answer(201, { articleId, revision: outcome.article.revision, url: outcome.article.url });
      case 'replaced':
      case 'unchanged':
        return answer(200, { articleId, revision: outcome.article.revision, url: outcome.article.url });
      case 'stale':
        return answer(
          409,
          errorBody('STALE_REVISION', `revision ${check.article.revision} is older than revision ${outcome.current.revision} on the site`, {
            currentRevision: outcome.current.revision,
            url: outcome.current.url,
          }),
        );
    }
  }

  private remove(articleId: string): ApiAnswer {
    const outcome = this.options.store.remove(articleId);
    if (outcome.kind === 'not-found') return answer(404, errorBody('NOT_FOUND', `no article ${JSON.stringify(articleId)} on the site`));
    return answer(200, { articleId, removed: true });
  }

  private invalid(errors: readonly FieldProblem[]): ApiAnswer {
    const summary = errors.map((e) => (e.field ? `${e.field} ${e.message}` : e.message)).join('; ');
    return answer(400, errorBody('INVALID_ARTICLE', summary, { errors }));
  }
}
