import { Writable } from 'node:stream';
import { createLogger, type OutgoingRecord } from '@gongkai/runtime';
import { RecordWriter } from './record-writer';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });
const record = (key: string): OutgoingRecord => ({ topic: 'delivery', key, value: Buffer.from(key), headers: {} });

/** A `send` whose requests the test answers one by one. */
function scriptedSend(): { send: (records: readonly OutgoingRecord[]) => Promise<void>; requests: string[][]; answer: (err?: Error) => void } {
  const requests: string[][] = [];
  const waiting: ((err?: Error) => void)[] = [];
  return {
    requests,
    send: (records) => {
      requests.push(records.map((r) => r.key));
      return new Promise<void>((resolve, reject) => waiting.push((err) => (err ? reject(err) : resolve())));
    },
    answer: (err) => waiting.shift()!(err),
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RecordWriter', () => {
  it('sends the writes of one turn in one request, and those made meanwhile in the next, in order', async () => {
    const kafka = scriptedSend();
    const writer = new RecordWriter(kafka.send, silent);
    const done: string[] = [];
    void writer.write([record('a1'), record('a2')]).then(() => done.push('a'));
    void writer.write([record('b')]).then(() => done.push('b'));
    await turn();
    expect(kafka.requests).toEqual([['a1', 'a2', 'b']]);
    void writer.write([record('c')]).then(() => done.push('c'));
    void writer.write([record('d')]).then(() => done.push('d'));
    await turn();
    expect(kafka.requests).toHaveLength(1); // c and d wait for the request on its way
    kafka.answer();
    await turn();
    expect(done).toEqual(['a', 'b']);
    expect(kafka.requests).toEqual([['a1', 'a2', 'b'], ['c', 'd']]);
    kafka.answer();
    await writer.flushed();
    expect(done).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends a failed request again, ahead of later writes, and resolves only when it is written', async () => {
    const kafka = scriptedSend();
    const writer = new RecordWriter(kafka.send, silent, 10);
    let written = false;
    void writer.write([record('x')]).then(() => (written = true));
    await turn();
    void writer.write([record('y')]);
    kafka.answer(new Error('broker down'));
    // The second request comes after the retry delay; waited for, not timed, so a slow machine cannot fail this.
    while (kafka.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written).toBe(false);
    expect(kafka.requests).toEqual([['x'], ['x', 'y']]);
    kafka.answer();
    await writer.flushed();
    expect(written).toBe(true);
  });

  it('when closed, fails the writes still waiting and refuses new ones', async () => {
    const kafka = scriptedSend();
    const writer = new RecordWriter(kafka.send, silent, 10);
    const first = writer.write([record('1')]);
    await turn();
    const second = writer.write([record('2')]);
    const closing = writer.close(new Error('stopping'));
    kafka.answer();
    await closing;
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('stopping');
    await expect(writer.write([record('3')])).rejects.toThrow('stopping');
    expect(kafka.requests).toEqual([['1']]);
  });
});
