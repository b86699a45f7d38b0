import { ConfigError } from '@gongkai/runtime';
import { loadSandboxConfig, signingKeyOf } from './sandbox-config';

describe('loadSandboxConfig', () => {
  it('runs on one laptop with defaults', () => {
    const config = loadSandboxConfig({});
    expect(config).toMatchObject({ SANDBOX_WEBSITE_PORT: 8081, SANDBOX_CONTROL_PORT: 8089, SANDBOX_HOST: '127.0.0.1' });
    expect(signingKeyOf(config)).toEqual({ keyId: 'dev-website', secret: 'dev-website-signing-secret', algorithm: 'hmac-sha256' });
  });

  it('takes every value from the environment', () => {
    const config = loadSandboxConfig({
      SANDBOX_WEBSITE_PORT: '0',
      SANDBOX_CONTROL_PORT: '0',
      SANDBOX_HOST: '0.0.0.0',
      WEBSITE_SIGNING_KEY_ID: 'site-2025',
      WEBSITE_SIGNING_SECRET: 'a-much-longer-shared-secret',
      WEBSITE_SIGNING_ALGORITHM: 'hmac-sm3',
    });
    expect(signingKeyOf(config)).toEqual({ keyId: 'site-2025', secret: 'a-much-longer-shared-secret', algorithm: 'hmac-sm3' });
  });

  it('fails naming each bad variable and its value, but never a secret', () => {
    let caught: unknown;
    try {
      loadSandboxConfig({ SANDBOX_WEBSITE_PORT: 'eighty', WEBSITE_SIGNING_ALGORITHM: 'md5', WEBSITE_SIGNING_SECRET: 'short' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain('SANDBOX_WEBSITE_PORT="eighty"');
    expect(message).toContain('WEBSITE_SIGNING_ALGORITHM="md5": must be one of hmac-sha256, hmac-sm3');
    expect(message).toContain('WEBSITE_SIGNING_SECRET="***"');
    expect(message).not.toContain('short');
  });

  it('refuses one port for both servers', () => {
    expect(() => loadSandboxConfig({ SANDBOX_WEBSITE_PORT: '9000', SANDBOX_CONTROL_PORT: '9000' })).toThrow(/SANDBOX_CONTROL_PORT="9000": must differ/);
  });
});
