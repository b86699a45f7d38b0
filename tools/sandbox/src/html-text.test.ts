import { bodyHtmlForPage, escapeHtml } from './html-text';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('bodyHtmlForPage', () => {
  it('keeps ordinary document markup', () => {
    const html = '<h2>第一章</h2><p align="center">总则</p><ul><li>一</li></ul><table><tr><td colspan="2">表</td></tr></table>';
    expect(bodyHtmlForPage(html)).toBe(html);
  });

  it('drops scripts, styles and frames with their content', () => {
    expect(bodyHtmlForPage('<p>a<script>alert(1)</script>b<style>p{}</style>c<iframe src=x>d</iframe>e</p>')).toBe('<p>abce</p>');
    expect(bodyHtmlForPage('<SCRIPT type="text/javascript">x</SCRIPT >ok')).toBe('ok');
    expect(bodyHtmlForPage('<script>never closed')).toBe('');
  });

  it('drops event handlers, styles and unsafe links', () => {
    expect(bodyHtmlForPage('<p onclick="x()" style="position:fixed">t</p>')).toBe('<p>t</p>');
    expect(bodyHtmlForPage('<a href="javascript:x()">a</a><a href="&#106;avascript:x()">b</a><a href=" data:text/html,x">c</a>')).toBe(
      '<a rel="nofollow noopener noreferrer">a</a><a rel="nofollow noopener noreferrer">b</a><a rel="nofollow noopener noreferrer">c</a>',
    );
    expect(bodyHtmlForPage('<a href="https://www.liaocheng.gov.cn/?a=1&amp;b=2" title="市政府">网站</a>')).toBe(
      '<a href="https://www.liaocheng.gov.cn/?a=1&amp;b=2" title="市政府" rel="nofollow noopener noreferrer">网站</a>',
    );
  });

  it('keeps the text of tags it does not allow', () => {
    expect(bodyHtmlForPage('<font color="red">红字</font><img src="x" onerror="y()"><svg><g>图</g></svg>')).toBe('红字图');
  });

  it('does not let a quoted > end a tag early', () => {
    expect(bodyHtmlForPage('<p title="a>b" onclick="x">t</p>')).toBe('<p>t</p>');
    expect(bodyHtmlForPage('<a title="x>" href="javascript:y">t</a>')).toBe('<a title="x&gt;" rel="nofollow noopener noreferrer">t</a>');
  });

  it('closes what it opens and ignores stray end tags, so the page around it stays whole', () => {
    expect(bodyHtmlForPage('<div><p>a')).toBe('<div><p>a</p></div>');
    expect(bodyHtmlForPage('</div></main><p>b</p>')).toBe('<p>b</p>');
    expect(bodyHtmlForPage('<div><p>a</div>b')).toBe('<div><p>a</p></div>b');
  });

  it('escapes text, keeping character references as written', () => {
    expect(bodyHtmlForPage('1 < 2 & 3 > 2 &nbsp;&#12290;&#x3002; &bogus')).toBe('1 &lt; 2 &amp; 3 &gt; 2 &nbsp;&#12290;&#x3002; &amp;bogus');
    expect(bodyHtmlForPage(`<p>"引号" 'quotes' &quot;</p>`)).toBe('<p>&quot;引号&quot; &#39;quotes&#39; &quot;</p>');
  });

  it('drops comments and declarations', () => {
    expect(bodyHtmlForPage('<!DOCTYPE html><!-- <script>x</script> -->a<?xml?>b<!-- unclosed')).toBe('ab');
  });
});
