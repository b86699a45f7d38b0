import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { GracefulShutdown } from './graceful-shutdown';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

function setup(timeoutMs: number) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const events: string[] = [];
  const shutdown = new GracefulShutdown({ logger: silent, timeoutMs, signalSource: signals, exit: (code) => exits.push(code) });
  return { signals, exits, events, shutdown };
}

describe('GracefulShutdown', () => {
  it('on SIGTERM stops accepting, finishes in-flight work, then closes clients, and exits 0', async () => {
    const { signals, exits, events, shutdown } = setup(2000);
    shutdown.onStopAccepting('server', () => void events.push('stop accepting'));
    shutdown.onClose('producer', () => void events.push('close producer'));
    shutdown.onClose('consumer', () => void events.push('close consumer'));
    let finish!: () => void;
    void shutdown.track(new Promise<void>((r) => (finish = r)).then(() => void events.push('in-flight done')));
    signals.emit('SIGTERM');
    expect(shutdown.stopping).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['stop accepting']); // still waiting for the in-flight work
    finish();
    await shutdown.shutdown('again');
    expect(events).toEqual(['stop accepting', 'in-flight done', 'close consumer', 'close producer']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when in-flight work outlives the bound', async () => {
    const { exits, shutdown } = setup(50);
    void shutdown.track(new Promise(() => undefined));
    const started = Date.now();
    await shutdown.shutdown('test');
    expect(exits).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a shutdown because the service failed runs every step and exits 1', async () => {
    const { exits, events, shutdown } = setup(2000);
    shutdown.onClose('producer', () => void events.push('close producer'));
    await shutdown.shutdown('consumer stopped', { failed: true });
    expect([events, exits]).toEqual([['close producer'], [1]]);
  });

  it('a failing close step does not stop the others', async () => {
    const { exits, events, shutdown } = setup(1000);
    shutdown.onClose('a', () => void events.push('a'));
    shutdown.onClose('b', () => {
      throw new Error('boom');
    });
    await shutdown.shutdown('test');
    expect(events).toEqual(['a']);
    expect(exits).toEqual([0]);
  });

  it('runs once however often it is asked', async () => {
    const { signals, exits, shutdown } = setup(1000);
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    await shutdown.shutdown('x');
    expect(exits).toEqual([0]);
  });
});
