import type { ArticleStore, StoredArticle } from './article-store';
import type { Attachment } from './article-validation';
import { bodyHtmlForPage, escapeHtml } from './html-text';

/**
 * What a citizen sees: the site index, a column's list of articles, and each article's page
 * with the disclosure fields (索引号, 文号, 发布机构 …). Every value from the hub is escaped;
 * the body goes through `bodyHtmlForPage`.
 */

export interface VisitorAnswer {
  readonly status: number;
  readonly html: string;
  /** Where a 301 points. */
  readonly location?: string;
}

/** Articles per page of a column list. */
export const COLUMN_PAGE_SIZE = 50;

const SITE_NAME = '政府信息公开（网站沙箱）';

const STYLE = `
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#222;line-height:1.7}
header.site{border-bottom:3px solid #b22;margin-bottom:1rem}header.site a{color:#b22;text-decoration:none;font-weight:bold;font-size:1.2rem}
nav.crumbs{font-size:.9rem;color:#666}nav.crumbs a{color:#666}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
table.meta th{background:#f5f5f5;width:7rem;white-space:nowrap}
.banner{background:#fdecea;border:1px solid #e0a0a0;color:#a00;padding:.6rem 1rem;font-weight:bold;margin:1rem 0}
article.body{margin:1.5rem 0;text-indent:0}
.muted{color:#888;font-size:.85rem}code{font-size:.8rem;word-break:break-all}
ul.list li{margin:.3rem 0}`;

function layout(title: string, crumbs: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} - ${SITE_NAME}</title><style>${STYLE}</style></head>
<body>
<header class="site"><a href="/">${SITE_NAME}</a></header>
${crumbs ? `<nav class="crumbs">${crumbs}</nav>` : ''}
<main>
${main}
</main>
</body>
</html>
`;
}

/** The page path of an article, relative to the site. */
export function articlePath(column: string, articleId: string): string {
  return `/${column}/${encodeURIComponent(articleId)}.html`;
}

function columnCrumbs(column: string): string {
  return `<a href="/">首页</a> › <a href="/${escapeHtml(column)}/">${escapeHtml(column)}</a>`;
}

const orDash = (value: string | null | undefined): string => (value ? escapeHtml(value) : '—');

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The date an article is listed under: its publication date, or the day it was last stored. */
function listedOn(article: StoredArticle): string {
  return article.content.publishedOn ?? article.updatedAt.slice(0, 10);
}

export function renderIndex(store: ArticleStore): string {
  const columns = store.columns();
  const items = columns.map((c) => `<li><a href="/${escapeHtml(c.column)}/">${escapeHtml(c.column)}</a> <span class="muted">${c.count} 篇</span></li>`);
  const main = `<h1>栏目</h1>\n${items.length > 0 ? `<ul class="list">\n${items.join('\n')}\n</ul>` : '<p class="muted">暂无信息。</p>'}`;
  return layout('首页', '', main);
}

export function renderColumn(store: ArticleStore, column: string, page: number): string {
  const articles = [...store.inColumn(column)].sort((a, b) => {
    const byDate = listedOn(b).localeCompare(listedOn(a));
    if (byDate !== 0) return byDate;
    return b.updatedAt.localeCompare(a.updatedAt) || a.articleId.localeCompare(b.articleId);
  });
  const pages = Math.max(1, Math.ceil(articles.length / COLUMN_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const rows = articles.slice((current - 1) * COLUMN_PAGE_SIZE, current * COLUMN_PAGE_SIZE).map(
    (a) =>
      `<tr><td><a href="${escapeHtml(articlePath(a.column, a.articleId))}">${escapeHtml(a.content.title)}</a></td><td>${orDash(a.content.indexNumber)}</td><td>${escapeHtml(listedOn(a))}</td></tr>`,
  );
  const pager =
    pages > 1
      ? `<p class="muted">第 ${current} 页 / 共 ${pages} 页${current > 1 ? ` · <a href="?page=${current - 1}">上一页</a>` : ''}${current < pages ? ` · <a href="?page=${current + 1}">下一页</a>` : ''}</p>`
      : '';
  const main = `<h1>${escapeHtml(column)}</h1>
<table class="list"><thead><tr><th>标题</th><th>索引号</th><th>发布日期</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
${pager}`;
  return layout(column, `<a href="/">首页</a> › ${escapeHtml(column)}`, main);
}

function validityText(article: StoredArticle): { readonly cell: string; readonly banner: string | null } {
  const validity = article.content.validity;
  if (!validity) return { cell: '—', banner: null };
  const since = validity.since ? `（自 ${escapeHtml(validity.since)} 起）` : '';
  const status = escapeHtml(validity.status);
  const banner = validity.status === '有效' ? null : `本文件已${status}${since}`;
  return { cell: `${status}${since}`, banner };
}

function attachmentItem(attachment: Attachment): string {
  return `<li>${escapeHtml(attachment.name)} <span class="muted">（${escapeHtml(attachment.mediaType)}，${sizeText(attachment.sizeBytes)}）</span><br><code>sha256 ${escapeHtml(attachment.sha256)}</code></li>`;
}

export function renderArticle(store: ArticleStore, article: StoredArticle): string {
  const c = article.content;
  const validity = validityText(article);
  const meta: [string, string][] = [
    ['索引号', orDash(c.indexNumber)],
    ['主题分类', orDash(c.subjectCategory)],
    ['发布机构', orDash(c.issuingBody?.name)],
    ['成文日期', orDash(c.formedOn)],
    ['文号', orDash(c.documentNumber)],
    ['发布日期', orDash(c.publishedOn)],
    ['有效性', validity.cell],
  ];
  let related = '';
  if (c.interpretationOf) {
    const document = store.get(c.interpretationOf);
    related = document
      ? `<p>解读文件：<a href="${escapeHtml(articlePath(document.column, document.articleId))}">${escapeHtml(document.content.title)}</a></p>`
      : `<p>解读文件：${escapeHtml(c.interpretationOf)}</p>`;
  }
  const attachments = c.attachments && c.attachments.length > 0 ? `<h2>附件</h2>\n<ul class="list">\n${c.attachments.map(attachmentItem).join('\n')}\n</ul>` : '';
  const main = `${validity.banner ? `<div class="banner" role="alert">${validity.banner}</div>\n` : ''}<h1>${escapeHtml(c.title)}</h1>
<table class="meta"><tbody>
${meta.map(([label, value]) => `<tr><th>${label}</th><td>${value}</td></tr>`).join('\n')}
</tbody></table>
${related}
<article class="body">${bodyHtmlForPage(c.bodyHtml)}</article>
${attachments}
<p class="muted">第 ${article.revision} 版 · 更新于 ${escapeHtml(article.updatedAt)}</p>`;
  return layout(c.title, columnCrumbs(article.column), main);
}

export function renderNotFound(): string {
  return layout('页面不存在', '<a href="/">首页</a>', '<h1>页面不存在</h1>\n<p>您访问的页面不存在或已被删除。</p>');
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Routes a visitor's GET: index, column list, article page, or 404. */
export function visitorPage(store: ArticleStore, requestPath: string): VisitorAnswer {
  const [pathname = '/', query = ''] = requestPath.split('?', 2);
  const notFound: VisitorAnswer = { status: 404, html: renderNotFound() };
  if (pathname === '/') return { status: 200, html: renderIndex(store) };
  if (pathname.endsWith('.html')) {
    const slash = pathname.lastIndexOf('/');
    const column = pathname.slice(1, slash);
    const articleId = decodeSegment(pathname.slice(slash + 1, -'.html'.length));
    const article = articleId === null ? undefined : store.get(articleId);
    return article && article.column === column ? { status: 200, html: renderArticle(store, article) } : notFound;
  }
  if (pathname.endsWith('/')) {
    const column = pathname.slice(1, -1);
    if (!store.hasColumn(column)) return notFound;
    const page = Number(new URLSearchParams(query).get('page') ?? '1');
    return { status: 200, html: renderColumn(store, column, Number.isSafeInteger(page) ? page : 1) };
  }
  const column = pathname.slice(1);
  return store.hasColumn(column) ? { status: 301, html: '', location: `${pathname}/` } : notFound;
}
