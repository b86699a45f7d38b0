/**
 * What the site's CMS is given for each publishable event: an article, keyed by the
 * publication id, in the JSON the CMS API's `PUT /api/v1/articles/{id}` takes.
 *
 * The CMS stores HTML, and the hub's events carry plain text, so every piece of text that goes
 * into `bodyHtml` is escaped here: a `<script>` in a body arrives as `&lt;script&gt;`. Other
 * fields (title, document number …) are plain text the CMS escapes when it renders them.
 */
import type {
  Attachment,
  EventType,
  HubEvent,
  InterpretationForm,
  IsoDate,
  IssuingBody,
  ProcurementMethod,
  ProcurementNoticeKind,
  ValidityStatus,
} from '@gongkai/contracts';

/** Event types that become a page on the site. */
export const PUBLISHABLE_EVENT_TYPES = ['document.published', 'interpretation.published', 'procurement.published'] as const;
/** An event type that becomes a page on the site. */
export type PublishableEventType = (typeof PUBLISHABLE_EVENT_TYPES)[number];

/** What rendering reads of an event: its type, subject (the publication id) and data. */
export type PublishableEvent = { [T in PublishableEventType]: Pick<HubEvent<T>, 'type' | 'subject' | 'data'> }[PublishableEventType];

/** Whether events of a type become a page on the site. */
export function isPublishableType(type: EventType): type is PublishableEventType {
  return (PUBLISHABLE_EVENT_TYPES as readonly string[]).includes(type);
}

/** 有效, 失效, 废止: how the site marks whether a document is in force. */
export type ArticleValidityStatus = '有效' | '失效' | '废止';

/** An article as the CMS API takes it. */
export interface CmsArticle {
  /** The column's code, e.g. `zfxxgk/zcwj`. */
  readonly column: string;
  readonly revision: number;
  readonly title: string;
  readonly bodyHtml: string;
  readonly kind: 'document' | 'interpretation' | 'procurement';
  /** 索引号. */
  readonly indexNumber?: string;
  /** 文号. */
  readonly documentNumber?: string;
  readonly issuingBody?: { readonly code: string; readonly name: string };
  /** 成文日期. */
  readonly formedOn?: IsoDate;
  /** 发布日期, in Beijing time. */
  readonly publishedOn?: IsoDate;
  readonly validity?: { readonly status: ArticleValidityStatus; readonly since: IsoDate | null };
  /** 主题分类. */
  readonly subjectCategory?: string;
  /** For an interpretation: the publication id of the policy it explains. */
  readonly interpretationOf?: string;
  readonly attachments?: readonly CmsAttachment[];
}

/** An attachment as the CMS API takes it. */
export interface CmsAttachment {
  readonly name: string;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** The CMS's id of a publication's article in one column: `{publicationId}~{column with / as .}`. */
export function articleIdOf(event: Pick<PublishableEvent, 'subject'>, column: string): string {
  // One article per publication and column: an item the routing puts in two columns has a
  // page in each, and taking it out of one leaves the other.
  return `${event.subject}~${column.replace(/\//g, '.')}`;
}

/** Renders an event as the article for `column`. */
export function renderArticle(event: PublishableEvent, column: string): CmsArticle {
  switch (event.type) {
    case 'document.published':
      return renderDocument(event.data, column);
    case 'interpretation.published':
      return renderInterpretation(event.data, column);
    case 'procurement.published':
      return renderProcurement(event.data, column);
  }
}

function renderDocument(data: HubEvent<'document.published'>['data'], column: string): CmsArticle {
  const validity = validityOf(data.validity);
  return {
    column,
    revision: data.revision,
    title: data.title,
    bodyHtml: textToHtml(data.body),
    kind: 'document',
    indexNumber: data.indexNumber,
    ...(data.documentNumber === null ? {} : { documentNumber: data.documentNumber }),
    issuingBody: issuingBodyOf(data.issuingBody),
    formedOn: data.formedOn,
    publishedOn: beijingDate(data.publishedAt),
    ...(validity === undefined ? {} : { validity }),
    subjectCategory: data.subjectCategory,
    attachments: data.attachments.map(attachmentOf),
  };
}

function renderInterpretation(data: HubEvent<'interpretation.published'>['data'], column: string): CmsArticle {
  const facts: [string, string][] = [];
  const form = INTERPRETATION_FORM_LABELS[data.form];
  if (form !== undefined) facts.push(['解读形式', form]);
  facts.push(['解读机关', data.issuingBody.name]);
  if (data.interpreter !== null) facts.push(['解读人', data.interpreter]);
  return {
    column,
    revision: data.revision,
    title: data.title,
    bodyHtml: joinHtml(factsToHtml(facts), textToHtml(data.body)),
    kind: 'interpretation',
    interpretationOf: data.policyPublicationId,
    ...(data.indexNumber === null ? {} : { indexNumber: data.indexNumber }),
    issuingBody: issuingBodyOf(data.issuingBody),
    publishedOn: beijingDate(data.publishedAt),
    attachments: data.attachments.map(attachmentOf),
  };
}

function renderProcurement(data: HubEvent<'procurement.published'>['data'], column: string): CmsArticle {
  const facts: [string, string][] = [];
  const kind = NOTICE_KIND_LABELS[data.noticeKind];
  if (kind !== undefined) facts.push(['公告类型', kind]);
  facts.push(['项目编号', data.projectCode], ['项目名称', data.projectName], ['采购人', data.purchaser.name]);
  if (data.agency !== null) facts.push(['采购代理机构', data.agency.name]);
  const method = PROCUREMENT_METHOD_LABELS[data.method];
  if (method !== undefined) facts.push(['采购方式', method]);
  facts.push(['预算金额', `${fenToYuan(data.budgetFen)} 元`]);
  if (data.awardedSupplier !== null) facts.push(['中标（成交）供应商', data.awardedSupplier.name]);
  if (data.awardAmountFen !== null) facts.push(['中标（成交）金额', `${fenToYuan(data.awardAmountFen)} 元`]);
  if (data.bidDeadlineAt !== null) facts.push(['投标截止时间', `${beijingDateTime(data.bidDeadlineAt)}（北京时间）`]);
  facts.push(['监督部门', data.supervisingDepartment.name]);
  return {
    column,
    revision: data.revision,
    title: data.title,
    bodyHtml: joinHtml(factsToHtml(facts), textToHtml(data.body)),
    kind: 'procurement',
    publishedOn: beijingDate(data.publishedAt),
    attachments: data.attachments.map(attachmentOf),
  };
}

const VALIDITY_LABELS: Readonly<Record<ValidityStatus, ArticleValidityStatus | undefined>> = {
  UNKNOWN: undefined,
  VALID: '有效',
  EXPIRED: '失效',
  REPEALED: '废止',
};

/**
 * The site's validity mark. An expired or repealed document stays on the site, marked with the
 * date it ended; one in force shows the date it took effect (null when it did on publication).
 * A status this reader does not know sends no mark rather than a wrong one.
 */
export function validityOf(validity: HubEvent<'document.published'>['data']['validity']): CmsArticle['validity'] {
  const status = VALIDITY_LABELS[validity.status];
  if (status === undefined) return undefined;
  return { status, since: status === '有效' ? validity.effectiveOn : validity.endedOn };
}

const INTERPRETATION_FORM_LABELS: Readonly<Record<InterpretationForm, string | undefined>> = {
  UNKNOWN: undefined,
  TEXT: '文字解读',
  GRAPHIC: '图解',
  VIDEO: '视频解读',
  QA: '问答',
  BRIEFING: '新闻发布会',
  INTERVIEW: '在线访谈',
};

const NOTICE_KIND_LABELS: Readonly<Record<ProcurementNoticeKind, string | undefined>> = {
  UNKNOWN: undefined,
  TENDER: '招标公告',
  AWARD: '中标（成交）结果公告',
  CONTRACT: '合同公告',
};

const PROCUREMENT_METHOD_LABELS: Readonly<Record<ProcurementMethod, string | undefined>> = {
  UNKNOWN: undefined,
  PUBLIC_TENDER: '公开招标',
  INVITED_TENDER: '邀请招标',
  COMPETITIVE_NEGOTIATION: '竞争性谈判',
  COMPETITIVE_CONSULTATION: '竞争性磋商',
  SINGLE_SOURCE: '单一来源采购',
  REQUEST_FOR_QUOTATION: '询价',
  FRAMEWORK_AGREEMENT: '框架协议采购',
};

function issuingBodyOf(body: IssuingBody): { code: string; name: string } {
  return { code: body.code ?? body.creditCode, name: body.name };
}

function attachmentOf(attachment: Attachment): CmsAttachment {
  return { name: attachment.name, mediaType: attachment.mediaType, sizeBytes: attachment.size, sha256: attachment.sha256 };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Plain text as HTML paragraphs: each non-blank line a `<p>`, escaped, kept as written
 * otherwise (full-width spaces that indent a paragraph, full-width digits and punctuation).
 */
export function textToHtml(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('\n');
}

/** Key facts as a definition list, escaped. */
function factsToHtml(facts: readonly (readonly [string, string])[]): string {
  const rows = facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`);
  return `<dl class="gk-facts">\n${rows.join('\n')}\n</dl>`;
}

function joinHtml(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('\n');
}

/** An amount in fen (1/100 yuan) as yuan with thousands separators, exactly: 128000000 → `1,280,000.00`. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`an amount in fen must be a whole number, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

// China Standard Time has no daylight saving: a fixed UTC+8 is exact.
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The calendar date in Beijing of an instant, `YYYY-MM-DD`. */
export function beijingDate(at: Date): IsoDate {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** Date and time in Beijing of an instant, `YYYY-MM-DD HH:mm`. */
export function beijingDateTime(at: Date): string {
  const iso = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
