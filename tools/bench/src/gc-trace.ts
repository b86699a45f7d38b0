/**
 * Reads V8's `--trace-gc-nvp` lines (one per collection: `[pid:isolate]  12345 ms: pause=1.3
 * … gc=s … promoted=6032 …`) and sums them per isolate and kind of collection, for the gateway's
 * log under `BENCH_GATEWAY_NODE_ARGS=--trace-gc-nvp` with `BENCH_LOG_DIR`. Each thread of a
 * process is an isolate of its own: the gRPC thread is the first one in the log, the producer
 * thread the second.
 */

/** One collection as traced. */
export interface GcEvent {
  /** The isolate's address as printed: one per thread. */
  readonly isolate: string;
  /** Milliseconds since the isolate started. */
  readonly atMs: number;
  /** `s` scavenge, `mc` mark-compact, `mmc` minor mark-compact. */
  readonly kind: string;
  /** Time the thread itself stood still, ms. */
  readonly pauseMs: number;
  /** Time V8's helper threads spent on it beside the pause (every `background.*` phase), ms. */
  readonly backgroundMs: number;
  /** Bytes moved from the young generation to the old one. */
  readonly promotedBytes: number;
  /** Bytes allocated since the collection before. */
  readonly allocatedBytes: number;
}

const LINE = /^\[(\d+):(0x[0-9a-f]+)\]\s+([\d.]+) ms: (pause=.*)$/;

/** The collection a line describes, or undefined for any other line. */
export function parseGcLine(line: string): GcEvent | undefined {
  const match = LINE.exec(line.trim());
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const pair of match[4]!.split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const kind = fields.get('gc');
  if (!kind) return undefined;
  const number = (name: string): number => {
    const value = Number(fields.get(name) ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  let backgroundMs = 0;
  for (const [name, value] of fields) if (name.startsWith('background.')) backgroundMs += Number(value) || 0;
  return {
    isolate: match[2]!,
    atMs: Number(match[3]),
    kind,
    pauseMs: number('pause'),
    backgroundMs,
    promotedBytes: number('promoted'),
    allocatedBytes: number('allocated'),
  };
}

export interface GcSummaryRow {
  /** 1 for the first isolate seen in the log, 2 for the next, … */
  readonly thread: number;
  readonly isolate: string;
  readonly kind: string;
  readonly count: number;
  readonly pauseMs: number;
  readonly backgroundMs: number;
  readonly promotedBytes: number;
  readonly allocatedBytes: number;
}

/**
 * Sums collections per isolate and kind, those at `fromMs`–`toMs` of their isolate's clock only
 * (the isolates of one process start within a second of each other), in the order isolates
 * first appear and then by kind.
 */
export function summarizeGc(events: Iterable<GcEvent>, window: { fromMs?: number; toMs?: number } = {}): GcSummaryRow[] {
  const threads = new Map<string, number>();
  const rows = new Map<string, { -readonly [K in keyof GcSummaryRow]: GcSummaryRow[K] }>();
  for (const e of events) {
    if (!threads.has(e.isolate)) threads.set(e.isolate, threads.size + 1);
    if ((window.fromMs !== undefined && e.atMs < window.fromMs) || (window.toMs !== undefined && e.atMs > window.toMs)) continue;
    const key = `${e.isolate} ${e.kind}`;
    let row = rows.get(key);
    if (!row) {
      row = { thread: threads.get(e.isolate)!, isolate: e.isolate, kind: e.kind, count: 0, pauseMs: 0, backgroundMs: 0, promotedBytes: 0, allocatedBytes: 0 };
      rows.set(key, row);
    }
    row.count++;
    row.pauseMs += e.pauseMs;
    row.backgroundMs += e.backgroundMs;
    row.promotedBytes += e.promotedBytes;
    row.allocatedBytes += e.allocatedBytes;
  }
  return [...rows.values()].sort((a, b) => a.thread - b.thread || a.kind.localeCompare(b.kind));
}
