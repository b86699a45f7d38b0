/**
 * Configuration of the website channel, from the environment. Defaults run against the CMS
 * sandbox on one laptop; every address and secret can be overridden.
 */
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm, type SigningKey } from '@gongkai/contracts';
import { env, loadConfig, type ConfigOf, type Variable } from '@gongkai/runtime';
import { DEFAULT_COLUMNS_FILE } from './website-columns';

/** A base URL: http or https, without credentials, query or fragment (credentials travel as signatures). */
function baseUrl(defaultValue: string): Variable<string> {
  return {
    default: defaultValue,
    doc: 'the CMS API origin, e.g. http://127.0.0.1:8081',
    parse: (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error('must be an absolute http(s) URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http or https URL');
      if (url.username !== '' || url.password !== '') throw new Error('must not carry credentials; requests are signed');
      if (url.search !== '' || url.hash !== '') throw new Error('must not have a query or fragment');
      return raw.replace(/\/+$/, '');
    },
  };
}

/** The website channel's variables. */
export const WEBSITE_CONFIG_VARIABLES = {
  WEBSITE_CMS_URL: baseUrl('http://127.0.0.1:8081'),
  WEBSITE_SIGNING_KEY_ID: env.string({ default: 'dev-website', pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ }),
  WEBSITE_SIGNING_SECRET: {
    ...env.string({ default: 'dev-website-signing-secret', secret: true }),
    parse: (raw: string): string => {
      if (raw.length < 16) throw new Error('must be at least 16 characters');
      return raw;
    },
  },
  WEBSITE_SIGNING_ALGORITHM: env.oneOf<SignatureAlgorithm>(SIGNATURE_ALGORITHMS, { default: 'hmac-sha256' }),
  WEBSITE_TIMEOUT_MS: env.integer({ default: 10_000, min: 1, max: 600_000 }),
  WEBSITE_COLUMNS_FILE: env.string({ default: DEFAULT_COLUMNS_FILE }),
} satisfies Record<string, Variable<unknown>>;

/** The website channel's configuration, checked and frozen. */
export type WebsiteConfig = ConfigOf<typeof WEBSITE_CONFIG_VARIABLES>;

/** Reads the website channel's configuration. @throws ConfigError naming every wrong variable. */
export function loadWebsiteConfig(environment: NodeJS.ProcessEnv = process.env): WebsiteConfig {
  return loadConfig(WEBSITE_CONFIG_VARIABLES, environment);
}

/** The key the adapter signs its CMS requests with. */
export function websiteSigningKey(config: WebsiteConfig): SigningKey {
  return Object.freeze({ keyId: config.WEBSITE_SIGNING_KEY_ID, secret: config.WEBSITE_SIGNING_SECRET, algorithm: config.WEBSITE_SIGNING_ALGORITHM });
}
