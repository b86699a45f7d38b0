import type { Logger } from 'pino';
import { ShutdownTimeoutError } from './errors';

type Step = { readonly name: string; readonly run: () => Promise<void> | void };

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Hard bound for the whole shutdown; the process exits with code 1 when it is exceeded. */
  readonly timeoutMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** Injected for tests; `process.exit` by default. */
  readonly exit?: (code: number) => void;
  /** Where signals come from; `process` by default. */
  readonly signalSource?: Pick<NodeJS.EventEmitter, 'once' | 'removeListener'>;
}

/**
 * Stop taking work, finish what is in flight, close clients, exit — within a bound.
 * Phases run in order: every `onStopAccepting` step, then the wait for tracked in-flight
 * work, then every `onClose` step (in reverse order of registration, like a stack of resources).
 */
export class GracefulShutdown {
  private readonly stopSteps: Step[] = [];
  private readonly closeSteps: Step[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private started: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;
  private readonly listeners: [NodeJS.Signals, () => void][] = [];

  constructor(private readonly options: ShutdownOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
    const source = options.signalSource ?? process;
    for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
      const listener = (): void => void this.shutdown(signal);
      source.once(signal, listener);
      this.listeners.push([signal, listener]);
    }
  }

  /** True once shutdown has begun: entry points should refuse new work. */
  get stopping(): boolean {
    return this.started !== undefined;
  }

  onStopAccepting(name: string, run: Step['run']): this {
    this.stopSteps.push({ name, run });
    return this;
  }

  onClose(name: string, run: Step['run']): this {
    this.closeSteps.push({ name, run });
    return this;
  }

  /** Count a piece of work as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = (): void => void this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Begin shutdown (idempotent); resolves when done, after calling `exit`. With `failed`
   * (the service cannot go on, e.g. its consumer stopped for good) the exit code is 1 even
   * when every step finished, so a supervisor restarts it.
   */
  shutdown(reason: string, options: { readonly failed?: boolean } = {}): Promise<void> {
    this.started ??= this.run(reason, options.failed === true);
    return this.started;
  }

  private async run(reason: string, failed: boolean): Promise<void> {
    const log = this.options.logger;
    const source = this.options.signalSource ?? process;
    for (const [signal, listener] of this.listeners) source.removeListener(signal, listener);
    log.info({ reason, inFlight: this.inFlight.size }, 'shutting down');
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), this.timeoutMs);
    });
    const work = (async () => {
      for (const step of this.stopSteps) await this.runStep(step, pending);
      pending.add('in-flight work');
      await Promise.allSettled([...this.inFlight]);
      pending.delete('in-flight work');
      for (const step of [...this.closeSteps].reverse()) await this.runStep(step, pending);
    })();
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      log.error({ err: new ShutdownTimeoutError(this.timeoutMs, [...pending]) }, 'shutdown timed out');
      this.exit(1);
    } else {
      log.info('shutdown complete');
      this.exit(failed ? 1 : 0);
    }
  }

  private async runStep(step: Step, pending: Set<string>): Promise<void> {
    pending.add(step.name);
    try {
      await step.run();
    } catch (err) {
      this.options.logger.warn({ err, step: step.name }, 'shutdown step failed; continuing');
    } finally {
      pending.delete(step.name);
    }
  }
}
