import { getHashes } from 'node:crypto';
import { SIGNATURE_ALGORITHMS, type SigningKey } from '@gongkai/contracts';
import { ConfigError, env, loadConfig, type ConfigOf } from '@gongkai/runtime';

/** The sandbox CLI's environment variables; defaults run on one laptop. */
export const sandboxVariables = {
  SANDBOX_WEBSITE_PORT: env.port({ default: 8081, doc: 'port of the website CMS (API and pages)' }),
  SANDBOX_CONTROL_PORT: env.port({ default: 8089, doc: 'port of the control API' }),
  SANDBOX_HOST: env.string({ default: '127.0.0.1', pattern: /^[A-Za-z0-9.:-]+$/, doc: 'address to listen on' }),
  WEBSITE_SIGNING_KEY_ID: env.string({ default: 'dev-website', pattern: /^[A-Za-z0-9._:-]{1,64}$/ }),
  WEBSITE_SIGNING_SECRET: env.string({
    default: 'dev-website-signing-secret',
    secret: true,
    pattern: /^.{16,}$/s,
    doc: 'shared with the hub; at least 16 characters',
  }),
  WEBSITE_SIGNING_ALGORITHM: env.oneOf(SIGNATURE_ALGORITHMS, { default: 'hmac-sha256' }),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info' }),
};

export type SandboxConfig = ConfigOf<typeof sandboxVariables>;

/** Reads and checks the CLI's configuration; throws `ConfigError` naming every bad variable. */
export function loadSandboxConfig(source: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const config = loadConfig(sandboxVariables, source);
  if (config.SANDBOX_WEBSITE_PORT !== 0 && config.SANDBOX_WEBSITE_PORT === config.SANDBOX_CONTROL_PORT) {
    throw new ConfigError([
      { variable: 'SANDBOX_CONTROL_PORT', value: String(config.SANDBOX_CONTROL_PORT), rule: 'must differ from SANDBOX_WEBSITE_PORT' },
    ]);
  }
  if (config.WEBSITE_SIGNING_ALGORITHM === 'hmac-sm3' && !getHashes().includes('sm3')) {
    throw new ConfigError([
      { variable: 'WEBSITE_SIGNING_ALGORITHM', value: 'hmac-sm3', rule: 'this Node.js build has no SM3 (its OpenSSL lacks it)' },
    ]);
  }
  return config;
}

/** The one key the CLI's CMS accepts. */
export function signingKeyOf(config: SandboxConfig): SigningKey {
  return { keyId: config.WEBSITE_SIGNING_KEY_ID, secret: config.WEBSITE_SIGNING_SECRET, algorithm: config.WEBSITE_SIGNING_ALGORITHM };
}
