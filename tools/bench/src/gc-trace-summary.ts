#!/usr/bin/env node
/**
 * Sums a log's `--trace-gc-nvp` lines per thread and kind of collection (gc-trace.ts):
 *
 *   node tools/bench/dist/gc-trace-summary.js <log> [from-ms] [to-ms]
 *
 * `from-ms` and `to-ms` bound the window on each thread's own clock (the ms figure of each line).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseGcLine, summarizeGc, type GcEvent } from './gc-trace';
import { formatCount, formatMs, formatTable } from './latency-summary';

const USAGE = 'usage: gc-trace-summary <log> [from-ms] [to-ms]';

async function main(args: readonly string[]): Promise<number> {
  const [file, from, to] = args;
  const bound = (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of milliseconds, not '${raw}'\n${USAGE}`);
    return n;
  };
  if (!file || args.length > 3) throw new Error(USAGE);
  const window = { fromMs: bound(from, 'from-ms'), toMs: bound(to, 'to-ms') };
  const events: GcEvent[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const event = parseGcLine(line);
    if (event) events.push(event);
  }
  if (events.length === 0) {
    process.stderr.write(`gc-trace-summary: ${file} has no --trace-gc-nvp lines (run the process with --trace-gc-nvp)\n`);
    return 1;
  }
  const rows = summarizeGc(events, window);
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  console.log(
    formatTable(
      ['thread', 'isolate', 'kind', 'count', 'pause ms', 'background ms', 'allocated MB', 'promoted MB'],
      rows.map((r) => [String(r.thread), r.isolate, r.kind, formatCount(r.count), formatMs(r.pauseMs), formatMs(r.backgroundMs), mb(r.allocatedBytes), mb(r.promotedBytes)]),
    ),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`gc-trace-summary: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
