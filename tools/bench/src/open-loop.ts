/**
 * An open-loop load generator: calls are started by the clock at a fixed rate, whether or not
 * earlier calls have been answered, so a slow server meets the load a real upstream would put
 * on it instead of slowing the load down. At most `maxInFlight` calls are outstanding; a call
 * whose turn comes while that many are is not made, and is counted as not sent.
 */
import { status } from '@grpc/grpc-js';
import { summarize, type CellSummary } from './latency-summary';

export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly maxInFlight: number;
  /**
   * One call; `seq` is unique across the loop (the number of its slot in the schedule) and
   * `measured` says whether its slot falls in the measured window. Rejects on failure.
   */
  readonly call: (seq: number, measured: boolean) => Promise<unknown>;
  /** Sequence numbers start here, so several loops against one pipeline never reuse an id. */
  readonly firstSeq?: number;
  /** Told when the measured window opens and closes, e.g. to read CPU counters. */
  readonly onWindow?: (edge: 'open' | 'close') => void;
}

export interface OpenLoopResult {
  /** Slots in the measured window: `[firstMeasuredSeq, nextSeq)`. */
  readonly firstMeasuredSeq: number;
  readonly nextSeq: number;
  /** Measured slots whose call was made. */
  readonly sent: number;
  /** Measured slots skipped because `maxInFlight` calls were outstanding. */
  readonly notSent: number;
  /** Measured calls that failed. */
  readonly errors: number;
  /** Error counts by a short description (gRPC status name or error code), warm-up included. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Latency of the measured calls' own answers (not of what they set off downstream). */
  readonly answers: CellSummary;
  /** The latest a call started after its slot's time, in ms: the load generator's own lag. */
  readonly maxStartLagMs: number;
}

/** Runs the schedule, then waits for every call made to settle. */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const firstSeq = options.firstSeq ?? 0;
  const intervalMs = 1000 / options.ratePerSecond;
  const warmupSlots = Math.round((options.warmupMs * options.ratePerSecond) / 1000);
  const totalSlots = warmupSlots + Math.round((options.durationMs * options.ratePerSecond) / 1000);
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  let slot = 0;
  let sent = 0;
  let notSent = 0;
  let errors = 0;
  let maxStartLagMs = 0;

  const fire = (seq: number, measured: boolean): void => {
    const t0 = performance.now();
    const settled = options.call(seq, measured).then(
      () => {
        if (measured) latencies.push(performance.now() - t0);
      },
      (err: unknown) => {
        if (measured) errors += 1;
        const kind = describeError(err);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      },
    );
    const tracked = settled.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  const started = performance.now();
  const onWindow = options.onWindow;
  if (warmupSlots === 0) onWindow?.('open');
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(totalSlots, Math.floor((now - started) / intervalMs) + 1);
      for (; slot < due; slot++) {
        if (slot === warmupSlots && warmupSlots > 0) onWindow?.('open');
        const measured = slot >= warmupSlots;
        maxStartLagMs = Math.max(maxStartLagMs, now - (started + slot * intervalMs));
        if (pending.size >= options.maxInFlight) {
          if (measured) notSent += 1;
          continue;
        }
        if (measured) sent += 1;
        fire(firstSeq + slot, measured);
      }
      if (slot >= totalSlots) {
        // The window closes when its last slot's time has passed, not when its last call is made.
        setTimeout(() => {
          onWindow?.('close');
          done();
        }, Math.max(0, started + totalSlots * intervalMs - performance.now()));
        return;
      }
      setTimeout(tick, Math.max(0, started + slot * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all([...pending]);
  const answers = summarize(latencies, options.durationMs, errors);
  return { firstMeasuredSeq: firstSeq + warmupSlots, nextSeq: firstSeq + totalSlots, sent, notSent, errors, errorKinds, answers, maxStartLagMs };
}

/** A short description that groups like failures: a deadline's details carry timings, so they are left out. */
function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; details?: unknown; message?: unknown };
    if (typeof e.code === 'number' && typeof e.details === 'string') {
      const code = e.code as status;
      const name = status[code] ?? String(code);
      return code === status.DEADLINE_EXCEEDED ? `grpc ${name}` : `grpc ${name}: ${e.details.slice(0, 80)}`;
    }
    if (typeof e.message === 'string') return e.message.slice(0, 80);
  }
  return String(err).slice(0, 80);
}
