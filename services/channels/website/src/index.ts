/**
 * `@gongkai/channel-website`: the website channel adapter. It publishes each released item to
 * its statutory 政府信息公开 column through the site CMS's HTTP API, replaces the page on each
 * revision, marks expired or repealed documents, and removes a page only on retraction. The
 * delivery engine (`@gongkai/delivery`) runs it.
 */
export { WebsiteColumnsError } from './errors';
export {
  PUBLISHABLE_EVENT_TYPES,
  articleIdOf,
  beijingDate,
  beijingDateTime,
  escapeHtml,
  fenToYuan,
  isPublishableType,
  renderArticle,
  textToHtml,
  validityOf,
  type ArticleValidityStatus,
  type CmsArticle,
  type CmsAttachment,
  type PublishableEvent,
  type PublishableEventType,
} from './article-rendering';
export {
  DEFAULT_COLUMNS_FILE,
  loadWebsiteColumns,
  parseWebsiteColumns,
  type WebsiteColumn,
  type WebsiteColumns,
} from './website-columns';
export { WEBSITE_CONFIG_VARIABLES, loadWebsiteConfig, websiteSigningKey, type WebsiteConfig } from './website-config';
export {
  REPLAYED_HEADER,
  WebsiteAdapter,
  createWebsiteAdapter,
  type CmsDispatcher,
  type WebsiteAdapterSettings,
} from './website-adapter';
