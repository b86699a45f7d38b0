import { setFlagsFromString } from 'node:v8';
import { AlwaysOffSampler, NodeTracerProvider, ParentBasedSampler } from '@opentelemetry/sdk-trace-node';
import { createLogger, GracefulShutdown } from '@gongkai/runtime';
import { loadGatewayConfig } from './gateway-config';
import { startGateway } from './gateway-app';

/** Wiring only: config, logger, the app, and shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  // Before any thread starts; V8 reads it at each full collection (see gateway-config.ts).
  if (config.GATEWAY_HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.GATEWAY_HEAP_GROWING_PERCENT}`);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  // The SDK: W3C trace context propagation and async context; exporters are the operator's
  // choice. Spans are recorded when the caller's trace is sampled; a call without a sampled
  // parent still gets a trace id to carry on, without the cost of recording.
  const tracing = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) });
  tracing.register();
  const shutdown = new GracefulShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT });
  shutdown.onClose('tracing', () => tracing.shutdown());
  const app = await startGateway(config, logger, (w) => shutdown.track(w));
  shutdown.onStopAccepting('gateway', () => app.stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
