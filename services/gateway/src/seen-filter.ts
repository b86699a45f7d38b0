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
    this.hash(key);
    for (let i = 0; i < this.probes; i++) {
      const bit = this.probe(i);
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mightContain(key: string): boolean {
    this.hash(key);
    for (let i = 0; i < this.probes; i++) {
      const bit = this.probe(i);
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private h1 = 0;
  private h2 = 0;

  /**
   * Two independent 32-bit hashes of the key's UTF-16 units (FNV-1a with two seeds, each
   * finished with MurmurHash3's avalanche step). Not cryptographic, and need not be: a Bloom
   * filter only needs well-spread bits, and this is ~30× cheaper than a SHA-1 per lookup.
   */
  private hash(key: string): void {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < key.length; i++) {
      const unit = key.charCodeAt(i);
      a = Math.imul(a ^ unit, 0x01000193);
      b = Math.imul(b ^ unit, 0x01000193);
      b ^= b >>> 13;
    }
    this.h1 = fmix32(a);
    this.h2 = fmix32(b) | 1;
  }

  /** Double hashing (Kirsch–Mitzenmacher): probe i of the last key hashed. */
  private probe(i: number): number {
    return ((this.h1 + Math.imul(i, this.h2)) >>> 0) % this.size;
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
