import { SeenFilter } from './seen-filter';

describe('SeenFilter', () => {
  it('never forgets a key it was given', () => {
    const filter = new SeenFilter(10_000);
    const keys = Array.from({ length: 10_000 }, (_, i) => `docs-system\u0000evt-${i}`);
    keys.forEach((k) => filter.add(k));
    expect(keys.every((k) => filter.mightContain(k))).toBe(true);
  });

  it('rules out almost every key it was not given (about 1% false positives at capacity)', () => {
    const filter = new SeenFilter(10_000);
    for (let i = 0; i < 10_000; i++) filter.add(`a\u0000${i}`);
    let falsePositives = 0;
    for (let i = 0; i < 10_000; i++) if (filter.mightContain(`b\u0000${i}`)) falsePositives++;
    expect(falsePositives).toBeLessThan(300);
  });

  it('keeps about 1% false positives for ids that differ only in their last digits, and for long ids', () => {
    const filter = new SeenFilter(100_000);
    for (let i = 0; i < 100_000; i++) filter.add(`docs\u0000bench-x-${String(i).padStart(9, '0')}`);
    let sequential = 0;
    let long = 0;
    for (let i = 100_000; i < 200_000; i++) if (filter.mightContain(`docs\u0000bench-x-${String(i).padStart(9, '0')}`)) sequential++;
    for (let i = 0; i < 10_000; i++) if (filter.mightContain(`procurement\u0000${'公开'.repeat(40)}-${i}`)) long++;
    expect(sequential).toBeLessThan(2_000);
    expect(long).toBeLessThan(200);
  });
});
