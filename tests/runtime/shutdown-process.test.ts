import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';

function startFixture(workMs: number, boundMs: number): Promise<{ child: ChildProcess; port: number; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'shutdown-service.js'), String(workMs), String(boundMs)], { stdio: ['ignore', 'pipe', 'inherit'] as const });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done) => child.stdout.once('data', (d: Buffer) => done({ child, port: Number(d.toString().trim()), exit })));
}

function fetchText(port: number): Promise<string> {
  return new Promise((done, fail) => {
    get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done(body));
    }).once('error', fail);
  });
}

describe('graceful shutdown of a real process', () => {
  it('finishes the in-flight request after SIGTERM, refuses new ones, and exits 0', async () => {
    const { child, port, exit } = await startFixture(800, 5000);
    const inFlight = fetchText(port);
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetchText(port)).rejects.toThrow(/ECONNREFUSED/);
    await expect(inFlight).resolves.toBe('finished');
    await expect(exit).resolves.toBe(0);
  });

  it('exits 1 at its bound when in-flight work would outlive it', async () => {
    const { child, port, exit } = await startFixture(60_000, 500);
    void fetchText(port).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150));
    const killedAt = Date.now();
    child.kill('SIGTERM');
    await expect(exit).resolves.toBe(1);
    // The bound is 500 ms; the process must not wait for the 60 s of work.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  });
});
