/**
 * Realistic events of every type, for tests here and in the services that use the contracts
 * (import from `@gongkai/contracts/dist/testing/sample-events`). The document is the seed of
 * this project: Liaocheng's 2025 work plan for government-information disclosure, with its
 * full-width digits and Chinese punctuation kept, because those are what must survive byte
 * for byte.
 */
import type { EventData, EventType } from '../events/event-types';

/** The credit code used by the samples' issuing body; its check character is correct. */
export const SAMPLE_CREDIT_CODE = '11371500004310437T';

/** A sample of each event type; each call returns fresh objects that a test may change. */
export function sampleEvents(): { [T in EventType]: EventData<T> } {
  const issuingBody = { name: '聊城市人民政府办公室', creditCode: SAMPLE_CREDIT_CODE, code: null };
  const region = { code: '371500', name: '聊城市' };
  return {
    'document.published': {
      publicationId: 'lc-zfbgs-2025-000123',
      revision: 1,
      indexNumber: `${SAMPLE_CREDIT_CODE}/2025-00012`,
      issuingBody,
      documentNumber: '聊政办字〔2025〕12号',
      catalogueItem: { code: 'ZDGK-01-02', name: '政策文件' },
      subjectCategory: '综合政务/政务公开',
      title: '聊城市人民政府办公室关于印发2025年政务公开工作要点的通知',
      body: [
        '各县(市、区)人民政府,市属开发区管委会,市政府各部门、直属机构:',
        '«２０２５年聊城市政务公开工作要点»已经市政府同意,现印发给你们,请认真贯彻执行.',
        '２０２５年是“十四五”规划的收官之年,也是“十五五”规划的谋篇布局之年.',
        '(一)健全主动公开体系,提升信息发布质效.持续完善主动公开事项目录,实现主动公开事项的动态更新和清单化、信息化、规范化管理.',
        '联系人:𠮷田 — 电话见附件\t(此件公开发布)',
      ].join('\n'),
      attachments: [
        {
          name: '2025年聊城市政务公开工作要点.pdf',
          mediaType: 'application/pdf',
          size: 482_133,
          sha256: '9f2b5c1e0d7a4b3c8e6f1a2d3c4b5a697887766554433221100ffeeddccbbaa9',
          uri: 'https://www.liaocheng.gov.cn/files/2025/06/26/zwgk-gzyd.pdf',
        },
      ],
      formedOn: '2025-06-26',
      publishedAt: new Date('2025-06-27T09:30:00+08:00'),
      validity: { status: 'VALID', effectiveOn: '2025-06-26', endedOn: null },
      region,
      importance: 'IMPORTANT',
      needsInterpretation: true,
      supersedes: null,
      keywords: ['政务公开', '工作要点'],
    },
    'interpretation.published': {
      publicationId: 'lc-zfbgs-2025-000124',
      revision: 1,
      policyPublicationId: 'lc-zfbgs-2025-000123',
      form: 'GRAPHIC',
      indexNumber: `${SAMPLE_CREDIT_CODE}/2025-00013`,
      issuingBody,
      interpreter: '市政府办公室政务公开科',
      title: '图解:《2025年聊城市政务公开工作要点》',
      body: '一图读懂2025年政务公开工作要点:立标引航、提质增效、规范升级.',
      attachments: [],
      publishedAt: new Date('2025-06-27T10:00:00+08:00'),
      region,
      importance: 'NORMAL',
    },
    'procurement.published': {
      publicationId: 'lc-ggzy-2025-cg-0456',
      revision: 1,
      noticeKind: 'TENDER',
      projectCode: 'LCCG2025-0456',
      projectName: '聊城市政务公开专区自助查询终端采购项目',
      title: '聊城市政务公开专区自助查询终端采购项目公开招标公告',
      body: '项目概况:采购政务公开专区自助查询终端30台,详见招标文件.',
      purchaser: { name: '聊城市人民政府办公室', creditCode: SAMPLE_CREDIT_CODE },
      agency: { name: '山东某某招标代理有限公司', creditCode: null },
      supervisingDepartment: { name: '聊城市财政局', creditCode: null },
      method: 'PUBLIC_TENDER',
      budgetFen: 1_280_000_00,
      awardedSupplier: null,
      awardAmountFen: null,
      bidDeadlineAt: new Date('2025-07-18T09:00:00+08:00'),
      attachments: [],
      publishedAt: new Date('2025-06-28T08:00:00+08:00'),
      region,
    },
    'request.status_changed': {
      requestId: 'LC-YSQ-2025-0789',
      step: 'REPLIED',
      sequence: 3,
      occurredAt: new Date('2025-07-10T15:20:00+08:00'),
      receivedOn: '2025-06-20',
      dueOn: '2025-07-18',
      handlingBody: issuingBody,
      outcome: 'PARTIALLY_DISCLOSED',
      note: '涉及第三方商业秘密部分不予公开',
      applicant: { kind: 'NATURAL_PERSON', name: '张三', contact: '13800000000' },
    },
    'publication.retracted': {
      publicationId: 'lc-zfbgs-2025-000123',
      reasonCode: 'PERSONAL_DATA',
      reason: '附件中含有个人联系方式,撤回后重新发布',
      requestedBy: 'operator:wang.li',
      retractedAt: new Date('2025-06-27T11:05:00+08:00'),
    },
    'review.decided': {
      subject: 'lc-zfbgs-2025-000123',
      eventId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
      eventType: 'document.published',
      revision: 1,
      decision: 'APPROVED_MASKED',
      decidedBy: 'operator:wang.li',
      decidedAt: new Date('2025-06-27T09:45:00+08:00'),
      findings: [{ kind: 'MOBILE_NUMBER', field: 'body', excerpt: '电话 138****0000', rule: null }],
      note: '手机号已遮蔽',
    },
    'delivery.outcome': {
      subject: 'lc-zfbgs-2025-000123',
      eventId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
      eventType: 'document.published',
      revision: 1,
      channel: 'website',
      target: 'zfxxgk/zcwj',
      idempotencyKey: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f:zfxxgk/zcwj',
      attempt: 2,
      outcome: 'RETRYING',
      attemptedAt: new Date('2025-06-27T09:46:01.250+08:00'),
      latencyMs: 30_000,
      nextAttemptAt: new Date('2025-06-27T09:47:01+08:00'),
      channelReference: null,
      error: { code: 'TIMEOUT', message: '网站内容管理系统30秒内无响应' },
    },
    'alert.raised': {
      alertId: 'alert-hold-lc-zfbgs-2025-000123',
      kind: 'ITEM_HELD',
      severity: 'WARNING',
      subject: 'lc-zfbgs-2025-000123',
      channel: null,
      summary: '《聊城市人民政府办公室关于印发2025年政务公开工作要点的通知》待人工审核',
      raisedAt: new Date('2025-06-27T09:40:00+08:00'),
      attributes: { finding: 'MOBILE_NUMBER', heldFor: 'PT5M' },
    },
  };
}
