/**
 * The website channel adapter: each delivery becomes one signed call on the site CMS's API.
 *
 * | event | call | outcome |
 * |---|---|---|
 * | document, interpretation, procurement notice (new or revised) | `PUT /api/v1/articles/{id}` | PUBLISHED, reference = the page URL |
 * | … when the CMS already holds a newer revision (409 STALE_REVISION) | | SKIPPED, "revision N is on the site", reference = the page URL |
 * | publication.retracted | `DELETE /api/v1/articles/{id}` | RETRACTED (404: nothing to remove, reference null) |
 * | anything else (request.status_changed …) | none | SKIPPED |
 *
 * An expired or repealed document is a revision like any other: its page stays and is marked
 * (the national government website rules); only a retraction removes a page. Every call carries
 * the delivery's idempotency key, so a retried delivery the CMS already applied is answered from
 * its record and changes nothing.
 */
import type { AnyHubEvent, SigningKey } from '@gongkai/contracts';
import {
  TargetFailure,
  callTarget,
  createTargetAgent,
  type ChannelAdapter,
  type Delivery,
  type DeliveryResult,
  type TargetAnswer,
  type TargetCall,
} from '@gongkai/delivery';
import { articleIdOf, isPublishableType, renderArticle, type PublishableEvent } from './article-rendering';
import { loadWebsiteColumns, type WebsiteColumns } from './website-columns';
import { websiteSigningKey, type WebsiteConfig } from './website-config';

/** A connection pool for the CMS (an undici dispatcher). */
export type CmsDispatcher = NonNullable<TargetCall['dispatcher']>;

/** What the adapter needs, already checked. */
export interface WebsiteAdapterSettings {
  /** The CMS API's base URL, e.g. `http://127.0.0.1:8081`. */
  readonly cmsUrl: string;
  readonly signingKey: SigningKey;
  /** Longest wait for one CMS call, from connecting to the last byte of its answer. */
  readonly timeoutMs: number;
  readonly columns: WebsiteColumns;
  /** Connection pool; the adapter opens (and on `close` closes) its own when absent. */
  readonly dispatcher?: CmsDispatcher;
}

/** The CMS's header on an answer replayed from its idempotency record. */
export const REPLAYED_HEADER = 'idempotent-replayed';

const ARTICLES_PATH = '/api/v1/articles/';

/** Publishes to, revises on and retracts from the site through its CMS. */
export class WebsiteAdapter implements ChannelAdapter {
  readonly channel = 'website' as const;
  private readonly dispatcher: CmsDispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly settings: WebsiteAdapterSettings) {
    this.ownsDispatcher = settings.dispatcher === undefined;
    this.dispatcher = settings.dispatcher ?? createTargetAgent();
  }

  /** The site's columns this adapter publishes to. */
  get columns(): WebsiteColumns {
    return this.settings.columns;
  }

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const event: AnyHubEvent = delivery.event;
    if (delivery.action === 'remove') return this.retract(delivery, articleIdOf(event, delivery.target), signal);
    if (isPublishable(event)) return this.publish(delivery, event, signal);
    return { outcome: 'SKIPPED', reference: null, note: `${event.type} is not published on the website` };
  }

  /** Closes the connection pool the adapter opened (not one it was given). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async publish(delivery: Delivery, event: PublishableEvent, signal: AbortSignal): Promise<DeliveryResult> {
    if (!this.settings.columns.columns.has(delivery.target)) {
      throw new TargetFailure(
        `website target ${delivery.target}: not a column of the site (${this.settings.columns.file} lists ${this.settings.columns.columns.size})`,
        { code: 'UNKNOWN_COLUMN', retriable: false, channel: 'website', target: delivery.target },
      );
    }
    const articleId = articleIdOf(event, delivery.target);
    const article = renderArticle(event, delivery.target);
    const answer = await this.call(delivery, signal, 'PUT', articleId, JSON.stringify(article), [409]);

    if (answer.status === 409) {
      const stale = answer.json as { code?: unknown; currentRevision?: unknown; url?: unknown } | null;
      if (stale?.code !== 'STALE_REVISION') {
        const code = typeof stale?.code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(stale.code) ? ` ${stale.code}` : '';
        throw new TargetFailure(`website target ${delivery.target}: PUT ${ARTICLES_PATH}${encodeURIComponent(articleId)} answered 409${code}, not a stale revision`, {
          code: 'HTTP_409',
          retriable: false,
          status: 409,
          channel: 'website',
          target: delivery.target,
        });
      }
      const current = typeof stale.currentRevision === 'number' ? stale.currentRevision : undefined;
      return {
        outcome: 'SKIPPED',
        reference: typeof stale.url === 'string' && stale.url !== '' ? stale.url : null,
        note: current === undefined ? `a newer revision than ${article.revision} is on the site` : `revision ${current} is on the site`,
      };
    }
    const url = (answer.json as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || url === '') throw this.unexpected(delivery, answer, 'no page url');
    return { outcome: 'PUBLISHED', reference: url, ...replayNote(answer) };
  }

  private async retract(delivery: Delivery, articleId: string, signal: AbortSignal): Promise<DeliveryResult> {
    // No column check: a page must come down even if its column has since left the configuration.
    const answer = await this.call(delivery, signal, 'DELETE', articleId, undefined, [404]);
    if (answer.status === 404) return { outcome: 'RETRACTED', reference: null, note: `nothing to remove: the site has no article ${articleId}` };
    const removed = (answer.json as { articleId?: unknown } | null)?.articleId;
    return { outcome: 'RETRACTED', reference: typeof removed === 'string' && removed !== '' ? removed : articleId, ...replayNote(answer) };
  }

  private call(delivery: Delivery, signal: AbortSignal, method: 'PUT' | 'DELETE', articleId: string, body: string | undefined, accept: number[]): Promise<TargetAnswer> {
    return callTarget({
      baseUrl: this.settings.cmsUrl,
      method,
      path: `${ARTICLES_PATH}${encodeURIComponent(articleId)}`,
      ...(body === undefined ? {} : { body }),
      idempotencyKey: delivery.idempotencyKey,
      key: this.settings.signingKey,
      timeoutMs: this.settings.timeoutMs,
      signal,
      channel: 'website',
      target: delivery.target,
      accept,
      dispatcher: this.dispatcher,
    });
  }

  /** The CMS answered, but not as its API says: dead-letter for an operator rather than guess. */
  private unexpected(delivery: Delivery, answer: TargetAnswer, what: string): TargetFailure {
    return new TargetFailure(`website target ${delivery.target}: the CMS answered ${answer.status} with ${what}`, {
      code: 'INVALID_ANSWER',
      retriable: false,
      status: answer.status,
      channel: 'website',
      target: delivery.target,
    });
  }
}

function isPublishable(event: AnyHubEvent): event is Extract<AnyHubEvent, PublishableEvent> {
  return isPublishableType(event.type);
}

function replayNote(answer: TargetAnswer): { note?: string } {
  return answer.headers[REPLAYED_HEADER] === 'true' ? { note: 'the CMS had already applied this delivery' } : {};
}

/**
 * The website adapter for a configuration: reads and checks the columns file (throwing
 * `WebsiteColumnsError` with the file, line and reason) and opens a keep-alive pool to the CMS.
 * Call `close()` at shutdown.
 */
export function createWebsiteAdapter(config: WebsiteConfig, options: { readonly dispatcher?: CmsDispatcher; readonly columns?: WebsiteColumns } = {}): WebsiteAdapter {
  return new WebsiteAdapter({
    cmsUrl: config.WEBSITE_CMS_URL,
    signingKey: websiteSigningKey(config),
    timeoutMs: config.WEBSITE_TIMEOUT_MS,
    columns: options.columns ?? loadWebsiteColumns(config.WEBSITE_COLUMNS_FILE),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
}
