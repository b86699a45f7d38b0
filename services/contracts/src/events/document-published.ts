import type { Attachment, Importance, IsoDate, IssuingBody, Region } from './common';

/** Validity symbols, in schema order: 有效, 失效, 废止. */
export const VALIDITY_STATUSES = ['UNKNOWN', 'VALID', 'EXPIRED', 'REPEALED'] as const;
/** Whether a document is in force. */
export type ValidityStatus = (typeof VALIDITY_STATUSES)[number];

/** Item of the 主动公开事项目录 a publication belongs to. */
export interface CatalogueItem {
  code: string;
  name: string;
}

/** Whether a document is in force, with its dates. */
export interface Validity {
  status: ValidityStatus;
  /** 施行日期; null when in force on publication. */
  effectiveOn: IsoDate | null;
  /** Date it expired or was repealed; null while VALID. */
  endedOn: IsoDate | null;
}

/**
 * Data of `document.published` (current version, v2): a government information item
 * published proactively, or a new revision of one. Field meanings are documented in
 * `schemas/document.published/v2.avsc`.
 */
export interface DocumentPublished {
  publicationId: string;
  revision: number;
  /** 索引号 `{issuing body code}/{YYYY}-{5-digit serial}`. */
  indexNumber: string;
  issuingBody: IssuingBody;
  /** 文号, e.g. `聊政办字〔2025〕12号`. */
  documentNumber: string | null;
  catalogueItem: CatalogueItem;
  /** 主题分类. */
  subjectCategory: string;
  title: string;
  body: string;
  attachments: Attachment[];
  /** 成文日期. */
  formedOn: IsoDate;
  publishedAt: Date;
  validity: Validity;
  region: Region;
  importance: Importance;
  needsInterpretation: boolean | null;
  /** Added in v2: publication id of a document this one replaces. */
  supersedes: string | null;
  /** Added in v2: 主题词. */
  keywords: string[];
}
