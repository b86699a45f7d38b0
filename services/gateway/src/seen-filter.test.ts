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
});
