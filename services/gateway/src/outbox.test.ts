import { Outbox } from './outbox';

describe('Outbox', () => {
  const turnEnd = () => new Promise((resolve) => setImmediate(resolve));

  it('sends what one short turn put in as one message, at the end of the turn', async () => {
    const sent: number[][] = [];
    const outbox = new Outbox<number>((items) => sent.push(items), 1, () => 0);
    outbox.put(1);
    outbox.put(2);
    outbox.put(3);
    expect(sent).toEqual([]);
    await turnEnd();
    expect(sent).toEqual([[1, 2, 3]]);
    outbox.put(4);
    await turnEnd();
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('in a long turn, sends once the oldest item has waited maxWaitMs, and the rest at the end', async () => {
    let clock = 0;
    const sent: string[][] = [];
    const outbox = new Outbox<string>((items) => sent.push(items), 1, () => clock);
    outbox.put('a');
    clock = 0.6;
    outbox.put('b');
    expect(sent).toEqual([]);
    clock = 1.0;
    outbox.put('c'); // 'a' has waited 1 ms: a, b and c go now, mid-turn
    expect(sent).toEqual([['a', 'b', 'c']]);
    clock = 1.5;
    outbox.put('d'); // the clock restarts with the next oldest
    clock = 2.4;
    outbox.put('e');
    expect(sent).toEqual([['a', 'b', 'c']]);
    await turnEnd();
    expect(sent).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('flush sends at once and leaves nothing for the turn end; an empty flush sends nothing', async () => {
    const sent: number[][] = [];
    const outbox = new Outbox<number>((items) => sent.push(items));
    outbox.flush();
    outbox.put(7);
    outbox.flush();
    expect(sent).toEqual([[7]]);
    await turnEnd();
    expect(sent).toEqual([[7]]);
  });
});
