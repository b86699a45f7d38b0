/**
 * Local stand-ins for the hub's downstream systems. The first is the government website's CMS:
 * a signed article API, the pages a citizen sees, and a control API to inject faults.
 */
export {
  startWebsiteSandbox,
  type FaultState,
  type WebsiteSandbox,
  type WebsiteSandboxOptions,
} from './website-sandbox';
export { parseFault, FAULT_KINDS, type DownFault, type Fault, type FaultKind, type FaultMatch, type QueuedFault, type RequestFault } from './faults';
export type { StoredArticle, Tombstone } from './article-store';
export {
  ARTICLE_KINDS,
  VALIDITY_STATUSES,
  validateArticle,
  type ArticleContent,
  type ArticleKind,
  type Attachment,
  type IssuingBody,
  type Validity,
  type ValidityStatus,
} from './article-validation';
export { DEFAULT_REQUEST_LOG_LIMIT, type RequestLogEntry } from './request-log';
export { DEFAULT_IDEMPOTENCY_KEY_LIMIT } from './idempotency-ledger';
export { ARTICLES_PATH } from './cms-api';
export { MAX_BODY_BYTES } from './http-messages';
export { InvalidFaultError, InvalidSandboxOptionsError, ListenError, type FieldProblem } from './errors';
