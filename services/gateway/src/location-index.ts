/**
 * An in-memory hash table from string keys to places in the accepted-events log (segment,
 * byte offset), in one typed array: sixteen bytes an entry, nothing for the garbage collector
 * to trace. Keys are kept only as two 32-bit hashes; the log line at the place names its key,
 * and callers check it (`matches`), so two keys with the same 64-bit hash only cost a second
 * look. Open addressing with linear probing; removed entries leave a mark that lookups pass
 * over, and the table is rebuilt (twice the size if it must) when marks and entries fill half.
 *
 * A rebuild moves its entries a part at a time, at each {@link reserve}, not in one go: moving
 * a million entries at once held the gRPC thread for about 100 ms (two million: 180 ms) while
 * every call waited. Until the old table is empty, lookups look in both. A slot number (what
 * `find` and `insert` return) stays valid until the next `reserve` or the next `insert` that
 * must grow the table; `reserve(n)` promises that the next n inserts do not.
 */
export class LocationIndex {
  /** Four words a slot: hash 1, hash 2, segment, offset. Segment 0 marks an empty slot. */
  private slots: Uint32Array;
  private mask: number;
  /** Entries held, in both tables. */
  private live = 0;
  /** Slots of `slots` taken, by entries or removal marks. */
  private used = 0;
  /** The table a rebuild is emptying into `slots`; its slots from `moved` on still hold their entries. */
  private old: Uint32Array | undefined;
  private oldMask = 0;
  private moved = 0;
  /** Entries still in `old`. */
  private inOld = 0;
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

  /** Slots of the table (of the new one while a rebuild is under way): sixteen bytes each. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Whether a rebuild is still moving entries (lookups look in two tables meanwhile). */
  get rebuilding(): boolean {
    return this.old !== undefined;
  }

  /**
   * The slot of the entry for `key` — the first whose place `matches` accepts among those with
   * the key's hash — or -1.
   */
  find(key: string, matches: (segment: number, offset: number) => boolean): number {
    this.hash(key);
    const { h1, h2 } = this;
    const slot = probe(this.slots, this.mask, h1, h2, matches);
    if (slot >= 0 || !this.old) return slot;
    const inOld = probe(this.old, this.oldMask, h1, h2, matches);
    return inOld < 0 ? -1 : IN_OLD + inOld;
  }

  /**
   * Reads, for every key, the slot its lookup starts at, before any lookup is made. With
   * millions of entries the table is far larger than the CPU's caches, and a lookup's first read
   * nearly always goes to memory; made one lookup at a time, with other work between them, each
   * waits for its own. Made here in one loop, the reads overlap, and the lookups that follow find
   * their slots in the cache. In a throw-away measurement (3 million entries, 48 KB of other
   * memory touched between keys), 300 lookups took 0.29–0.46 µs each after this, against
   * 0.55 µs without it. Only `slots` is read: a table a rebuild is emptying is left alone.
   *
   * The keys' hashes are kept, and the `find`s and `insert`s that follow, made in about the
   * order of the keys, use them instead of hashing the key again (see {@link hash}).
   */
  warm(keys: readonly string[]): void {
    if (this.starts.length < keys.length) {
      this.starts = new Uint32Array(keys.length * 2);
      this.warmH1 = new Uint32Array(keys.length * 2);
      this.warmH2 = new Uint32Array(keys.length * 2);
    }
    const { starts, warmH1, warmH2, warmKeys, slots, mask } = this;
    warmKeys.length = keys.length;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.hashKey(key);
      // The caller's list may change after this: the keys themselves are kept.
      warmKeys[i] = key;
      warmH1[i] = this.h1;
      warmH2[i] = this.h2;
      starts[i] = this.h1 & mask;
    }
    this.lastWarm = 0;
    let sum = 0;
    for (let i = 0; i < keys.length; i++) sum += slots[starts[i]! * 4 + 2]!;
    // Kept, so that the compiler cannot drop the reads as unused.
    this.warmed = sum;
  }

  private starts = new Uint32Array(0);
  private warmed = 0;
  /** The keys of the last `warm`, their hashes, and where among them the last key looked up was. */
  private readonly warmKeys: string[] = [];
  private warmH1 = new Uint32Array(0);
  private warmH2 = new Uint32Array(0);
  private lastWarm = 0;

  /**
   * Makes room for `count` more entries now, so that the next `count` inserts move no entry:
   * a slot found after this stays valid through them. A rebuild under way moves a part of its
   * entries first (which may renumber them).
   */
  reserve(count: number): void {
    if (this.old) this.move(Math.max(MOVE_AT_LEAST, MOVE_PER_ENTRY * count));
    const size = this.mask + 1;
    if ((this.used + this.inOld + count) * 2 <= size) return;
    // The first of size, twice size, … of which the entries and those reserved fill a third at
    // most: twice the size when entries filled it, the same size when removal marks did.
    // (A factor of four here, before, made every growth quadruple the table: 268 MB of slots
    // for 2.1 million entries, where 134 MB keep it at most half full.)
    let grown = size;
    while ((this.live + count) * 3 > grown) grown *= 2;
    this.rebuild(grown);
  }

  /** Adds an entry (the caller has found none for the key); returns its slot. */
  insert(key: string, segment: number, offset: number): number {
    if (segment === EMPTY || segment === REMOVED) throw new RangeError(`LocationIndex: segment ${segment} is reserved`);
    if ((this.used + this.inOld + 1) * 2 > this.mask + 1) this.rebuild(this.live * 4 > this.mask + 1 ? (this.mask + 1) * 2 : this.mask + 1);
    this.hash(key);
    this.live++;
    return this.place(this.h1, this.h2, segment, offset);
  }

  /** Points an entry elsewhere. */
  repoint(slot: number, segment: number, offset: number): void {
    const table = this.tableOf(slot);
    table[wordOf(slot) + 2] = segment;
    table[wordOf(slot) + 3] = offset;
  }

  remove(slot: number): void {
    const table = this.tableOf(slot);
    table[wordOf(slot) + 2] = REMOVED;
    this.live--;
    if (table === this.old) this.inOld--;
  }

  segmentAt(slot: number): number {
    return this.tableOf(slot)[wordOf(slot) + 2]!;
  }

  offsetAt(slot: number): number {
    return this.tableOf(slot)[wordOf(slot) + 3]!;
  }

  private tableOf(slot: number): Uint32Array {
    return slot >= IN_OLD ? this.old! : this.slots;
  }

  /** Into `slots`, reusing a removal mark on the way; returns the slot. */
  private place(h1: number, h2: number, segment: number, offset: number): number {
    const { slots, mask } = this;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const at = i * 4;
      const taken = slots[at + 2]!;
      if (taken === EMPTY || taken === REMOVED) {
        if (taken === EMPTY) this.used++;
        slots[at] = h1;
        slots[at + 1] = h2;
        slots[at + 2] = segment;
        slots[at + 3] = offset;
        return i;
      }
    }
  }

  /** Begins moving every entry into a new table of `size` slots (first finishing a rebuild under way). */
  private rebuild(size: number): void {
    if (this.old) this.move(Infinity);
    this.old = this.slots;
    this.oldMask = this.mask;
    this.moved = 0;
    this.inOld = this.live;
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
    this.used = 0;
  }

  /** Moves the entries of the old table's next `count` slots; drops the old table once they are all moved. */
  private move(count: number): void {
    const old = this.old!;
    const end = Math.min(old.length / 4, this.moved + count);
    for (let i = this.moved; i < end; i++) {
      const at = i * 4;
      const segment = old[at + 2]!;
      if (segment === EMPTY || segment === REMOVED) continue;
      this.place(old[at]!, old[at + 1]!, segment, old[at + 3]!);
      // A mark, not an empty slot: lookups in the old table still pass over it to what lies beyond.
      old[at + 2] = REMOVED;
      this.inOld--;
    }
    this.moved = end;
    if (end === old.length / 4) this.old = undefined;
  }

  /**
   * The key's two hashes into `h1` and `h2`: kept from the last `warm` when the key is one of
   * its keys near the last one used (the accepted-events log looks up and then inserts each
   * event's id and subject in turn, and a PublishBatch call's ids one after another), else
   * computed. Hashing a 48-character key cost about 100–150 ns, and the log hashed each event's
   * two keys four times over.
   */
  private hash(key: string): void {
    const last = this.lastWarm;
    if (!(this.warmedAt(key, last) || this.warmedAt(key, last + 1) || this.warmedAt(key, last - 1) || this.warmedAt(key, last + 2))) this.hashKey(key);
  }

  /** Whether `key` is the i-th key warmed; if so, its hashes are now in `h1` and `h2`. */
  private warmedAt(key: string, i: number): boolean {
    if (i < 0 || i >= this.warmKeys.length || this.warmKeys[i] !== key) return false;
    this.lastWarm = i;
    this.h1 = this.warmH1[i]!;
    this.h2 = this.warmH2[i]!;
    return true;
  }

  /**
   * Two 32-bit hashes of the key's UTF-16 units (FNV-1a with two seeds, each finished with
   * MurmurHash3's avalanche step): not cryptographic, and need not be — a match is confirmed
   * against the log line.
   */
  private hashKey(key: string): void {
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
/** Slot numbers from here on are the old table's, while a rebuild is under way (tables stay far below 2^30 slots). */
const IN_OLD = 2 ** 30;
/**
 * Old slots a `reserve` moves: at least this many, and this many per entry reserved. A rebuild
 * leaves an old table of S slots holding at most S/2 entries, and a new one of 2S slots or more
 * that must grow again at S. Four old slots per new entry empty the old table after S/4 new
 * entries, when the new one holds at most 3S/4: the old table is always gone before the next
 * rebuild would have to move the rest of it in one go.
 */
const MOVE_AT_LEAST = 4096;
const MOVE_PER_ENTRY = 4;

/** Where a slot's four words start in its table. */
function wordOf(slot: number): number {
  return (slot >= IN_OLD ? slot - IN_OLD : slot) * 4;
}

/** The slot in `table` of the first entry with these hashes whose place `matches` accepts, or -1. */
function probe(table: Uint32Array, mask: number, h1: number, h2: number, matches: (segment: number, offset: number) => boolean): number {
  for (let i = h1 & mask; ; i = (i + 1) & mask) {
    const at = i * 4;
    const segment = table[at + 2]!;
    if (segment === EMPTY) return -1;
    if (segment !== REMOVED && table[at] === h1 && table[at + 1] === h2 && matches(segment, table[at + 3]!)) return i;
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
