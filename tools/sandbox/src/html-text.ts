/**
 * Safe HTML out of untrusted text: `escapeHtml` for every value the pages show, and
 * `bodyHtmlForPage` for an article's body, which is HTML but must not bring scripts, styles,
 * frames or event handlers onto the page.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Tags a body keeps (without attributes, but for the few listed in `ATTRIBUTES`). */
const ALLOWED_TAGS = new Set([
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'span', 'div',
  'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr',
  'th', 'td', 'a',
]);
const VOID_TAGS = new Set(['br', 'hr']);
/** Elements whose content is not markup: dropped with everything up to their end tag. */
const RAW_TEXT_TAGS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const ALIGN = /^(left|center|right|justify)$/i;
const DIGITS = /^\d{1,3}$/;
/** Links only to the web, the site itself, or a place on the page: never `javascript:` or `data:`. */
const SAFE_HREF = /^(https?:\/\/|\/|#)/i;

const ATTRIBUTES: Record<string, Record<string, RegExp>> = {
  a: { href: SAFE_HREF, title: /^/ },
  p: { align: ALIGN },
  div: { align: ALIGN },
  td: { align: ALIGN, colspan: DIGITS, rowspan: DIGITS },
  th: { align: ALIGN, colspan: DIGITS, rowspan: DIGITS },
  ol: { start: DIGITS },
};

const ATTRIBUTE_PATTERN = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const TAG_OPEN = /<(\/?)([A-Za-z][A-Za-z0-9-]*)/y;
/** `&` that does not start a character reference is escaped; references stay as written. */
const BARE_AMPERSAND = /&(?!(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)/g;

/** Text between tags, escaped like every other value (quotes too), references kept. */
function text(raw: string): string {
  return raw.replace(BARE_AMPERSAND, '&amp;').replace(/[<>"']/g, (c) => ESCAPES[c] ?? c);
}

function attributes(tag: string, source: string): string {
  const allowed = ATTRIBUTES[tag];
  if (!allowed) return '';
  let out = '';
  for (const m of source.matchAll(ATTRIBUTE_PATTERN)) {
    const name = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? m[3] ?? m[4];
    const rule = allowed[name];
    // `&amp;` in a query string is how HTML writes `&`: undo it before escaping once.
    if (rule && value !== undefined && rule.test(value)) out += ` ${name}="${escapeHtml(value.replace(/&amp;/g, '&'))}"`;
  }
  if (tag === 'a') out += ' rel="nofollow noopener noreferrer"';
  return out;
}

/** The index of the `>` that ends a tag opened before `from`, skipping quoted values; -1 if none. */
function tagEnd(html: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < html.length; j++) {
    const c = html[j];
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}

/**
 * An article body made safe for the page: the allowed tags and attributes are kept, other
 * tags are dropped (their text stays), scripts, styles and frames go with their content,
 * comments go, and every open tag is closed so the body cannot break the page around it.
 */
export function bodyHtmlForPage(html: string): string {
  const out: string[] = [];
  const open: string[] = [];
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(text(html.slice(i)));
      break;
    }
    out.push(text(html.slice(i, lt)));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    TAG_OPEN.lastIndex = lt;
    const m = TAG_OPEN.exec(html);
    if (!m) {
      out.push('&lt;');
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt + m[0].length);
    if (end < 0) break; // an unfinished tag at the end: drop it
    const closing = m[1] === '/';
    const tag = (m[2] ?? '').toLowerCase();
    const attributeSource = html.slice(lt + m[0].length, end);
    i = end + 1;
    if (!closing && RAW_TEXT_TAGS.has(tag)) {
      const close = lower.indexOf(`</${tag}`, i);
      const closeEnd = close < 0 ? -1 : html.indexOf('>', close);
      i = closeEnd < 0 ? html.length : closeEnd + 1;
      continue;
    }
    if (!ALLOWED_TAGS.has(tag)) continue;
    if (closing) {
      const at = open.lastIndexOf(tag);
      if (at >= 0) while (open.length > at) out.push(`</${open.pop()}>`);
      continue;
    }
    out.push(`<${tag}${attributes(tag, attributeSource)}>`);
    if (!VOID_TAGS.has(tag)) open.push(tag);
  }
  while (open.length > 0) out.push(`</${open.pop()}>`);
  return out.join('');
}
