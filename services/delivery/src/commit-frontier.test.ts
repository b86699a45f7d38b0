import { CommitFrontier } from './commit-frontier';

describe('CommitFrontier', () => {
  it('commits up to the first record still being handled, whatever order they finish in', () => {
    const frontier = new CommitFrontier();
    const [a, b, c] = ['10', '11', '12'].map((offset) => frontier.track(0, offset));
    expect(frontier.due()).toEqual([]);
    c!();
    b!();
    expect(frontier.due()).toEqual([]); // 10 is still running
    a!();
    expect(frontier.due()).toEqual([{ partition: 0, offset: '13' }]);
    expect(frontier.due()).toEqual([]); // nothing moved since
  });

  it('keeps partitions apart and skips gaps in offsets', () => {
    const frontier = new CommitFrontier();
    const p0 = frontier.track(0, '5');
    const p1 = frontier.track(1, '100');
    const p1b = frontier.track(1, '104'); // 101–103 were control records
    p1b();
    expect(frontier.due()).toEqual([]);
    p1();
    expect(frontier.due()).toEqual([{ partition: 1, offset: '105' }]);
    p0();
    expect(frontier.due()).toEqual([{ partition: 0, offset: '6' }]);
  });

  it('starts a partition afresh when it is read again from an earlier offset', () => {
    const frontier = new CommitFrontier();
    const old = frontier.track(0, '20');
    frontier.track(0, '21');
    // The partition came back after a rebalance and is read again from its committed offset.
    const again = frontier.track(0, '20');
    old();
    expect(frontier.due()).toEqual([]);
    again();
    expect(frontier.due()).toEqual([{ partition: 0, offset: '21' }]);
  });

  it('forgets partitions it no longer holds', () => {
    const frontier = new CommitFrontier();
    frontier.track(0, '1')();
    frontier.track(1, '1')();
    frontier.keepOnly(new Set([1]));
    expect(frontier.due()).toEqual([{ partition: 1, offset: '2' }]);
  });

  it('finds each record after its line has been compacted, over many records', () => {
    const frontier = new CommitFrontier();
    const finishes: (() => void)[] = [];
    for (let i = 0; i < 10_000; i++) finishes.push(frontier.track(2, String(i)));
    // Finish in waves, the frontier advancing (and the line compacting) between them.
    for (let wave = 0; wave < 10; wave++) {
      for (let i = wave * 1000 + 999; i >= wave * 1000 + 1; i--) finishes[i]!();
      expect(frontier.due()).toEqual([]); // the wave's first record is still running
      finishes[wave * 1000]!();
      expect(frontier.due()).toEqual([{ partition: 2, offset: String(wave * 1000 + 1000) }]);
    }
  });
});
