import { env, kafkaVariables, loadConfig } from '@gongkai/runtime';

/** The gateway's settings, all from the environment; defaults run on one laptop. */
export const gatewayVariables = {
  ...kafkaVariables,
  GATEWAY_HOST: env.string({ default: '127.0.0.1' }),
  GATEWAY_PORT: env.port({ default: 50051 }),
  /** Who may call: see deploy/dev/callers.yaml. */
  GATEWAY_CALLERS_FILE: env.string({ default: 'deploy/dev/callers.yaml' }),
  GATEWAY_STATE_DIR: env.string({ default: '.hub/gateway' }),
  /** How long a retried event id gets the original answer. */
  GATEWAY_IDEMPOTENCY_RETENTION: env.duration({ default: 30 * 86_400_000 }),
  /** Calls larger than this are refused before they are parsed. */
  GATEWAY_MAX_MESSAGE_BYTES: env.integer({ default: 8 * 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 }),
  /**
   * Request bytes one connection may have in flight before HTTP/2 flow control holds its
   * caller back (one call: a quarter of it). HTTP/2's own 64 KiB makes a batch of 100 events
   * arrive in pieces, each waiting for the busy event loop (see raiseReceiveWindows).
   */
  GATEWAY_RECEIVE_WINDOW_BYTES: env.integer({ default: 4 * 1024 * 1024, min: 65_535, max: 2 ** 31 - 1 }),
  /** Bound on waiting for Kafka when the caller set no deadline. */
  GATEWAY_PUBLISH_TIMEOUT: env.duration({ default: 10_000 }),
  /**
   * How long a produce request waits to fill unless it fills first: from its first record when
   * the producer is idle, from the last request's return when it is busy. The default, 0ms,
   * sends as soon as the producer is free: what arrived during a request's round trip goes in the
   * next, so requests grow with the load by themselves, and no call waits for company. A linger
   * trades each call's latency for fewer requests to the broker (decisions 013, 014).
   */
  GATEWAY_LINGER: env.duration({ default: 0 }),
  /**
   * How long, after a produce request returns, the next one waits to fill when only
   * PublishBatch's events wait for it, unless it fills first or a Publish call's event arrives
   * (which goes at once). A batch's caller waits for a hundred events anyway; the wait makes
   * fewer, larger requests, so more events a second (measured: 13–17% at 32 batches in
   * flight, up to 10% at 8), and no Publish call waits for it (decision 015). 0ms turns it off.
   */
  GATEWAY_BATCH_LINGER: env.duration({ default: 5 }),
  /**
   * Idempotent producers that share the partitions (each keeps one request in flight per
   * broker). One gives the largest requests, the least CPU per event (measured: 1,400 vs 1,025
   * unary calls/s against a local broker); more help only where a broker is far away.
   */
  GATEWAY_PRODUCERS: env.integer({ default: 1, min: 1, max: 16 }),
  /**
   * How far V8 lets the heap grow past what its last full collection kept, in percent (V8's
   * `--heap-growing-percent`; 0 leaves V8's own choice, about 200–300% here). V8 counts the
   * buffers allocated since that collection against the same limit, and the gateway allocates
   * a few KB of them per event (request bytes, Avro values, produce requests): with its own
   * choice a full collection ran every 150–600 ms under load. 400 makes them rarer (measured:
   * V8's helper threads 5.2–7.6 against 6.3–12.6 µs of CPU per event) for more memory between
   * them (docs/decisions/012).
   */
  GATEWAY_HEAP_GROWING_PERCENT: env.integer({ default: 400, min: 0, max: 1000 }),
  /** Run the Kafka producer on a thread of its own (true) or on the gRPC thread. */
  GATEWAY_PRODUCER_THREAD: env.boolean({ default: true }),
  /**
   * Consumer group that follows review decisions and delivery outcomes into this gateway's
   * state, for GetPublication. Each gateway keeps its own state: give each instance its own group.
   */
  GATEWAY_STATUS_GROUP: env.string({ default: 'gongkai-gateway-status' }),
  /** Mutual TLS: all three set turns it on; the client certificate's CN names the caller. */
  GATEWAY_TLS_CERT: env.string({ optional: true }),
  GATEWAY_TLS_KEY: env.string({ optional: true }),
  GATEWAY_TLS_CLIENT_CA: env.string({ optional: true }),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayVariables, environment);
}
