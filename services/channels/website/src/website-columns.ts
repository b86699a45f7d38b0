/**
 * The site's statutory disclosure columns (政府信息公开 › 法定主动公开内容), read from a YAML
 * file at start-up:
 *
 * ```yaml
 * columns:
 *   zfxxgk/zcwj: 政府信息公开 › 政策文件 › 行政规范性文件
 *   zfxxgk/zcjd: 政府信息公开 › 政策解读
 * ```
 *
 * Keys are the CMS's column codes, which the routing plan names as website targets; values say
 * where readers find the column. The file is the website channel's own: the routing plan says
 * which events go to which column, this file says which columns the site has.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { WebsiteColumnsError } from './errors';

/** The columns file the package ships (`config/columns.yaml`). */
export const DEFAULT_COLUMNS_FILE = resolve(__dirname, '..', 'config', 'columns.yaml');

/** One column of the site. */
export interface WebsiteColumn {
  /** The CMS's code, e.g. `zfxxgk/zcwj`. */
  readonly code: string;
  /** Where readers find it, e.g. `政府信息公开 › 政策文件 › 行政规范性文件`. */
  readonly title: string;
}

/** A checked columns file. */
export interface WebsiteColumns {
  readonly file: string;
  readonly columns: ReadonlyMap<string, WebsiteColumn>;
}

/** Path segments of lower-case letters, digits, `_` and `-`, joined by single slashes. */
const COLUMN_CODE = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*$/;
const TITLE_SEPARATOR = '›';

/** Reads and checks a columns file. @throws WebsiteColumnsError with the file, line and reason. */
export function loadWebsiteColumns(file: string = DEFAULT_COLUMNS_FILE): WebsiteColumns {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebsiteColumnsError(file, undefined, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
  return parseWebsiteColumns(text, file);
}

/** Checks columns YAML; `file` names it in errors. @throws WebsiteColumnsError */
export function parseWebsiteColumns(text: string, file = '<columns>'): WebsiteColumns {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  const fail = (node: Node | null | undefined, reason: string): never => {
    throw new WebsiteColumnsError(file, lineOf(node) ?? 1, reason);
  };

  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new WebsiteColumnsError(file, lines.linePos(problem.pos[0]).line, problem.message.split('\n')[0] ?? problem.message);

  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'the file must be a mapping with `columns`');
  let columnsNode: Node | null | undefined;
  for (const pair of root.items as Pair<Node | null, Node | null>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key !== 'columns') fail(pair.key, `unknown key \`${key ?? '?'}\` (expected \`columns\`)`);
    columnsNode = pair.value;
  }
  if (columnsNode === undefined) return fail(root, 'the file needs `columns`');
  if (!isMap(columnsNode)) return fail(columnsNode ?? root, '`columns` must be a mapping of column code to title');
  if (columnsNode.items.length === 0) fail(columnsNode, '`columns` must list at least one column');

  const columns = new Map<string, WebsiteColumn>();
  for (const pair of columnsNode.items as Pair<Node | null, Node | null>[]) {
    const keyNode = pair.key;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') return fail(keyNode ?? columnsNode, 'column codes must be strings');
    const code = keyNode.value;
    if (!COLUMN_CODE.test(code)) fail(keyNode, `column code \`${code}\` must be lower-case letters, digits, _ and - in segments joined by /`);
    const valueNode = pair.value;
    if (!isScalar(valueNode) || typeof valueNode.value !== 'string' || valueNode.value.trim() === '') {
      return fail(valueNode ?? keyNode, `column \`${code}\` needs its title, e.g. 政府信息公开 ${TITLE_SEPARATOR} 政策文件`);
    }
    const title = valueNode.value.trim();
    if (title.split(TITLE_SEPARATOR).some((part) => part.trim() === '')) {
      fail(valueNode, `column \`${code}\`: the title's parts, separated by ${TITLE_SEPARATOR}, must not be empty`);
    }
    columns.set(code, Object.freeze({ code, title }));
  }
  return Object.freeze({ file, columns });
}
