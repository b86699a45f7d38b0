/**
 * CPU time of the processes in a run, read from Linux's /proc, so each cell can say which
 * process used the two cores: the server under test, Kafka, or the load generator. Elsewhere
 * the figures are absent rather than wrong.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ; 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds a process has used so far; undefined when it cannot be read. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal …
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, n) => a + (n ?? 0), 0);
    return Number.isFinite(busy) ? busy / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Child processes of `parent` whose command line contains `needle` (e.g. the Kafka JVM). */
export function childPids(parent: number, needle: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === parent && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  });
}

const MACHINE = '\u0000machine';

/** Measures CPU use of named processes between `start()` and `stop()`, in % of one core. */
export class CpuMeter {
  private startedAt = 0;
  private before = new Map<string, number | undefined>();

  constructor(private readonly pids: Readonly<Record<string, readonly number[]>>) {}

  start(): void {
    this.startedAt = performance.now();
    this.before = this.read();
  }

  /**
   * % of one core per name over the span since `start()`; absent names could not be read.
   * `others` is what the rest of the machine used meanwhile: a busy neighbour makes the run's
   * figures worth less, and this says so.
   */
  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const after = this.read();
    const out: Record<string, number> = {};
    for (const [name, value] of after) {
      const was = this.before.get(name);
      if (value !== undefined && was !== undefined && seconds > 0) out[name] = (100 * (value - was)) / seconds;
    }
    const machine = out[MACHINE];
    delete out[MACHINE];
    if (machine !== undefined) out.others = Math.max(0, machine - Object.values(out).reduce((a, n) => a + n, 0));
    return out;
  }

  private read(): Map<string, number | undefined> {
    const values = new Map<string, number | undefined>([[MACHINE, machineBusySeconds()]]);
    for (const [name, pids] of Object.entries(this.pids)) {
      const times = pids.map(cpuSeconds);
      values.set(name, pids.length === 0 || times.some((t) => t === undefined) ? undefined : times.reduce<number>((a, t) => a + (t ?? 0), 0));
    }
    return values;
  }
}

/**
 * What one event cost the processes that carried it (the server, the Kafka broker and the load
 * generator, from their % of one core: not `others`, which is the neighbours' share), in µs of
 * CPU, and how many events a second `cores` fully busy cores could carry at that cost. A cell
 * whose goal lies above its ceiling cannot meet it on this machine by any scheduling; only a
 * lower cost per event can. Undefined when a share is missing or nothing was carried.
 */
export function cpuPerEvent(cpu: Readonly<Record<string, number>>, eventsPerSecond: number, cores: number): { microseconds: number; ceiling: number } | undefined {
  const shares = ['server', 'kafka', 'client'].map((name) => cpu[name]).filter((n): n is number => n !== undefined);
  if (shares.length === 0 || !(eventsPerSecond > 0)) return undefined;
  const microseconds = (shares.reduce((a, n) => a + n, 0) * 10_000) / eventsPerSecond;
  return { microseconds, ceiling: (cores * 1_000_000) / microseconds };
}
