import type { Logger, OutgoingRecord } from '@gongkai/runtime';

/**
 * Writes records to Kafka for many concurrent writers in few produce requests: what is handed
 * in while a request is on its way goes out together in the next, in the order it was handed
 * in. A `write` resolves once its records are in Kafka. A request that fails is sent again
 * (the producer is idempotent) until it succeeds or the writer is closed, so nothing handed in
 * is dropped while the process lives; what is not in Kafka when it dies was never confirmed,
 * and its work is redone from the uncommitted offsets.
 */
export class RecordWriter {
  private queue: { records: readonly OutgoingRecord[]; settle: (err?: Error) => void }[] = [];
  private sending: Promise<void> | null = null;
  private closed: Error | null = null;

  constructor(
    private readonly send: (records: readonly OutgoingRecord[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly retryDelayMs = 1000,
  ) {}

  write(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, settle: (err) => (err ? reject(err) : resolve()) });
      // Starting on the next turn lets the writes of this one share the request.
      this.sending ??= new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  /** Waits until everything handed in so far is written (or failed because the writer was closed). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Refuses further writes and fails the ones still waiting with `reason` (after the request on its way, if any). */
  async close(reason: Error): Promise<void> {
    this.closed = reason;
    await this.flushed();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        if (this.closed) {
          for (const item of batch) item.settle(this.closed);
          continue;
        }
        try {
          await this.send(batch.flatMap((item) => item.records));
        } catch (err) {
          // Put back in front, in order, and try again after a pause (Kafka is down or refusing).
          this.queue = batch.concat(this.queue);
          this.logger.warn({ err, records: batch.reduce((n, item) => n + item.records.length, 0) }, 'records not written yet; trying again');
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
          continue;
        }
        for (const item of batch) item.settle();
      }
    } finally {
      this.sending = null;
    }
  }
}
