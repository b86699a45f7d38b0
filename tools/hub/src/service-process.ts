import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { isListening } from '@gongkai/local-kafka';

/** How much of a log's end is read for its last lines. */
const LOG_TAIL_BYTES = 64 * 1024;

/** One hub service run as a child process, its output in a log file. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  /** Resolves, once the process has ended, with how: `code 1`, `signal SIGKILL`. */
  private exited: Promise<string> = Promise.resolve('not started');
  private stopping = false;

  /**
   * `ports`: where the service serves once it is up (127.0.0.1); a service without ports
   * counts as up once it has run `settleMs` without exiting.
   */
  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    readonly ports: readonly number[] = [],
  ) {}

  start(): void {
    mkdirSync(dirname(this.logFile), { recursive: true });
    const fd = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [this.script], { env: { ...process.env, ...this.env }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.child = child;
    this.stopping = false;
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ? `signal ${signal}` : `code ${String(code)}`)));
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with how the process ended if it ends within `ms`, else undefined. */
  exitedWithin(ms: number): Promise<string | undefined> {
    return Promise.race([this.exited, new Promise<undefined>((r) => setTimeout(r, ms, undefined).unref())]);
  }

  /** Calls back if the process ends other than through {@link stop}. */
  onUnexpectedExit(callback: (how: string) => void): void {
    void this.exited.then((how) => {
      if (!this.stopping) callback(how);
    });
  }

  /**
   * Resolves once every port accepts connections (or, without ports, once the process has run
   * `settleMs`); rejects with a {@link StartError} if the process exits first or `timeoutMs` passes.
   */
  async untilUp(timeoutMs: number, settleMs = 1500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (this.ports.length === 0) {
      const how = await this.exitedWithin(settleMs);
      if (how !== undefined) throw new StartError(this, `exited at start (${how})`);
      return;
    }
    for (;;) {
      const how = await this.exitedWithin(0);
      if (how !== undefined) throw new StartError(this, `exited at start (${how})`);
      const listening = await Promise.all(this.ports.map((port) => isListening(port)));
      if (listening.every(Boolean)) {
        // It listens, but a port could be someone else's that came up meanwhile: the child must still run.
        if (!this.running) throw new StartError(this, `exited at start (${await this.exited})`);
        return;
      }
      if (Date.now() > deadline) throw new StartError(this, `did not open port ${this.ports.filter((_, i) => !listening[i]).join(', ')} within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * The last `count` lines of the service's log that are not empty, for telling a person what
   * went wrong. Only the file's tail is read: the log grows across runs of the hub.
   */
  lastLogLines(count: number): string[] {
    let lines: string[];
    try {
      const fd = openSync(this.logFile, 'r');
      try {
        const size = fstatSync(fd).size;
        const tail = Buffer.alloc(Math.min(size, LOG_TAIL_BYTES));
        readSync(fd, tail, 0, tail.length, size - tail.length);
        lines = tail.toString('utf8').split('\n');
        if (size > tail.length) lines.shift(); // cut off mid-line
      } finally {
        closeSync(fd);
      }
    } catch {
      return [];
    }
    return lines.filter((line) => line.trim() !== '').slice(-count);
  }

  /** SIGTERM (the service's graceful shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A service did not come up; the message names it, says why, and where its log is. */
export class StartError extends Error {
  override readonly name = 'StartError';

  constructor(
    readonly service: ServiceProcess,
    readonly reason: string,
  ) {
    super(`The ${service.name} ${reason}; see ${service.logFile}`);
  }
}
