import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import {
  beijingDate,
  escapeHtml,
  fenToYuan,
  isPublishableType,
  renderArticle,
  textToHtml,
  type PublishableEvent,
} from './article-rendering';

function documentEvent(change: (data: ReturnType<typeof sampleEvents>['document.published']) => void = () => undefined): PublishableEvent {
  const data = sampleEvents()['document.published'];
  change(data);
  return { type: 'document.published', subject: data.publicationId, data };
}

describe('textToHtml', () => {
  it('makes each line of the body a paragraph', () => {
    expect(textToHtml('第一段\n第二段\r\n\r\n第三段')).toBe('<p>第一段</p>\n<p>第二段</p>\n<p>第三段</p>');
  });

  it('escapes hostile text so it arrives as text, not markup', () => {
    const html = textToHtml('<script>alert("x")</script> & <img src=x onerror=\'steal()\'>');
    expect(html).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=&#39;steal()&#39;&gt;</p>');
    expect(html).not.toMatch(/<script|<img/);
  });

  it('keeps Chinese text, full-width digits, indentation and astral characters as written', () => {
    expect(textToHtml('　　２０２５年“十四五”收官\t𠮷田')).toBe('<p>　　２０２５年“十四五”收官\t𠮷田</p>');
  });

  it('an empty body is empty HTML', () => {
    expect(textToHtml('')).toBe('');
    expect(textToHtml('\n \n')).toBe('');
  });

  it('escapeHtml leaves ordinary text alone', () => {
    expect(escapeHtml('聊政办字〔2025〕12号')).toBe('聊政办字〔2025〕12号');
  });
});

describe('renderArticle: document.published', () => {
  it('carries every field the CMS shows, with the body as escaped paragraphs', () => {
    const event = documentEvent((d) => {
      d.body = '第一段\n<b>加粗</b>';
    });
    expect(renderArticle(event, 'zfxxgk/zcwj')).toEqual({
      column: 'zfxxgk/zcwj',
      revision: 1,
      title: '聊城市人民政府办公室关于印发2025年政务公开工作要点的通知',
      bodyHtml: '<p>第一段</p>\n<p>&lt;b&gt;加粗&lt;/b&gt;</p>',
      kind: 'document',
      indexNumber: '11371500004310437T/2025-00012',
      documentNumber: '聊政办字〔2025〕12号',
      issuingBody: { code: '11371500004310437T', name: '聊城市人民政府办公室' },
      formedOn: '2025-06-26',
      publishedOn: '2025-06-27',
      validity: { status: '有效', since: '2025-06-26' },
      subjectCategory: '综合政务/政务公开',
      attachments: [
        {
          name: '2025年聊城市政务公开工作要点.pdf',
          mediaType: 'application/pdf',
          sizeBytes: 482_133,
          sha256: '9f2b5c1e0d7a4b3c8e6f1a2d3c4b5a697887766554433221100ffeeddccbbaa9',
        },
      ],
    });
  });

  it('uses the issuing body’s own code where it has one, and leaves out a missing document number', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.issuingBody.code = 'LCZFB';
        d.documentNumber = null;
      }),
      'zfxxgk/qtwj',
    );
    expect(article.issuingBody).toEqual({ code: 'LCZFB', name: '聊城市人民政府办公室' });
    expect(article).not.toHaveProperty('documentNumber');
  });

  it('dates publication in Beijing time', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.publishedAt = new Date('2025-06-27T17:30:00Z'); // 01:30 on the 28th in Beijing
      }),
      'zfxxgk/zcwj',
    );
    expect(article.publishedOn).toBe('2025-06-28');
  });

  it('marks a repealed document 废止 from the day it was repealed, keeping the page', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.revision = 3;
        d.validity = { status: 'REPEALED', effectiveOn: '2025-06-26', endedOn: '2026-01-01' };
      }),
      'zfxxgk/zcwj',
    );
    expect(article).toMatchObject({ revision: 3, validity: { status: '废止', since: '2026-01-01' }, bodyHtml: expect.stringContaining('<p>') });
  });

  it('marks an expired document 失效', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.validity = { status: 'EXPIRED', effectiveOn: null, endedOn: '2027-06-30' };
      }),
      'zfxxgk/zcwj',
    );
    expect(article.validity).toEqual({ status: '失效', since: '2027-06-30' });
  });

  it('marks a document in force on publication 有效 with no date', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.validity = { status: 'VALID', effectiveOn: null, endedOn: null };
      }),
      'zfxxgk/zcwj',
    );
    expect(article.validity).toEqual({ status: '有效', since: null });
  });

  it('sends no validity mark for a status this reader does not know', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.validity = { status: 'UNKNOWN', effectiveOn: null, endedOn: null };
      }),
      'zfxxgk/zcwj',
    );
    expect(article).not.toHaveProperty('validity');
  });

  it('sends an empty attachment list, so a revision that drops attachments drops them on the site', () => {
    const article = renderArticle(
      documentEvent((d) => {
        d.attachments = [];
      }),
      'zfxxgk/zcwj',
    );
    expect(article.attachments).toEqual([]);
  });
});

describe('renderArticle: interpretation.published', () => {
  it('links to the policy it explains and says who interprets it and how', () => {
    const data = sampleEvents()['interpretation.published'];
    data.body = '解读<要点>';
    const article = renderArticle({ type: 'interpretation.published', subject: data.publicationId, data }, 'zfxxgk/zcjd');
    expect(article).toMatchObject({
      column: 'zfxxgk/zcjd',
      kind: 'interpretation',
      interpretationOf: 'lc-zfbgs-2025-000123',
      indexNumber: '11371500004310437T/2025-00013',
      issuingBody: { code: '11371500004310437T', name: '聊城市人民政府办公室' },
      publishedOn: '2025-06-27',
      title: '图解:《2025年聊城市政务公开工作要点》',
      attachments: [],
    });
    expect(article.bodyHtml).toContain('<dt>解读形式</dt><dd>图解</dd>');
    expect(article.bodyHtml).toContain('<dt>解读人</dt><dd>市政府办公室政务公开科</dd>');
    expect(article.bodyHtml).toContain('<p>解读&lt;要点&gt;</p>');
    expect(article).not.toHaveProperty('validity');
  });

  it('leaves out an index number and interpreter the event does not have', () => {
    const data = sampleEvents()['interpretation.published'];
    data.indexNumber = null;
    data.interpreter = null;
    const article = renderArticle({ type: 'interpretation.published', subject: data.publicationId, data }, 'zfxxgk/zcjd');
    expect(article).not.toHaveProperty('indexNumber');
    expect(article.bodyHtml).not.toContain('解读人');
  });
});

describe('renderArticle: procurement.published', () => {
  it('renders the notice’s key facts, with the budget in yuan', () => {
    const data = sampleEvents()['procurement.published'];
    const article = renderArticle({ type: 'procurement.published', subject: data.publicationId, data }, 'zfxxgk/ggzyjy/zfcg');
    expect(article).toMatchObject({ column: 'zfxxgk/ggzyjy/zfcg', kind: 'procurement', revision: 1, publishedOn: '2025-06-28', title: data.title });
    const html = article.bodyHtml;
    expect(html).toContain('<dt>公告类型</dt><dd>招标公告</dd>');
    expect(html).toContain('<dt>项目编号</dt><dd>LCCG2025-0456</dd>');
    expect(html).toContain('<dt>采购人</dt><dd>聊城市人民政府办公室</dd>');
    expect(html).toContain('<dt>采购代理机构</dt><dd>山东某某招标代理有限公司</dd>');
    expect(html).toContain('<dt>采购方式</dt><dd>公开招标</dd>');
    expect(html).toContain('<dt>预算金额</dt><dd>1,280,000.00 元</dd>');
    expect(html).toContain('<dt>投标截止时间</dt><dd>2025-07-18 09:00（北京时间）</dd>');
    expect(html).toContain('<dt>监督部门</dt><dd>聊城市财政局</dd>');
    expect(html).toContain('<p>项目概况:采购政务公开专区自助查询终端30台,详见招标文件.</p>');
  });

  it('an award notice names the supplier and amount; hostile names arrive escaped', () => {
    const data = sampleEvents()['procurement.published'];
    data.noticeKind = 'AWARD';
    data.awardedSupplier = { name: '聊城<script>某</script>公司', creditCode: null };
    data.awardAmountFen = 99_999_05;
    data.bidDeadlineAt = null;
    data.agency = null;
    const html = renderArticle({ type: 'procurement.published', subject: data.publicationId, data }, 'zfxxgk/ggzyjy/zfcg').bodyHtml;
    expect(html).toContain('<dt>公告类型</dt><dd>中标（成交）结果公告</dd>');
    expect(html).toContain('<dt>中标（成交）供应商</dt><dd>聊城&lt;script&gt;某&lt;/script&gt;公司</dd>');
    expect(html).toContain('<dt>中标（成交）金额</dt><dd>99,999.05 元</dd>');
    expect(html).not.toContain('投标截止时间');
    expect(html).not.toContain('采购代理机构');
    expect(html).not.toContain('<script>');
  });
});

describe('amounts and dates', () => {
  it('fenToYuan is exact', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(100)).toBe('1.00');
    expect(fenToYuan(1_234_567_89)).toBe('1,234,567.89');
    expect(fenToYuan(9_007_199_254_740_991)).toBe('90,071,992,547,409.91');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });

  it('beijingDate is the date in UTC+8', () => {
    expect(beijingDate(new Date('2025-12-31T15:59:59Z'))).toBe('2025-12-31');
    expect(beijingDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });
});

describe('isPublishableType', () => {
  it('documents, interpretations and procurement notices become pages; requests and retractions do not', () => {
    expect(isPublishableType('document.published')).toBe(true);
    expect(isPublishableType('interpretation.published')).toBe(true);
    expect(isPublishableType('procurement.published')).toBe(true);
    expect(isPublishableType('request.status_changed')).toBe(false);
    expect(isPublishableType('publication.retracted')).toBe(false);
  });
});
