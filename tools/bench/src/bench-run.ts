import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { killAllChildrenNow } from './child-process';

/**
 * Runs a benchmark as a program: reads its config (a bad one exits 2), gives `main` a scratch
 * folder and a promise that rejects on Ctrl-C, SIGTERM or when `BENCH_TIMEOUT` passes, kills
 * every child on exit, keeps the folder (its logs) only when the run failed, and exits 0 or 1.
 */
export function runBench<C extends { readonly BENCH_TIMEOUT: number }>(name: string, loadConfig: () => C, main: (config: C, work: string, aborted: Promise<never>) => Promise<void>): void {
  let config: C;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const work = mkdtempSync(join(tmpdir(), `gongkai-${name}-`));
  let abort: (reason: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    abort = reject;
  });
  aborted.catch(() => undefined);
  const timer = setTimeout(() => abort(new Error(`the run took longer than BENCH_TIMEOUT (${config.BENCH_TIMEOUT} ms)`)), config.BENCH_TIMEOUT);
  const onSignal = (signal: NodeJS.Signals): void => abort(new Error(`stopped by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllChildrenNow);

  const finish = (code: number): void => {
    clearTimeout(timer);
    // Keep the logs of a failed run; a good run leaves nothing behind.
    if (code === 0) rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  main(config, work, aborted).then(
    () => finish(0),
    (err: unknown) => {
      process.stderr.write(`bench: failed: ${err instanceof Error ? err.message : String(err)}\n  logs: ${work}\n`);
      finish(1);
    },
  );
}

/** The machine a run was measured on, for the results file and the report's heading. */
export function machine() {
  const cpu = cpus();
  return { cores: cpu.length, cpu: cpu[0]?.model.trim() ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** A bench's settings as written to its results file: everything but the token. */
export function publicConfig(config: { readonly BENCH_TOKEN: string }): Record<string, unknown> {
  const { BENCH_TOKEN: _token, ...rest } = config;
  return rest;
}
