import { ConfigError } from '@gongkai/runtime';
import { DEFAULT_COLUMNS_FILE } from './website-columns';
import { loadWebsiteConfig, websiteSigningKey } from './website-config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadWebsiteConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadWebsiteConfig', () => {
  it('runs against the local sandbox with no variables set', () => {
    const config = loadWebsiteConfig({});
    expect(config).toEqual({
      WEBSITE_CMS_URL: 'http://127.0.0.1:8081',
      WEBSITE_SIGNING_KEY_ID: 'dev-website',
      WEBSITE_SIGNING_SECRET: 'dev-website-signing-secret',
      WEBSITE_SIGNING_ALGORITHM: 'hmac-sha256',
      WEBSITE_TIMEOUT_MS: 10_000,
      WEBSITE_COLUMNS_FILE: DEFAULT_COLUMNS_FILE,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(websiteSigningKey(config)).toEqual({ keyId: 'dev-website', secret: 'dev-website-signing-secret', algorithm: 'hmac-sha256' });
  });

  it('takes every setting from the environment', () => {
    const config = loadWebsiteConfig({
      WEBSITE_CMS_URL: 'https://cms.liaocheng.example/hub/',
      WEBSITE_SIGNING_KEY_ID: 'lc-2026',
      WEBSITE_SIGNING_SECRET: 'a-production-secret-of-length',
      WEBSITE_SIGNING_ALGORITHM: 'hmac-sm3',
      WEBSITE_TIMEOUT_MS: '2500',
      WEBSITE_COLUMNS_FILE: '/etc/gongkai/website.yaml',
    });
    expect(config).toMatchObject({ WEBSITE_CMS_URL: 'https://cms.liaocheng.example/hub', WEBSITE_SIGNING_ALGORITHM: 'hmac-sm3', WEBSITE_TIMEOUT_MS: 2500 });
  });

  it('names every wrong variable with its value, and never prints the secret', () => {
    const error = configError({
      WEBSITE_CMS_URL: 'ftp://cms',
      WEBSITE_SIGNING_SECRET: 'short-secret',
      WEBSITE_SIGNING_ALGORITHM: 'md5',
      WEBSITE_TIMEOUT_MS: '0',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['WEBSITE_CMS_URL', 'WEBSITE_SIGNING_ALGORITHM', 'WEBSITE_SIGNING_SECRET', 'WEBSITE_TIMEOUT_MS']);
    expect(error.message).toContain('WEBSITE_CMS_URL="ftp://cms": must be an http or https URL');
    expect(error.message).toContain('WEBSITE_SIGNING_ALGORITHM="md5": must be one of hmac-sha256, hmac-sm3');
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses a CMS URL with credentials in it', () => {
    expect(configError({ WEBSITE_CMS_URL: 'http://user:pass@cms:8081' }).message).toContain('must not carry credentials');
  });
});
