import { env, loadConfig } from '@gongkai/runtime';

/** A comma-separated list of whole numbers from 1 to `max`. */
const list = (extra: { default: number[]; max: number }) => ({
  default: extra.default,
  parse: (raw: string): number[] => {
    const values = raw.split(',').map((s) => Number(s.trim()));
    if (values.some((n) => !Number.isInteger(n) || n < 1 || n > extra.max)) throw new Error(`must be a comma-separated list of whole numbers 1..${extra.max}`);
    return values;
  },
});

/** The benchmark's settings, from the environment; the defaults are the run in docs/benchmarks.md. */
export const benchVariables = {
  /** Use this Kafka instead of starting a local one. */
  KAFKA_BROKERS: env.hostPorts({ optional: true }),
  /**
   * MiB the local broker keeps a partition (0: everything, as before the twenty-sixth round).
   * Older segments are deleted within about a second, so the broker's page cache stays small
   * however long the run; see brokerProperties in gateway-bench.ts for why.
   */
  BENCH_KAFKA_RETENTION_MB: env.integer({ default: 64, min: 0, max: 1_048_576 }),
  /** Measured seconds per cell, after the warm-up. */
  BENCH_SECONDS: env.integer({ default: 10, min: 1, max: 600 }),
  BENCH_WARMUP_SECONDS: env.integer({ default: 3, min: 0, max: 120 }),
  /**
   * Each cell's measured seconds are split into this many rounds that alternate between the
   * server and its baseline (echo, raw kafkajs), each round with its share of the warm-up (at
   * least 1 s): both then see the same drift in the machine's speed. The order turns round in
   * every other round (a b, b a, …), so an even number cancels a steady drift (load-loop.ts).
   */
  BENCH_ROUNDS: env.integer({ default: 4, min: 1, max: 20 }),
  /** Sizes of the unary events' Avro value, in bytes. */
  BENCH_EVENT_BYTES: list({ default: [2048, 20_480], max: 4 * 1024 * 1024 }),
  /** Calls in flight for unary Publish. */
  BENCH_IN_FLIGHT: list({ default: [50, 200], max: 10_000 }),
  /** PublishBatch calls (and raw sendBatch calls) in flight. */
  BENCH_BATCH_IN_FLIGHT: list({ default: [8, 32], max: 1000 }),
  BENCH_BATCH_SIZE: env.integer({ default: 100, min: 1, max: 500 }),
  BENCH_BATCH_EVENT_BYTES: env.integer({ default: 2048, min: 512, max: 1_048_576 }),
  /** Run this gateway entry point instead of services/gateway/dist/main.js, e.g. to compare a candidate build. */
  BENCH_GATEWAY_MAIN: env.string({ optional: true }),
  /** Extra Node.js options for the gateway child, space-separated (e.g. `--single-threaded-gc`). */
  BENCH_GATEWAY_NODE_ARGS: env.string({ optional: true }),
  /**
   * V8's `--heap-growing-percent` for this process, the load generator (0: V8's own), as the
   * gateway's GATEWAY_HEAP_GROWING_PERCENT (decision 012). Its gRPC client frames each
   * PublishBatch request into a new 200 KB buffer, and V8 counts those buffers towards its next
   * full collection. With V8's own factor it ran them in spells of one every 130–400 ms, and
   * took 11.8–12.5 µs of CPU per event in the PublishBatch cells (5.8–7.6 with 400) from the two
   * cores the gateway is measured on (docs/benchmarks.md, twenty-fourth round). The raw kafkajs
   * cells, the same process, cost the same either way.
   */
  BENCH_HEAP_GROWING_PERCENT: env.integer({ default: 400, min: 0, max: 1000 }),
  /**
   * Write the gateway's and the echo server's output here and keep it (otherwise it goes to the
   * run's scratch folder, removed after a good run): with `--trace-gc-nvp` in
   * BENCH_GATEWAY_NODE_ARGS, gc-trace-summary reads the gateway's collections from it.
   */
  BENCH_LOG_DIR: env.string({ optional: true }),
  /** Write a CPU profile of the gateway child (`node --cpu-prof`) into this folder. */
  BENCH_PROFILE_DIR: env.string({ optional: true }),
  /** Also write the figures as JSON here. */
  BENCH_RESULTS_FILE: env.string({ optional: true }),
  /** Hard bound on the whole run; past it everything is stopped. */
  BENCH_TIMEOUT: env.duration({ default: 20 * 60_000 }),
  /** Deadline of each call. */
  BENCH_CALL_DEADLINE: env.duration({ default: 15_000 }),
  /** The dev caller registry's docs-system token (deploy/dev/callers.yaml). */
  BENCH_TOKEN: env.string({ default: 'dev-docs-token', secret: true }),
};

export type BenchConfig = ReturnType<typeof loadBenchConfig>;

export function loadBenchConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(benchVariables, environment);
}
