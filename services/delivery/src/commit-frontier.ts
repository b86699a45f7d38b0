/**
 * Which offsets of a consumed topic may be committed when records are handled concurrently and
 * finish in any order: on each partition, everything before the first record still being
 * handled. A record counts as handled once what it produced is in Kafka, so a crash after a
 * commit never loses work, and one before it only redoes some (which the delivery engine's
 * confirmations and the targets' idempotency keys make harmless).
 */
export class CommitFrontier {
  private readonly lines = new Map<number, PartitionLine>();

  /**
   * Starts tracking a record; call the returned function once it is handled. A record at or
   * before one already tracked (the partition is read again from its committed offset, after
   * a rebalance or a restart of the consumer) starts the partition's line afresh: what was in
   * flight before still finishes, but no longer moves the frontier.
   */
  track(partition: number, offset: string): () => void {
    const at = Number(offset);
    let line = this.lines.get(partition);
    if (!line || at <= line.last) {
      line = new PartitionLine(at);
      this.lines.set(partition, line);
    }
    return line.track(at);
  }

  /** Forgets partitions this consumer no longer holds: their offsets are not committed from here any more. */
  keepOnly(partitions: ReadonlySet<number>): void {
    for (const partition of [...this.lines.keys()]) if (!partitions.has(partition)) this.lines.delete(partition);
  }

  /** The offsets to commit (the next one to read, as Kafka expects) of partitions that moved since the last call. */
  due(): { partition: number; offset: string }[] {
    const out: { partition: number; offset: string }[] = [];
    for (const [partition, line] of this.lines) {
      const next = line.advance();
      if (next !== null) out.push({ partition, offset: String(next) });
    }
    return out;
  }
}

class PartitionLine {
  /** Offsets in the order tracked, from `head` on; a handled one is marked in `done`. */
  private offsets: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  /** Entries dropped from the front of the arrays so far (all handled). */
  private cut = 0;
  /** The next offset to read once everything before it is handled; null until something is. */
  private frontier: number | null = null;
  private reported: number | null = null;
  last: number;

  constructor(first: number) {
    this.last = first - 1;
  }

  track(offset: number): () => void {
    // Counted from the first entry ever, so it still finds its entry after the arrays are cut
    // (only handled entries are cut, so this one is never among them).
    const index = this.cut + this.offsets.length;
    this.offsets.push(offset);
    this.done.push(false);
    this.last = offset;
    return () => {
      this.done[index - this.cut] = true;
    };
  }

  /** Moves past the handled records at the head; returns the new frontier when it moved since the last call. */
  advance(): number | null {
    while (this.head < this.offsets.length && this.done[this.head]) {
      this.frontier = this.offsets[this.head]! + 1;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.done = this.done.slice(this.head);
      this.cut += this.head;
      this.head = 0;
    }
    if (this.frontier === null || this.frontier === this.reported) return null;
    this.reported = this.frontier;
    return this.frontier;
  }
}
