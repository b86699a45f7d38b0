/**
 * Items handed over to another thread travel together: those put in during one turn of the
 * event loop go as one message at the turn's end. A long turn (fifty calls read from one socket
 * read, or a PublishBatch of a hundred events) does not hold them all back to its end, though:
 * once the oldest item has waited `maxWaitMs`, what is gathered goes at the next `put`. The
 * thread on the other side then starts on the first items while this one works on the rest,
 * instead of the two threads taking turns.
 */
export class Outbox<T> {
  private items: T[] = [];
  /** When the oldest item waiting was put in (performance.now()). */
  private since = 0;

  constructor(
    private readonly send: (items: T[]) => void,
    private readonly maxWaitMs = 1,
    private readonly now: () => number = () => performance.now(),
  ) {}

  put(item: T): void {
    this.items.push(item);
    if (this.items.length === 1) {
      this.since = this.now();
      setImmediate(() => this.flush());
    } else if (this.now() - this.since >= this.maxWaitMs) {
      this.flush();
    }
  }

  /** Send what is waiting now. */
  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.send(items);
  }
}
