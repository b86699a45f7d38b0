import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { WebsiteColumnsError } from './errors';
import { DEFAULT_COLUMNS_FILE, loadWebsiteColumns, parseWebsiteColumns } from './website-columns';

function problemOf(text: string): WebsiteColumnsError {
  try {
    parseWebsiteColumns(text, 'website.yaml');
  } catch (err) {
    if (err instanceof WebsiteColumnsError) return err;
    throw err;
  }
  throw new Error('expected the file to be refused');
}

describe('the columns file the package ships', () => {
  it('lists the statutory columns with their titles', () => {
    const { columns } = loadWebsiteColumns();
    expect(columns.get('zfxxgk/zcwj')).toEqual({ code: 'zfxxgk/zcwj', title: '政府信息公开 › 政策文件 › 行政规范性文件' });
    expect(columns.get('zfxxgk/zcjd')?.title).toBe('政府信息公开 › 政策解读');
    expect(columns.get('zfxxgk/ggzyjy/zfcg')?.title).toBe('政府信息公开 › 公共资源交易 › 政府采购');
  });

  it('has every website target the routing plan sends to', () => {
    // The review service routes events to columns; a column missing here would dead-letter them.
    const routingFile = resolve(__dirname, '../../../review/config/routing.yaml');
    const routing = parse(readFileSync(routingFile, 'utf8')) as { channels: { website: Record<string, string> } };
    const { columns } = loadWebsiteColumns(DEFAULT_COLUMNS_FILE);
    for (const [code, title] of Object.entries(routing.channels.website)) {
      expect({ code, title: columns.get(code)?.title }).toEqual({ code, title });
    }
  });
});

describe('checking a columns file', () => {
  it('reads codes and titles', () => {
    const parsed = parseWebsiteColumns('columns:\n  zfxxgk/gz: 政府信息公开 › 政策文件 › 规章\n', 'website.yaml');
    expect(parsed.file).toBe('website.yaml');
    expect([...parsed.columns.keys()]).toEqual(['zfxxgk/gz']);
  });

  it.each([
    ['a YAML syntax error', 'columns:\n  zfxxgk/gz: [\n', 3, ''],
    ['a duplicate column', 'columns:\n  zfxxgk/gz: 规章\n  zfxxgk/gz: 规章\n', 3, 'unique'],
    ['an unknown top-level key', 'columns:\n  zfxxgk/gz: 规章\nchanels: {}\n', 3, 'unknown key `chanels`'],
    ['no columns key', 'site: 聊城\n', 1, 'unknown key `site`'],
    ['an empty file', '', 1, 'must be a mapping'],
    ['columns as a list', 'columns:\n  - zfxxgk/gz\n', 2, 'mapping of column code to title'],
    ['no columns at all', 'columns: {}\n', 1, 'at least one column'],
    ['a code with capitals or spaces', 'columns:\n  zfxxgk/Zcwj: 行政规范性文件\n', 2, 'lower-case'],
    ['a code with an empty segment', 'columns:\n  zfxxgk//zcwj: 行政规范性文件\n', 2, 'segments'],
    ['a column without its title', 'columns:\n  zfxxgk/gz:\n', 2, 'needs its title'],
    ['a title with an empty part', 'columns:\n  zfxxgk/gz: 政府信息公开 ›  › 规章\n', 2, 'must not be empty'],
  ])('refuses %s, naming the file and line', (_what, text, line, reason) => {
    const problem = problemOf(text);
    expect(problem).toMatchObject({ code: 'WEBSITE_COLUMNS_INVALID', retriable: false, file: 'website.yaml', line });
    expect(problem.message).toMatch(new RegExp(`^website\\.yaml:${line}: `));
    expect(problem.message).toContain(reason);
  });

  it('refuses a file it cannot read, naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'website-columns-')), 'missing.yaml');
    expect(() => loadWebsiteColumns(file)).toThrow(WebsiteColumnsError);
    expect(() => loadWebsiteColumns(file)).toThrow(`${file}: cannot be read: ENOENT`);
  });

  it('loads a file written elsewhere', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'website-columns-')), 'website.yaml');
    writeFileSync(file, 'columns:\n  zfxxgk/zcjd: 政府信息公开 › 政策解读\n');
    expect(loadWebsiteColumns(file).columns.has('zfxxgk/zcjd')).toBe(true);
  });
});
