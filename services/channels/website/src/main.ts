import { loadDeliveryConfig, runChannel } from '@gongkai/delivery';
import { createLogger, GracefulShutdown } from '@gongkai/runtime';
import { createWebsiteAdapter } from './website-adapter';
import { loadWebsiteConfig } from './website-config';

/** Wiring only: the website adapter on the delivery engine, stopped on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const delivery = loadDeliveryConfig();
  const website = loadWebsiteConfig();
  const logger = createLogger({ service: 'channel-website', level: delivery.LOG_LEVEL });
  const shutdown = new GracefulShutdown({ logger, timeoutMs: delivery.SHUTDOWN_TIMEOUT });
  const adapter = createWebsiteAdapter(website);
  const running = await runChannel(adapter, delivery, logger);
  shutdown.onStopAccepting('website delivery', () => running.stop());
  shutdown.onClose('CMS connections', () => adapter.close());
  logger.info({ cms: website.WEBSITE_CMS_URL, keyId: website.WEBSITE_SIGNING_KEY_ID, columns: adapter.columns.columns.size }, 'website channel delivering');
}

main().catch((err: unknown) => {
  process.stderr.write(`website channel failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
