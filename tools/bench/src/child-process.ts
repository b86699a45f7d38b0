/**
 * Servers under test run as child processes, each on its own event loop apart from the load
 * generator. Every child is registered so that one call stops them all, on success, on error
 * and on Ctrl-C alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface NodeChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** File that receives the child's stdout and stderr. */
  readonly logFile: string;
  /** Resolves with the first stdout line that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<NodeChild>();

/** Starts `node [nodeArgs] script` with `env`; its output goes to `logFile`. */
export function startNodeChild(name: string, script: string, options: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; nodeArgs?: readonly string[] }): NodeChild {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logFile);
  const listeners = new Set<(line: string) => void>();
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    log.write(chunk);
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      listeners.forEach((l) => l(line));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));

  const handle: NodeChild = {
    name,
    process: child,
    logFile: options.logFile,
    waitForLine: (match, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name} printed no ready line within ${timeoutMs} ms; see ${options.logFile}`)), timeoutMs);
        const onLine = (line: string): void => {
          if (match(line)) done(undefined, line);
        };
        const done = (err?: Error, line?: string): void => {
          clearTimeout(timer);
          listeners.delete(onLine);
          if (err) reject(err);
          else resolve(line as string);
        };
        listeners.add(onLine);
        void exited.then(({ code, signal }) => done(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${options.logFile}`)));
      }),
    async stop() {
      running.delete(handle);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((r) => log.end(r));
    },
  };
  running.add(handle);
  return handle;
}

/** Stops every child still running (SIGTERM, SIGKILL after 15 s). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/** Last resort when the bench itself is exiting: no child may outlive it. */
export function killAllChildrenNow(): void {
  for (const c of running) if (c.process.exitCode === null) c.process.kill('SIGKILL');
}
