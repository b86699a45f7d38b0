import type { Attachment, Region } from './common';

/** Notice kinds, in schema order: 招标公告, 中标（成交）结果公告, 合同公告. */
export const PROCUREMENT_NOTICE_KINDS = ['UNKNOWN', 'TENDER', 'AWARD', 'CONTRACT'] as const;
/** Kind of procurement notice. */
export type ProcurementNoticeKind = (typeof PROCUREMENT_NOTICE_KINDS)[number];

/** Procurement methods (采购方式), in schema order. */
export const PROCUREMENT_METHODS = [
  'UNKNOWN',
  'PUBLIC_TENDER',
  'INVITED_TENDER',
  'COMPETITIVE_NEGOTIATION',
  'COMPETITIVE_CONSULTATION',
  'SINGLE_SOURCE',
  'REQUEST_FOR_QUOTATION',
  'FRAMEWORK_AGREEMENT',
] as const;
/** How the purchaser procures. */
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

/** An organisation named in a notice. */
export interface Party {
  name: string;
  creditCode: string | null;
}

/** Data of `procurement.published`: a tender, award or contract notice. */
export interface ProcurementPublished {
  publicationId: string;
  revision: number;
  noticeKind: ProcurementNoticeKind;
  /** 项目编号. */
  projectCode: string;
  projectName: string;
  title: string;
  body: string;
  purchaser: Party;
  agency: Party | null;
  /** 监督部门: every notice names it. */
  supervisingDepartment: Party;
  method: ProcurementMethod;
  /** Budget in fen (1/100 yuan). */
  budgetFen: number;
  awardedSupplier: Party | null;
  awardAmountFen: number | null;
  bidDeadlineAt: Date | null;
  attachments: Attachment[];
  publishedAt: Date;
  region: Region;
}
