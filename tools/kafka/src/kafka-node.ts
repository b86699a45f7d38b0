import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalKafkaError } from './errors';
import { MAVEN_DIR } from './jars';
import { javaCommand } from './prerequisites';

/** Which JIT compilers the broker's JVM runs. */
export type KafkaJit = 'quick' | 'full';

export interface NodeSpec {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
}

export interface NodeOptions {
  readonly libs: string;
  readonly clusterId: string;
  /** `controller.quorum.voters` for a cluster; a single node uses bootstrap servers and `--standalone`. */
  readonly voters?: string;
  readonly replication: number;
  readonly minIsr: number;
  readonly heapMb?: number;
  /** `quick` (default): the JVM's first-tier compiler only; `full`: tiered C1 + C2 (see LocalKafkaOptions.jit). */
  readonly jit?: KafkaJit;
  readonly extraProperties?: Readonly<Record<string, string | number>>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One Kafka process (broker and controller combined), on loopback. Its data lives in
 * `spec.dir/data`, its log in `spec.dir/kafka.log`, never in the caller's output.
 */
export class KafkaNode {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly logFile: string;
  readonly propertiesFile: string;

  constructor(readonly spec: NodeSpec, private readonly options: NodeOptions) {
    this.logFile = join(spec.dir, 'kafka.log');
    this.propertiesFile = join(spec.dir, 'server.properties');
  }

  get address(): string {
    return `127.0.0.1:${this.spec.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Write server.properties and format the data directory (once; a formatted dir is reused on restart). */
  prepare(): void {
    const { spec, options } = this;
    mkdirSync(join(spec.dir, 'data'), { recursive: true });
    const props: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': spec.nodeId,
      listeners: `PLAINTEXT://127.0.0.1:${spec.port},CONTROLLER://127.0.0.1:${spec.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${spec.port},CONTROLLER://127.0.0.1:${spec.controllerPort}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': join(spec.dir, 'data'),
      'num.partitions': 3,
      'default.replication.factor': options.replication,
      'min.insync.replicas': options.minIsr,
      'offsets.topic.replication.factor': options.replication,
      'offsets.topic.num.partitions': 1,
      'transaction.state.log.replication.factor': options.replication,
      'transaction.state.log.min.isr': options.minIsr,
      'transaction.state.log.num.partitions': 1,
      'share.coordinator.state.topic.replication.factor': options.replication,
      'share.coordinator.state.topic.min.isr': options.minIsr,
      'group.initial.rebalance.delay.ms': 0,
      'auto.create.topics.enable': 'true',
      'log.segment.bytes': 16 * 1024 * 1024,
      ...(options.voters
        ? { 'controller.quorum.voters': options.voters }
        : { 'controller.quorum.bootstrap.servers': `127.0.0.1:${spec.controllerPort}` }),
      ...options.extraProperties,
    };
    writeFileSync(this.propertiesFile, Object.entries(props).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n');
    if (existsSync(join(spec.dir, 'data', 'meta.properties'))) return;
    const format = spawnSync(
      javaCommand(options.env),
      [
        '-cp', `${options.libs}/*`,
        `-Dlog4j2.configurationFile=${join(MAVEN_DIR, 'log4j2.properties')}`,
        'kafka.tools.StorageTool', 'format',
        ...(options.voters ? [] : ['--standalone']),
        '-t', options.clusterId, '-c', this.propertiesFile,
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) {
      throw new LocalKafkaError(
        'FORMAT_FAILED',
        `Formatting ${spec.dir} for Kafka node ${spec.nodeId} failed: ${(format.stderr || format.stdout || String(format.error)).trim().slice(0, 2000)}`,
        { nodeId: spec.nodeId },
      );
    }
  }

  /** Start the JVM; returns once the process is spawned (readiness is the caller's probe). */
  start(): void {
    if (this.running) return;
    const heap = this.options.heapMb ?? 512;
    const fd = openSync(this.logFile, 'a');
    // G1 regions of 4 MiB (Kafka's documented production settings use 16 MiB), not the 1 MiB G1
    // picks for this heap: a produce request is read into one array, and an array of half a
    // region or more is "humongous", which starts a concurrent collection. Measured under the
    // gateway benchmark's batches (requests of 0.2-0.9 MB): 43-45 concurrent cycles in a run
    // with 1 MiB regions, 2-3 with 4 MiB; 486-519 against 730-768 ms of pauses in all.
    const child = spawn(
      javaCommand(this.options.env),
      [
        '-server', ...(this.options.jit === 'full' ? [] : ['-XX:TieredStopAtLevel=1']), `-Xms${heap}m`, `-Xmx${heap}m`, '-XX:+UseG1GC', '-XX:G1HeapRegionSize=4m', '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(MAVEN_DIR, 'log4j2.properties')}`,
        '-cp', `${this.options.libs}/*`,
        'kafka.Kafka', this.propertiesFile,
      ],
      // Output goes straight to a file: nothing of ours has to keep reading a pipe.
      { stdio: ['ignore', fd, fd], detached: false },
    );
    closeSync(fd);
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
  }

  /** Controlled shutdown (SIGTERM), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Hard crash: SIGKILL, as a machine failure would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves when the broker has logged that it started; rejects if the process exits first. */
  async waitForStartedLine(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new LocalKafkaError('START_FAILED', `Kafka node ${this.spec.nodeId} exited while starting; see ${this.logFile}:\n${this.tail()}`, {
          logFile: this.logFile,
          nodeId: this.spec.nodeId,
        });
      }
      if (existsSync(this.logFile) && readFileSync(this.logFile, 'utf8').includes('Kafka Server started')) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new LocalKafkaError('NOT_READY', `Kafka node ${this.spec.nodeId} did not start within ${timeoutMs} ms; see ${this.logFile}`, {
      logFile: this.logFile,
      nodeId: this.spec.nodeId,
    });
  }

  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}
