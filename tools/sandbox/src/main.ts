#!/usr/bin/env node
import { createLogger, GracefulShutdown } from '@gongkai/runtime';
import { loadSandboxConfig, signingKeyOf } from './sandbox-config';
import { startWebsiteSandbox } from './website-sandbox';

/** Wiring only: config, logger, the website CMS sandbox, and shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadSandboxConfig();
  const logger = createLogger({ service: 'sandbox', level: config.LOG_LEVEL });
  const key = signingKeyOf(config);
  const sandbox = await startWebsiteSandbox({
    port: config.SANDBOX_WEBSITE_PORT,
    controlPort: config.SANDBOX_CONTROL_PORT,
    host: config.SANDBOX_HOST,
    keys: [key],
    // `signature` is a redacted key in our logger: the verdict goes out as `verdict`.
    onRequest: ({ signature, ...entry }) => logger.debug({ ...entry, verdict: signature }, 'api call'),
  });
  const shutdown = new GracefulShutdown({ logger, timeoutMs: 5_000 });
  shutdown.onStopAccepting('website sandbox', () => sandbox.close());
  logger.info({ url: sandbox.url, keyId: key.keyId, algorithm: key.algorithm }, `website CMS listening on ${sandbox.url}`);
  logger.info({ url: sandbox.controlUrl }, `control API listening on ${sandbox.controlUrl}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
