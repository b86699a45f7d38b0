import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalKafkaError } from './errors';
import { isListening } from './ports';

/** What a background broker leaves in its state folder, so later commands can find or stop it. */
export interface DetachedState {
  readonly supervisorPid: number;
  readonly javaPids: number[];
  readonly bootstrap: string;
  readonly dir: string;
  readonly logFiles: string[];
  readonly startedAt: string;
}

export const STATE_FILE = 'state.json';

export function readState(stateDir: string): DetachedState | undefined {
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DetachedState;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running broker described by the state folder, or undefined (a stale state file is removed). */
export async function runningState(stateDir: string): Promise<DetachedState | undefined> {
  const state = readState(stateDir);
  if (!state) return undefined;
  const port = Number(state.bootstrap.split(',')[0]?.split(':')[1]);
  if (alive(state.supervisorPid) && (await isListening(port))) return state;
  if (!alive(state.supervisorPid) && state.javaPids.every((p) => !alive(p))) rmSync(join(stateDir, STATE_FILE), { force: true });
  return undefined;
}

/**
 * Start a broker in the background: a detached supervisor process (`cli.js supervise`) owns the
 * JVMs and writes the state file once clients can use them. A second start while one runs reuses
 * it; a port held by something else is a clear error.
 */
export async function startDetached(stateDir: string, args: { port: number; nodes: 1 | 3 }): Promise<DetachedState & { reused: boolean }> {
  mkdirSync(stateDir, { recursive: true });
  const running = await runningState(stateDir);
  if (running) return { ...running, reused: true };
  const starting = readState(stateDir);
  if (starting && alive(starting.supervisorPid)) {
    throw new LocalKafkaError('ALREADY_RUNNING', `A broker supervised by pid ${starting.supervisorPid} is still starting or stopping; try again shortly, or run stop.`);
  }
  for (let i = 0; i < args.nodes * 2; i++) {
    if (await isListening(args.port + i)) {
      throw new LocalKafkaError('START_FAILED', `Port ${args.port + i} on 127.0.0.1 is already in use by another program; choose another base port with --port.`);
    }
  }
  const logFile = join(stateDir, 'supervisor.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [join(__dirname, 'cli.js'), 'supervise', '--state-dir', stateDir, '--port', String(args.port), '--nodes', String(args.nodes)], {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  const exited = new Promise<number>((done) => child.once('exit', (code) => done(code ?? 1)));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const state = readState(stateDir);
    if (state && state.supervisorPid === child.pid) return { ...state, reused: false };
    const code = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 250, undefined))]);
    if (code !== undefined) {
      throw new LocalKafkaError('START_FAILED', `The broker did not start (exit ${code}):\n${readFileSync(logFile, 'utf8').trim()}`, { logFile });
    }
    if (Date.now() > deadline) throw new LocalKafkaError('NOT_READY', `The broker did not become ready in time; see ${logFile}`, { logFile });
  }
}

/** Stop a background broker: SIGTERM to its supervisor, SIGKILL to everything after `graceMs`. */
export async function stopDetached(stateDir: string, graceMs = 15_000): Promise<DetachedState | undefined> {
  const state = readState(stateDir);
  if (!state) return undefined;
  const pids = [state.supervisorPid, ...state.javaPids];
  if (alive(state.supervisorPid)) process.kill(state.supervisorPid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  rmSync(join(stateDir, STATE_FILE), { force: true });
  return state;
}
