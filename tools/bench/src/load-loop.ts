/**
 * A closed-loop load generator: `inFlight` callers, each starting its next call as soon as the
 * last one ends. Calls of the warm-up are not timed; calls started in the measured window are,
 * and throughput counts those that completed within it.
 */
import { summarize, type CellSummary } from './latency-summary';

export interface LoopOptions {
  readonly inFlight: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** One call; `seq` is unique across the whole loop. Rejects on failure. */
  readonly call: (seq: number) => Promise<unknown>;
  /** Sequence numbers start here, so several loops against one server never reuse an id. */
  readonly firstSeq?: number;
  /** Told when the measured window opens and closes, e.g. to read CPU counters. */
  readonly onWindow?: (edge: 'open' | 'close') => void;
  /** Where the measured calls' latencies go (ms), e.g. to merge several loops' figures. */
  readonly latencies?: number[];
}

export interface LoopResult extends CellSummary {
  /** Error counts by a short description (gRPC status name or error code). */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Next unused sequence number. */
  readonly nextSeq: number;
}

export async function closedLoop(options: LoopOptions): Promise<LoopResult> {
  let seq = options.firstSeq ?? 0;
  const started = performance.now();
  const windowStart = started + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const latencies: number[] = [];
  const sink = options.latencies;
  let completedInWindow = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};

  const worker = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= windowEnd) return;
      const n = seq++;
      try {
        await options.call(n);
        const t1 = performance.now();
        if (t0 >= windowStart) {
          latencies.push(t1 - t0);
          sink?.push(t1 - t0);
          if (t1 <= windowEnd) completedInWindow += 1;
        }
      } catch (err) {
        if (t0 >= windowStart) errors += 1;
        const kind = describeError(err);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  const onWindow = options.onWindow;
  const opened = onWindow ? after(windowStart, () => onWindow('open')) : Promise.resolve();
  const closed = onWindow ? after(windowEnd, () => onWindow('close')) : Promise.resolve();
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  await Promise.all([opened, closed]);
  const summary = summarize(latencies, options.durationMs, errors);
  return { ...summary, callsPerSecond: (completedInWindow * 1000) / options.durationMs, errorKinds, nextSeq: seq };
}

/** Runs `fn` at the `performance.now()` instant `at` (or at once if that has passed). */
function after(at: number, fn: () => void): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      fn();
      resolve();
    }, Math.max(0, at - performance.now())),
  );
}

function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; details?: unknown; message?: unknown };
    if (typeof e.code === 'number' && typeof e.details === 'string') return `grpc ${e.code}: ${e.details.slice(0, 80)}`;
    if (typeof e.message === 'string') return e.message.slice(0, 80);
  }
  return String(err).slice(0, 80);
}

/** A loop's figures and the CPU each process used in its measured window (% of one core). */
export type Measured = LoopResult & { readonly cpu: Readonly<Record<string, number>> };

/**
 * Measures each side in `rounds` rounds, in the order a b, b a, a b, b a, … and merges each
 * side's rounds: calls per second and CPU averaged, latencies and errors pooled. Each pair of
 * rounds turns the order round, so a machine that speeds up or slows down steadily through the
 * cell favours neither side over an even number of rounds. With a b, a b, … the side measured
 * first in every pair saw the slower half of a speed-up: after the 20 KB cells the gateway's
 * first batch round ran 20% below its next two, raw kafkajs's 6%.
 */
export async function alternating(rounds: number, a: Side, b: Side): Promise<[Measured, Measured]> {
  const pooled: [number[], number[]] = [[], []];
  const results: [Measured[], Measured[]] = [[], []];
  const sides = [a, b] as const;
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const)) results[s].push(await sides[s](pooled[s], round));
  }
  return [merged(results[0], pooled[0]), merged(results[1], pooled[1])];
}

/** One round of one side: its latencies go to `latencies`; `round` 0 gets the cell's whole warm-up. */
export type Side = (latencies: number[], round: number) => Promise<Measured>;

export function merged(rounds: readonly Measured[], latencies: readonly number[]): Measured {
  const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const errors = rounds.reduce((n, r) => n + r.errors, 0);
  const errorKinds: Record<string, number> = {};
  for (const r of rounds) for (const [kind, n] of Object.entries(r.errorKinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + n;
  const cpu: Record<string, number> = {};
  for (const key of Object.keys(rounds[0]?.cpu ?? {})) cpu[key] = mean(rounds.map((r) => r.cpu[key] ?? 0));
  return {
    ...summarize(latencies, 1, errors),
    callsPerSecond: mean(rounds.map((r) => r.callsPerSecond)),
    errorKinds,
    nextSeq: rounds[rounds.length - 1]?.nextSeq ?? 0,
    cpu,
  };
}

