import { env, loadConfig } from '@gongkai/runtime';

/** Events per second to ask for: a comma-separated list of whole numbers 1..20,000. */
const rates = {
  default: [200, 1000],
  parse: (raw: string): number[] => {
    const values = raw.split(',').map((s) => Number(s.trim()));
    if (values.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000)) throw new Error('must be a comma-separated list of whole numbers 1..20000 (events per second)');
    return values;
  },
};

/** The end-to-end delivery benchmark's settings, from the environment; the defaults are the run in docs/benchmarks.md. */
export const deliveryBenchVariables = {
  /** Use this Kafka instead of starting a local one. */
  KAFKA_BROKERS: env.hostPorts({ optional: true }),
  /** Publish rates, one cell each, in the order given. */
  BENCH_RATES: rates,
  /** Measured seconds per cell, after the warm-up. */
  BENCH_SECONDS: env.integer({ default: 60, min: 1, max: 3600 }),
  /**
   * Load at the cell's rate before measuring. From a cold start (fresh processes and broker,
   * nothing compiled yet) the pipeline builds a backlog of a few seconds at 200/s on two cores
   * and needs some ten seconds to drain it; 20 s measures the sustained rate, not the start.
   */
  BENCH_WARMUP_SECONDS: env.integer({ default: 20, min: 0, max: 600 }),
  /** How long after a cell's last call its events may still reach the site before they count as lost. */
  BENCH_DRAIN_SECONDS: env.integer({ default: 30, min: 1, max: 600 }),
  /** Publish calls outstanding at most; a call whose turn comes while this many are is not sent. */
  BENCH_MAX_IN_FLIGHT: env.integer({ default: 1000, min: 1, max: 100_000 }),
  /** Deadline of each Publish call. */
  BENCH_CALL_DEADLINE: env.duration({ default: 15_000 }),
  /** Read the CreateTime of every event on `disclosure` and `released` after the run, to split the latency by hop. */
  BENCH_STAGES: env.boolean({ default: true }),
  /** Run every child of the pipeline with `node --cpu-prof` and write the profiles into this folder (one subfolder each). */
  BENCH_PROFILE_DIR: env.string({ optional: true }),
  /** Also write the figures as JSON here. */
  BENCH_RESULTS_FILE: env.string({ optional: true }),
  /** Hard bound on the whole run; past it everything is stopped. */
  BENCH_TIMEOUT: env.duration({ default: 20 * 60_000 }),
  /** The dev caller registry's docs-system token (deploy/dev/callers.yaml). */
  BENCH_TOKEN: env.string({ default: 'dev-docs-token', secret: true }),
};

export type DeliveryBenchConfig = ReturnType<typeof loadDeliveryBenchConfig>;

export function loadDeliveryBenchConfig(environment: NodeJS.ProcessEnv = process.env) {
  return loadConfig(deliveryBenchVariables, environment);
}
