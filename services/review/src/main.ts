import { createLogger, GracefulShutdown } from '@gongkai/runtime';
import { loadReviewConfig, startReview } from './review-service';

/** Wiring only: config, logger, the service, and shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadReviewConfig();
  const logger = createLogger({ service: 'review', level: config.LOG_LEVEL });
  const shutdown = new GracefulShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT });
  const service = await startReview(config, logger, { onFatal: () => void shutdown.shutdown('disclosure consumer stopped', { failed: true }) });
  shutdown.onStopAccepting('review consumer', () => service.stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`review failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
