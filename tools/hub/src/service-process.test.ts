import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gongkai/local-kafka';
import { portsInUse } from './ports';
import { ServiceProcess, StartError } from './service-process';

let dir: string;
const started: ServiceProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hub-service-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop(2000)));
  rmSync(dir, { recursive: true, force: true });
});

/** A service whose whole program is `code`, started; its log in the test's folder. */
function service(name: string, code: string, ports: number[] = []): ServiceProcess {
  const script = join(dir, `${name}.js`);
  writeFileSync(script, code);
  const s = new ServiceProcess(name, script, {}, join(dir, 'logs', `${name}.log`), ports);
  s.start();
  started.push(s);
  return s;
}

describe('ServiceProcess.untilUp', () => {
  it('waits until the service listens on its port', async () => {
    const port = await freePort();
    const s = service('late-listener', `setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), 400);`, [port]);
    const startedAt = Date.now();
    await s.untilUp(10_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    expect(s.running).toBe(true);
  });

  it('names a service that dies before it is up, and its log says why', async () => {
    const port = await freePort();
    const s = service('review', `console.error('listen EADDRINUSE: address already in use 127.0.0.1:${port}'); setTimeout(() => process.exit(3), 300);`, [port]);
    const err = await s.untilUp(10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartError);
    expect((err as StartError).message).toBe(`The review exited at start (code 3); see ${s.logFile}`);
    expect(s.lastLogLines(3)).toEqual([`listen EADDRINUSE: address already in use 127.0.0.1:${port}`]);
  });

  it('gives up on a service that never opens its port', async () => {
    const port = await freePort();
    const s = service('silent', 'setInterval(() => undefined, 1000);', [port]);
    await expect(s.untilUp(1000)).rejects.toThrow(`The silent did not open port ${port} within 1 s; see ${s.logFile}`);
  });

  it('takes a service without ports as up once it has run a while', async () => {
    await expect(service('worker', 'setInterval(() => undefined, 1000);').untilUp(10_000, 200)).resolves.toBeUndefined();
    await expect(service('crasher', 'process.exit(5);').untilUp(10_000, 2000)).rejects.toThrow('The crasher exited at start (code 5)');
  });
});

describe('ServiceProcess.lastLogLines', () => {
  it('reads the end of a long log, whole lines only', async () => {
    const s = service('chatty', `for (let i = 0; i < 5000; i++) console.log('line ' + i + ' ' + 'x'.repeat(40)); console.error('the end');`);
    await expect(new Promise((done) => s.onUnexpectedExit(done))).resolves.toBe('code 0');
    expect(s.lastLogLines(2)).toEqual([`line 4999 ${'x'.repeat(40)}`, 'the end']);
    expect(s.lastLogLines(10_000).every((line) => /^line \d+ x{40}$|^the end$/.test(line))).toBe(true);
  });
});

describe('ServiceProcess.onUnexpectedExit', () => {
  it('tells of a service that ends by itself, with how', async () => {
    const s = service('flaky', 'setTimeout(() => process.exit(2), 300);');
    await expect(new Promise((done) => s.onUnexpectedExit(done))).resolves.toBe('code 2');
  });

  it('stays quiet when the hub stops the service', async () => {
    const s = service('steady', 'setInterval(() => undefined, 1000);');
    await s.untilUp(10_000, 200);
    const told: string[] = [];
    s.onUnexpectedExit((how) => told.push(how));
    await s.stop(2000);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.running).toBe(false);
    expect(told).toEqual([]);
  });
});

describe('portsInUse', () => {
  it('finds the ports something holds and passes the free ones', async () => {
    const server: Server = createServer();
    const held = await new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
    try {
      const free = await freePort();
      expect(await portsInUse([free, held])).toEqual([held]);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
