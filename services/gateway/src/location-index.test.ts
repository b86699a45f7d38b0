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
});
