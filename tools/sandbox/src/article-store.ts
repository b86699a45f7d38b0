import { createHash } from 'node:crypto';
import type { ArticleContent } from './article-validation';

/** An article on the site: what the hub sent, exactly, and what the CMS added to it. */
export interface StoredArticle {
  readonly articleId: string;
  readonly column: string;
  readonly revision: number;
  /** The visitor URL of its page. */
  readonly url: string;
  /** ISO 8601 times: first created (or re-created after a removal), last changed. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The request body as received, unknown fields included. */
  readonly content: ArticleContent;
}

/** What the CMS remembers of a removed article. */
export interface Tombstone {
  readonly articleId: string;
  readonly column: string;
  /** The revision it had when it was removed. */
  readonly revision: number;
  readonly removedAt: string;
}

export type PutOutcome =
  | { readonly kind: 'created'; readonly article: StoredArticle }
  | { readonly kind: 'replaced'; readonly article: StoredArticle; readonly previous: StoredArticle }
  | { readonly kind: 'unchanged'; readonly article: StoredArticle }
  | { readonly kind: 'stale'; readonly current: StoredArticle };

export type RemoveOutcome = { readonly kind: 'removed'; readonly tombstone: Tombstone } | { readonly kind: 'not-found' };

interface Entry {
  readonly article: StoredArticle;
  /** SHA-256 of the content's canonical JSON: "the same content" ignores key order. */
  readonly contentDigest: string;
}

/** JSON with object keys sorted at every level, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The CMS's articles in memory, indexed by id and by column so that every API call and every
 * page costs the same however many articles there are (a column page sorts its own articles).
 */
export class ArticleStore {
  private readonly byId = new Map<string, Entry>();
  private readonly byColumn = new Map<string, Map<string, StoredArticle>>();
  private removed: Tombstone[] = [];

  constructor(
    private readonly pageUrl: (column: string, articleId: string) => string,
    private readonly now: () => number,
  ) {}

  /**
   * Creates or replaces an article. A revision below the stored one is stale; an equal
   * revision replaces the article unless the content is the same, which changes nothing.
   */
  put(articleId: string, content: ArticleContent): PutOutcome {
    const existing = this.byId.get(articleId);
    if (existing && content.revision < existing.article.revision) return { kind: 'stale', current: existing.article };
    const contentDigest = createHash('sha256').update(canonicalJson(content)).digest('hex');
    if (existing && content.revision === existing.article.revision && contentDigest === existing.contentDigest) {
      return { kind: 'unchanged', article: existing.article };
    }
    const at = new Date(this.now()).toISOString();
    const article: StoredArticle = {
      articleId,
      column: content.column,
      revision: content.revision,
      url: this.pageUrl(content.column, articleId),
      createdAt: existing ? existing.article.createdAt : at,
      updatedAt: at,
      content,
    };
    if (existing) this.unindex(existing.article);
    this.byId.set(articleId, { article, contentDigest });
    let column = this.byColumn.get(article.column);
    if (!column) {
      column = new Map<string, StoredArticle>();
      this.byColumn.set(article.column, column);
    }
    column.set(articleId, article);
    return existing ? { kind: 'replaced', article, previous: existing.article } : { kind: 'created', article };
  }

  /** Takes an article off the site, leaving a tombstone. */
  remove(articleId: string): RemoveOutcome {
    const existing = this.byId.get(articleId);
    if (!existing) return { kind: 'not-found' };
    this.byId.delete(articleId);
    this.unindex(existing.article);
    const { column, revision } = existing.article;
    const tombstone: Tombstone = { articleId, column, revision, removedAt: new Date(this.now()).toISOString() };
    this.removed.push(tombstone);
    return { kind: 'removed', tombstone };
  }

  get(articleId: string): StoredArticle | undefined {
    return this.byId.get(articleId)?.article;
  }

  /** The articles of one column, in no particular order. */
  inColumn(column: string): readonly StoredArticle[] {
    const articles = this.byColumn.get(column);
    return articles ? [...articles.values()] : [];
  }

  /** Every column that has an article, with its count, by column code. */
  columns(): readonly { readonly column: string; readonly count: number }[] {
    return [...this.byColumn.entries()]
      .map(([column, articles]) => ({ column, count: articles.size }))
      .sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
  }

  hasColumn(column: string): boolean {
    return this.byColumn.has(column);
  }

  /** Every article, in the order they were first stored. */
  all(): readonly StoredArticle[] {
    return [...this.byId.values()].map((e) => e.article);
  }

  /** Every removal, oldest first (an article removed twice has two). */
  tombstones(): readonly Tombstone[] {
    return [...this.removed];
  }

  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
    this.byColumn.clear();
    this.removed = [];
  }

  private unindex(article: StoredArticle): void {
    const column = this.byColumn.get(article.column);
    if (!column) return;
    column.delete(article.articleId);
    if (column.size === 0) this.byColumn.delete(article.column);
  }
}
