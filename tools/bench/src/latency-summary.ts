/**
 * Figures of one benchmark cell: throughput and latency percentiles from the latencies of the
 * calls it timed, and how a measured figure stands against its goal.
 */

export interface CellSummary {
  /** Calls completed inside the measured window. */
  readonly calls: number;
  /** Calls that failed (not counted in the latencies). */
  readonly errors: number;
  /** Completed calls per second over the measured window. */
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * The `q`-quantile (0..1) of ascending `sorted` values by the nearest-rank method: the
 * smallest value with at least q of all values at or below it. NaN when there are none.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return sorted[0] as number;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** Summarises one cell from the latencies (ms) of its successful calls in a window of `windowMs`. */
export function summarize(latenciesMs: readonly number[] | Float64Array, windowMs: number, errors = 0): CellSummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    calls: sorted.length,
    errors,
    callsPerSecond: windowMs > 0 ? (sorted.length * 1000) / windowMs : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** A goal such as "throughput ≥ 0.6 × echo": the measured value, the limit it is held to, and the verdict. */
export interface GoalCheck {
  readonly goal: string;
  readonly measured: number;
  readonly limit: number;
  readonly pass: boolean;
}

export function atLeast(goal: string, measured: number, limit: number): GoalCheck {
  return { goal, measured, limit, pass: Number.isFinite(measured) && measured >= limit };
}

export function atMost(goal: string, measured: number, limit: number): GoalCheck {
  return { goal, measured, limit, pass: Number.isFinite(measured) && measured <= limit };
}

/** Right-aligned columns, first column left-aligned; every row as many cells as the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(cell));
        return i === 0 ? cell + pad : pad + cell;
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Thousands separated, e.g. `4,512`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

export function formatMs(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

export function formatRatio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '—';
}

function displayWidth(s: string): number {
  // The table holds ASCII and a few symbols (×, ≥, —), each one column wide.
  return [...s].length;
}
