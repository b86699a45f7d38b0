import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LocalKafkaError } from './errors';
import { defaultCacheDir, ensureJars } from './jars';
import { KafkaNode, type KafkaJit } from './kafka-node';
import { freePort } from './ports';
import { checkJava } from './prerequisites';

export interface LocalKafkaOptions {
  /** 1 (default) for a single node; 3 for a cluster with replication 3 and min ISR 2. */
  readonly nodes?: 1 | 3;
  /** Folder for data and logs; a fresh temporary folder by default (removed on stop). */
  readonly dir?: string;
  /** Client port of the first node; free ports are picked when absent. */
  readonly port?: number;
  readonly cacheDir?: string;
  readonly startTimeoutMs?: number;
  readonly heapMb?: number;
  /**
   * `quick` (the default, or `HUB_KAFKA_JIT=quick`): the JVM compiles with its first tier (C1)
   * only. A local broker lives for a test run or a session on a laptop, where the optimising
   * compiler (C2) spends more CPU compiling (a third of a core for minutes after start, on two
   * cores) than its faster code saves; measured in docs/benchmarks.md. `full` (or
   * `HUB_KAFKA_JIT=full`): the JVM's usual tiered compilation, for long runs.
   */
  readonly jit?: KafkaJit;
  /** Extra broker properties, e.g. a lower `broker.session.timeout.ms` for fault tests. */
  readonly extraProperties?: Readonly<Record<string, string | number>>;
  readonly env?: NodeJS.ProcessEnv;
}

/** A running local Kafka: a single node or a 3-node KRaft cluster on loopback. */
export class LocalKafka {
  private constructor(
    readonly nodes: readonly KafkaNode[],
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly startTimeoutMs: number,
  ) {}

  /** Every node's client address, for `brokers` in a client. */
  get brokers(): string[] {
    return this.nodes.map((n) => n.address);
  }

  get bootstrap(): string {
    return this.brokers.join(',');
  }

  /** Start a broker or cluster and resolve once a Kafka client can use every node. */
  static async start(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
    const count = options.nodes ?? 1;
    const jit = options.jit ?? jitFromEnv((options.env ?? process.env).HUB_KAFKA_JIT);
    checkJava(undefined);
    const libs = await ensureJars(options.cacheDir ?? defaultCacheDir(options.env));
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'gongkai-kafka-'));
    mkdirSync(dir, { recursive: true });
    // A kept folder keeps its cluster id, so a restarted broker finds its data again.
    const idFile = join(dir, 'cluster-id');
    const clusterId = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : newClusterId();
    writeFileSync(idFile, clusterId);
    const specs = [];
    for (let i = 0; i < count; i++) {
      const port = options.port !== undefined ? options.port + i * 2 : await freePort();
      const controllerPort = options.port !== undefined ? options.port + i * 2 + 1 : await freePort();
      specs.push({ nodeId: i + 1, port, controllerPort, dir: join(dir, `node-${i + 1}`) });
    }
    const voters = count > 1 ? specs.map((s) => `${s.nodeId}@127.0.0.1:${s.controllerPort}`).join(',') : undefined;
    const replication = count > 1 ? 3 : 1;
    const nodes = specs.map(
      (spec) =>
        new KafkaNode(spec, {
          libs,
          clusterId,
          ...(voters ? { voters } : {}),
          replication,
          minIsr: count > 1 ? 2 : 1,
          ...(options.heapMb ? { heapMb: options.heapMb } : {}),
          jit,
          ...(options.extraProperties ? { extraProperties: options.extraProperties } : {}),
          ...(options.env ? { env: options.env } : {}),
        }),
    );
    const kafka = new LocalKafka(nodes, dir, ownsDir, options.startTimeoutMs ?? 90_000);
    try {
      for (const node of nodes) node.prepare();
      // A cluster node cannot finish starting without a controller majority: start all at once.
      for (const node of nodes) node.start();
      await Promise.all(nodes.map((n) => n.waitForStartedLine(kafka.startTimeoutMs)));
      await kafka.waitUntilUsable(count);
      return kafka;
    } catch (err) {
      await kafka.stop();
      throw err;
    }
  }

  /** Restart one stopped or killed node (1-based id) and wait until the cluster sees it again. */
  async startNode(nodeId: number): Promise<void> {
    const node = this.node(nodeId);
    node.start();
    await node.waitForStartedLine(this.startTimeoutMs);
    await this.waitUntilUsable(this.nodes.length);
  }

  async stopNode(nodeId: number): Promise<void> {
    await this.node(nodeId).stop();
  }

  async killNode(nodeId: number): Promise<void> {
    await this.node(nodeId).kill();
  }

  node(nodeId: number): KafkaNode {
    const node = this.nodes.find((n) => n.spec.nodeId === nodeId);
    if (!node) throw new RangeError(`no Kafka node ${nodeId}; nodes are 1..${this.nodes.length}`);
    return node;
  }

  /** Stop every node (SIGTERM, SIGKILL after `graceMs`) and remove a temporary folder. */
  async stop(graceMs = 10_000): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop(graceMs)));
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** A metadata round trip that lists every node: the client-side readiness probe. */
  private async waitUntilUsable(expectedBrokers: number): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const admin = new Kafka({
        clientId: 'local-kafka-probe',
        brokers: this.nodes.filter((n) => n.running).map((n) => n.address),
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length >= expectedBrokers && cluster.controller !== null) return;
        last = new Error(`${cluster.brokers.length} of ${expectedBrokers} brokers registered`);
      } catch (err) {
        last = err;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new LocalKafkaError('NOT_READY', `Kafka did not become usable within ${this.startTimeoutMs} ms: ${String(last)}`, {}, { cause: last });
  }
}

/** 16 random bytes, base64url, as `kafka-storage random-uuid` makes; never starting with '-'. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jitFromEnv(value: string | undefined): KafkaJit {
  if (value === undefined || value === '' || value === 'quick') return 'quick';
  if (value === 'full') return 'full';
  throw new LocalKafkaError('START_FAILED', `HUB_KAFKA_JIT is '${value}'; it takes quick (the default) or full`);
}
