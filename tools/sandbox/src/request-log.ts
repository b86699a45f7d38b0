import type { SignatureProblem } from '@gongkai/contracts';
import type { FaultKind } from './faults';

/** One API call as the CMS saw it. */
export interface RequestLogEntry {
  /** Increases by one per call since start (or the last reset); survives clearing the log. */
  readonly seq: number;
  /** ISO 8601 time the request was received. */
  readonly at: string;
  readonly method: string;
  /** Path with query, as sent. */
  readonly path: string;
  readonly idempotencyKey: string | null;
  /** The status answered, or null when no answer was given (timeout, reset, client gone). */
  readonly status: number | null;
  /**
   * The signature verdict: null when the signature held, the problem's code when it did not,
   * `NOT_CHECKED` when the body was too large to read.
   */
  readonly signature: SignatureProblem['code'] | 'NOT_CHECKED' | null;
  /** True when the answer was replayed for a known idempotency key. */
  readonly replayed: boolean;
  /** The injected fault that decided the answer, or null. */
  readonly fault: FaultKind | null;
}

/** Default number of entries kept. */
export const DEFAULT_REQUEST_LOG_LIMIT = 10_000;

/** The last `limit` API calls, in a ring so that recording one is O(1). */
export class RequestLog {
  private readonly ring: (RequestLogEntry | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly limit: number = DEFAULT_REQUEST_LOG_LIMIT) {
    this.ring = new Array<RequestLogEntry | undefined>(limit);
  }

  record(entry: RequestLogEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count += 1;
  }

  /** The kept entries, oldest first. */
  entries(): readonly RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const start = (this.next - this.count + this.limit) % this.limit;
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(start + i) % this.limit];
      if (entry) out.push(entry);
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** Forgets every entry; returns how many there were. */
  clear(): number {
    const cleared = this.count;
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
    return cleared;
  }
}
