import { signRequest, type SigningKey } from '@gongkai/contracts';
import type { ArticleContent } from '../article-validation';

/** The key the tests' sandboxes accept. */
export const TEST_KEY: SigningKey = { keyId: 'test-website', secret: 'test-website-signing-secret', algorithm: 'hmac-sha256' };

export interface SendOptions {
  readonly key?: SigningKey;
  /** Idempotency-Key; a fresh one per call unless given, `null` to leave it out. */
  readonly idempotencyKey?: string | null;
  readonly timestamp?: number;
  readonly contentType?: string | null;
  /** Headers set last, overriding the signature's (to break it on purpose). */
  readonly headers?: Record<string, string>;
  /** Headers left out (to send an unsigned request). */
  readonly omitHeaders?: readonly string[];
  /** Sign these parts instead of what is sent (to tamper). */
  readonly signAs?: { readonly method?: string; readonly path?: string; readonly body?: string };
  readonly signal?: AbortSignal;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

let counter = 0;

/** A signed HTTP client for a sandbox's article API, as the hub's website adapter would call it. */
export class CmsClient {
  constructor(private readonly baseUrl: string) {}

  async send(method: string, path: string, body: string | undefined, options: SendOptions = {}): Promise<Answer> {
    const key = options.key ?? TEST_KEY;
    const signed = signRequest(
      key,
      { method: options.signAs?.method ?? method, path: options.signAs?.path ?? path, body: options.signAs?.body ?? body ?? '' },
      options.timestamp ?? Date.now(),
    );
    const headers: Record<string, string> = { ...signed };
    const idempotencyKey = options.idempotencyKey === undefined ? `test-event-${++counter}:website` : options.idempotencyKey;
    if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
    const contentType = options.contentType === undefined ? (body === undefined ? null : 'application/json') : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    Object.assign(headers, options.headers);
    for (const name of options.omitHeaders ?? []) delete headers[name];
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: options.signal });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  put(articleId: string, article: Partial<ArticleContent> | Record<string, unknown>, options: SendOptions = {}): Promise<Answer> {
    return this.send('PUT', `/api/v1/articles/${encodeURIComponent(articleId)}`, JSON.stringify(article), options);
  }

  remove(articleId: string, options: SendOptions = {}): Promise<Answer> {
    return this.send('DELETE', `/api/v1/articles/${encodeURIComponent(articleId)}`, undefined, options);
  }
}

/** A valid article, with fields overridden as needed. */
export function sampleArticle(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    column: 'zfxxgk/zcwj',
    revision: 1,
    title: '聊城市人民政府关于印发聊城市城市更新实施办法的通知',
    bodyHtml: '<p>各县（市、区）人民政府，市政府各部门：</p><p>现将《聊城市城市更新实施办法》印发给你们，请认真贯彻执行。</p>',
    indexNumber: '11371500004310437T/2025-00012',
    documentNumber: '聊政发〔2025〕3号',
    issuingBody: { code: '11371500004310437T', name: '聊城市人民政府' },
    formedOn: '2025-03-10',
    publishedOn: '2025-03-12',
    validity: { status: '有效', since: '2025-04-01' },
    subjectCategory: '城乡建设、环境保护',
    kind: 'document',
    attachments: [{ name: '聊城市城市更新实施办法.pdf', mediaType: 'application/pdf', sizeBytes: 204_800, sha256: 'ab'.repeat(32) }],
    ...overrides,
  };
}

/** Polls until `check` returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
