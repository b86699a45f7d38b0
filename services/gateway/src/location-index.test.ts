import { LocationIndex } from './location-index';

describe('LocationIndex', () => {
  const at = (segment: number, offset: number) => (s: number, o: number) => s === segment && o === offset;
  const any = () => true;

  it('finds each of many keys at its place, across rebuilds, and nothing for a key never added', () => {
    const index = new LocationIndex(16);
    for (let i = 0; i < 20_000; i++) index.insert(`docs\u0000${i.toString(36)}`, 1 + (i % 7), i * 10);
    expect(index.size).toBe(20_000);
    const misplaced = [];
    for (let i = 0; i < 20_000; i++) {
      const slot = index.find(`docs\u0000${i.toString(36)}`, at(1 + (i % 7), i * 10));
      if (slot < 0 || index.segmentAt(slot) !== 1 + (i % 7) || index.offsetAt(slot) !== i * 10) misplaced.push(i);
    }
    expect(misplaced).toEqual([]);
    expect(index.find('docs\u0000never', any)).toBe(-1);
  });

  it('passes over an entry the caller does not accept: two keys of one hash both stay findable', () => {
    const index = new LocationIndex();
    // The same key twice stands for two keys whose hashes collide: only the log line tells them apart.
    index.insert('k', 1, 0);
    index.insert('k', 1, 500);
    expect(index.offsetAt(index.find('k', at(1, 500)))).toBe(500);
    expect(index.offsetAt(index.find('k', at(1, 0)))).toBe(0);
    expect(index.find('k', at(2, 0))).toBe(-1);
  });

  it('forgets removed entries, finds those beyond them, and reuses their room', () => {
    const index = new LocationIndex(16);
    const slots = Array.from({ length: 6 }, (_, i) => index.insert(`key-${i}`, 1, i));
    for (const slot of slots.slice(0, 3)) index.remove(slot);
    expect(index.size).toBe(3);
    for (let i = 0; i < 3; i++) expect(index.find(`key-${i}`, any)).toBe(-1);
    for (let i = 3; i < 6; i++) expect(index.offsetAt(index.find(`key-${i}`, any))).toBe(i);
    // Churn far beyond the table's size: removed entries must not fill it.
    for (let i = 6; i < 10_000; i++) index.remove(index.insert(`key-${i}`, 2, i));
    expect(index.size).toBe(3);
    for (let i = 3; i < 6; i++) expect(index.offsetAt(index.find(`key-${i}`, any))).toBe(i);
  });

  it('changes nothing when warmed: in the middle of a rebuild, with more keys than before, and with keys not there', () => {
    const index = new LocationIndex(16);
    for (let i = 0; i < 1000; i++) index.insert(`key-${i}`, 1, i);
    index.reserve(5000); // starts a rebuild that moves a part of the entries only
    expect(index.rebuilding).toBe(true);
    const keys = Array.from({ length: 1500 }, (_, i) => `key-${i}`);
    index.warm(keys.slice(0, 10));
    index.warm(keys);
    for (let i = 0; i < 1000; i++) expect(index.offsetAt(index.find(`key-${i}`, any))).toBe(i);
    for (let i = 1000; i < 1500; i++) expect(index.find(`key-${i}`, any)).toBe(-1);
    expect(index.size).toBe(1000);
  });

  it('files and finds warmed keys where unwarmed lookups find them, in any order, whatever the caller does to its list after warming', () => {
    const warmedIndex = new LocationIndex(16);
    const plainIndex = new LocationIndex(16);
    const keys = Array.from({ length: 40 }, (_, i) => `docs\u0000evt-${i}`);
    const list = [...keys];
    warmedIndex.reserve(200);
    plainIndex.reserve(200);
    warmedIndex.warm(list);
    // The caller reuses its list for other keys: what was warmed must not follow it.
    for (let i = 0; i < list.length; i++) list[i] = `other\u0000${i}`;
    // In order, backwards, by twos and threes, jumping about, and keys never warmed between them.
    const order = [0, 1, 0, 2, 1, 3, 5, 4, 7, 10, 9, 39, 20, 21, 23, 22, 8, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38];
    const seen = new Set<number>();
    for (const [n, i] of order.entries()) {
      const key = keys[i]!;
      if (!seen.has(i)) {
        seen.add(i);
        expect(warmedIndex.find(key, any)).toBe(-1);
        warmedIndex.insert(key, 1, i);
        plainIndex.insert(key, 1, i);
      }
      warmedIndex.insert(`never-warmed-${n}`, 2, n);
      plainIndex.insert(`never-warmed-${n}`, 2, n);
    }
    expect(seen.size).toBe(keys.length);
    warmedIndex.warm(['unrelated']);
    for (const [i, key] of keys.entries()) {
      expect(warmedIndex.offsetAt(warmedIndex.find(key, at(1, i)))).toBe(i);
      // The same slot an index never warmed gives it: the same hash, the same probe.
      expect(warmedIndex.find(key, any)).toBe(plainIndex.find(key, any));
    }
    for (let n = 0; n < order.length; n++) expect(warmedIndex.offsetAt(warmedIndex.find(`never-warmed-${n}`, at(2, n)))).toBe(n);
  });

  it('points an entry elsewhere', () => {
    const index = new LocationIndex();
    const slot = index.insert('p\u0001pub-1', 3, 40);
    index.repoint(slot, 4, 0);
    expect(index.find('p\u0001pub-1', at(3, 40))).toBe(-1);
    expect(index.find('p\u0001pub-1', at(4, 0))).toBe(slot);
  });

  it('makes room ahead: slots found after reserving stay valid through the inserts reserved', () => {
    const index = new LocationIndex(16);
    for (let i = 0; i < 7; i++) index.insert(`key-${i}`, 1, i);
    index.reserve(100);
    const slots = Array.from({ length: 7 }, (_, i) => index.find(`key-${i}`, any));
    for (let i = 7; i < 107; i++) index.insert(`key-${i}`, 1, i);
    for (const [i, slot] of slots.entries()) index.repoint(slot, 2, i);
    for (let i = 0; i < 7; i++) expect(index.find(`key-${i}`, at(2, i))).toBe(slots[i]);
    for (let i = 7; i < 107; i++) expect(index.offsetAt(index.find(`key-${i}`, any))).toBe(i);
  });

  it('rebuilds a part at a time, at each reserve, and finds every entry meanwhile', () => {
    const index = new LocationIndex(1 << 12);
    const key = (i: number): string => `docs\u0000evt-${i}`;
    let sawRebuilding = 0;
    let n = 0;
    // Batches as the accepted-events log makes them: reserve, then insert.
    for (let batch = 0; batch < 600; batch++) {
      index.reserve(100);
      for (let j = 0; j < 100; j++, n++) index.insert(key(n), 1 + (n % 5), n);
      if (index.rebuilding) sawRebuilding++;
      if (batch % 50 === 0 || index.rebuilding) {
        for (let i = batch % 13; i < n; i += 331) expect(index.offsetAt(index.find(key(i), at(1 + (i % 5), i)))).toBe(i);
      }
    }
    // Rebuilds happened (4,096 slots grew to 131,072 for 60,000 entries), each over several batches.
    expect(sawRebuilding).toBeGreaterThan(5);
    while (index.rebuilding) index.reserve(0);
    expect(index.size).toBe(n);
    // Each growth doubles the table: 60,000 entries fill 46% of 131,072 slots, not 23% of 262,144.
    expect(index.capacity).toBe(131_072);
    const misplaced = Array.from({ length: n }, (_, i) => i).filter((i) => index.offsetAt(index.find(key(i), at(1 + (i % 5), i))) !== i);
    expect(misplaced).toEqual([]);
    expect(index.find('docs\u0000never', any)).toBe(-1);
  });

  it('removes and repoints entries the rebuild has not moved yet, and keeps slots valid through the inserts reserved', () => {
    const index = new LocationIndex(1 << 14);
    const key = (i: number): string => `p\u0001pub-${i}`;
    for (let i = 0; i < 8000; i++) index.insert(key(i), 1, i);
    index.reserve(10_000); // past half full: a rebuild begins, nothing moved yet
    expect(index.rebuilding).toBe(true);
    const removed = [3, 500, 7999];
    for (const i of removed) index.remove(index.find(key(i), any));
    const repointed = Array.from({ length: 50 }, (_, j) => j * 150 + 1);
    const slots = repointed.map((i) => index.find(key(i), any));
    for (let i = 8000; i < 18_000; i++) index.insert(key(i), 2, i);
    for (const [j, slot] of slots.entries()) index.repoint(slot, 3, repointed[j]!);
    index.reserve(0); // moves a part: some entries now in the new table, some still in the old
    expect(index.rebuilding).toBe(true);
    const removedMidway = Array.from({ length: 200 }, (_, j) => 4 + j * 37).filter((i) => !repointed.includes(i));
    for (const i of removedMidway) index.remove(index.find(key(i), any));
    for (const i of removedMidway) expect(index.find(key(i), any)).toBe(-1);
    removed.push(...removedMidway);
    while (index.rebuilding) index.reserve(0);
    expect(index.size).toBe(18_000 - removed.length);
    for (const i of removed) expect(index.find(key(i), any)).toBe(-1);
    for (const i of repointed) expect(index.find(key(i), at(3, i))).toBeGreaterThanOrEqual(0);
    for (let i = 8000; i < 18_000; i += 7) expect(index.offsetAt(index.find(key(i), at(2, i)))).toBe(i);
  });

  it('finishes a rebuild under way before an insert that must grow begins another', () => {
    const index = new LocationIndex(16);
    // No reserve at all, as when the log is read at start: inserts grow the table themselves.
    for (let i = 0; i < 50_000; i++) index.insert(`k-${i}`, 1, i);
    expect(index.size).toBe(50_000);
    const misplaced = Array.from({ length: 50_000 }, (_, i) => i).filter((i) => index.offsetAt(index.find(`k-${i}`, any)) !== i);
    expect(misplaced).toEqual([]);
  });
});
