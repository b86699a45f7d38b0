import { createHash } from 'node:crypto';

/**
 * A Bloom filter over (caller, event id) keys: "certainly new" for an id never recorded, "maybe"
 * otherwise. Almost every publish carries a new id, so the idempotency store's lookup is only
 * needed for the few the filter cannot rule out. Pruned ids stay "maybe": harmless, the lookup
 * then finds nothing.
 */
export class SeenFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;

  /** About 1% false positives up to `capacity` keys (≈ 9.6 bits and 7 probes per key). */
  constructor(capacity: number, private readonly probes = 7) {
    this.size = Math.max(1024, Math.ceil(capacity * 9.6));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  add(key: string): void {
    for (const bit of this.positions(key)) this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  mightContain(key: string): boolean {
    for (const bit of this.positions(key)) if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    return true;
  }

  /** Double hashing (Kirsch–Mitzenmacher) from one SHA-1 digest. */
  private positions(key: string): number[] {
    const digest = createHash('sha1').update(key).digest();
    const h1 = digest.readUInt32LE(0);
    const h2 = digest.readUInt32LE(4) | 1;
    const out: number[] = [];
    for (let i = 0; i < this.probes; i++) out.push(((h1 + Math.imul(i, h2)) >>> 0) % this.size);
    return out;
  }
}
