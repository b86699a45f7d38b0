import { createHash } from 'node:crypto';

/** The answer given to the first request under a key, replayed to every retry of it. */
export interface RememberedAnswer {
  readonly status: number;
  /** The JSON body exactly as sent the first time. */
  readonly body: string;
}

export type LedgerLookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly answer: RememberedAnswer }
  | { readonly kind: 'reused' };

/** The digest a request is remembered by: SHA-256 of its method, path with query, and body bytes. */
export function requestDigest(method: string, path: string, body: Buffer): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n`).update(body).digest('hex');
}

/** Default number of keys remembered; far above what a test or benchmark run sends. */
export const DEFAULT_IDEMPOTENCY_KEY_LIMIT = 1_000_000;

/**
 * Idempotency keys with the digest of the request that first used each and the answer it got.
 * Bounded: past `limit` keys the oldest is forgotten (a Map keeps insertion order, so this is O(1)).
 */
export class IdempotencyLedger {
  private readonly entries = new Map<string, { readonly digest: string; readonly answer: RememberedAnswer }>();

  constructor(private readonly limit: number = DEFAULT_IDEMPOTENCY_KEY_LIMIT) {}

  lookup(key: string, digest: string): LedgerLookup {
    const entry = this.entries.get(key);
    if (!entry) return { kind: 'new' };
    return entry.digest === digest ? { kind: 'replay', answer: entry.answer } : { kind: 'reused' };
  }

  remember(key: string, digest: string, answer: RememberedAnswer): void {
    if (this.entries.has(key)) return;
    this.entries.set(key, { digest, answer });
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
