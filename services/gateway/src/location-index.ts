/**
 * An in-memory hash table from string keys to places in the accepted-events log (segment,
 * byte offset), in one typed array: sixteen bytes an entry, nothing for the garbage collector
 * to trace. Keys are kept only as two 32-bit hashes; the log line at the place names its key,
 * and callers check it (`matches`), so two keys with the same 64-bit hash only cost a second
 * look. Open addressing with linear probing; removed entries leave a mark that lookups pass
 * over, and the table is rebuilt (twice the size if it must) when marks and entries fill half.
 */
export class LocationIndex {
  /** Four words a slot: hash 1, hash 2, segment, offset. Segment 0 marks an empty slot. */
  private slots: Uint32Array;
  private mask: number;
  private live = 0;
  private used = 0;
  private h1 = 0;
  private h2 = 0;

  constructor(initialSlots = 1 << 16) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(16, initialSlots)));
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
  }

  /** Entries held. */
  get size(): number {
    return this.live;
  }

  /**
   * The slot of the entry for `key` — the first whose place `matches` accepts among those with
   * the key's hash — or -1.
   */
  find(key: string, matches: (segment: number, offset: number) => boolean): number {
    this.hash(key);
    const { slots, mask, h1, h2 } = this;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const at = i * 4;
      const segment = slots[at + 2]!;
      if (segment === EMPTY) return -1;
      if (segment !== REMOVED && slots[at] === h1 && slots[at + 1] === h2 && matches(segment, slots[at + 3]!)) return i;
    }
  }

  /**
   * Makes room for `count` more entries now (which may renumber every slot), so that the next
   * `count` inserts move no entry: a slot found after this stays valid through them.
   */
  reserve(count: number): void {
    const size = this.mask + 1;
    if ((this.used + count) * 2 <= size) return;
    let grown = size;
    while ((this.live + count) * 4 > grown) grown *= 2;
    this.rebuild(grown);
  }

  /** Adds an entry (the caller has found none for the key); returns its slot. */
  insert(key: string, segment: number, offset: number): number {
    if (segment === EMPTY || segment === REMOVED) throw new RangeError(`LocationIndex: segment ${segment} is reserved`);
    if ((this.used + 1) * 2 > this.mask + 1) this.rebuild(this.live * 4 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1);
    this.hash(key);
    return this.place(this.h1, this.h2, segment, offset, true);
  }

  /** Points an entry elsewhere. */
  repoint(slot: number, segment: number, offset: number): void {
    this.slots[slot * 4 + 2] = segment;
    this.slots[slot * 4 + 3] = offset;
  }

  remove(slot: number): void {
    this.slots[slot * 4 + 2] = REMOVED;
    this.live--;
  }

  segmentAt(slot: number): number {
    return this.slots[slot * 4 + 2]!;
  }

  offsetAt(slot: number): number {
    return this.slots[slot * 4 + 3]!;
  }

  private place(h1: number, h2: number, segment: number, offset: number, reuse: boolean): number {
    const { slots, mask } = this;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const at = i * 4;
      const taken = slots[at + 2]!;
      if (taken === EMPTY || (reuse && taken === REMOVED)) {
        if (taken === EMPTY) this.used++;
        slots[at] = h1;
        slots[at + 1] = h2;
        slots[at + 2] = segment;
        slots[at + 3] = offset;
        this.live++;
        return i;
      }
    }
  }

  private rebuild(size: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
    this.live = 0;
    this.used = 0;
    for (let at = 0; at < old.length; at += 4) {
      const segment = old[at + 2]!;
      if (segment !== EMPTY && segment !== REMOVED) this.place(old[at]!, old[at + 1]!, segment, old[at + 3]!, false);
    }
  }

  /**
   * Two 32-bit hashes of the key's UTF-16 units (FNV-1a with two seeds, each finished with
   * MurmurHash3's avalanche step): not cryptographic, and need not be — a match is confirmed
   * against the log line.
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
    this.h2 = fmix32(b);
  }
}

const EMPTY = 0;
const REMOVED = 0xffffffff;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
