import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { readState } from '@gongkai/local-kafka';
import { testKafka } from '../support/kafka';

const run = promisify(execFile);
const cli = require.resolve('@gongkai/local-kafka/dist/cli.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something can listen on the port now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port for the broker, whose controller takes the next one. Below the kernel's range of
 * ephemeral ports (32768 and up here), so that no outgoing connection of another process can
 * take the controller's port between this check and the broker binding it: `freePort()` gives a
 * port from that range, and its neighbour was once taken so.
 */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 6_000);
    if ((await bindable(port)) && (await bindable(port + 1))) return port;
  }
  throw new Error('no two free neighbouring ports between 20000 and 32000');
}

describe('gongkai-kafka CLI', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'kafka-cli-'));
  afterAll(async () => {
    await run(process.execPath, [cli, 'stop', '--state-dir', stateDir]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts a usable broker, reuses it on a second start, and stops leaving no Java process', async () => {
    const port = await freePortPair();
    // HUB_KAFKA_JIT=full gives the JVM its usual tiers (the default, quick, stops at C1: see the cluster test).
    const first = await run(process.execPath, [cli, 'start', '--state-dir', stateDir, '--port', String(port)], { env: { ...process.env, HUB_KAFKA_JIT: 'full' } });
    expect(first.stdout).toContain(`started at 127.0.0.1:${port}`);
    const { javaPids } = readState(stateDir)!;
    expect(javaPids).toHaveLength(1);
    const args = readFileSync(`/proc/${javaPids[0]}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('kafka.Kafka');
    expect(args.filter((a) => a.startsWith('-XX:TieredStopAtLevel'))).toEqual([]);

    const admin = testKafka([`127.0.0.1:${port}`]).kafka.admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.disconnect();

    const second = await run(process.execPath, [cli, 'start', '--state-dir', stateDir, '--port', String(port)]);
    expect(second.stdout).toContain(`already running at 127.0.0.1:${port}`);

    const state = readState(stateDir)!;
    expect(state.javaPids.every(alive)).toBe(true);

    const stopped = await run(process.execPath, [cli, 'stop', '--state-dir', stateDir]);
    expect(stopped.stdout).toContain('Stopped the broker');
    expect([state.supervisorPid, ...state.javaPids].filter(alive)).toEqual([]);

    const status = await run(process.execPath, [cli, 'status', '--state-dir', stateDir]).catch((e: { code: number; stdout: string }) => e);
    expect(status.stdout).toContain('No broker is running');
  }, 180_000);

  it('refuses a port that another program holds, naming it', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const result = await run(process.execPath, [cli, 'start', '--state-dir', join(stateDir, 'other'), '--port', String(port)]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    server.close();
    expect('code' in result && result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });
});
