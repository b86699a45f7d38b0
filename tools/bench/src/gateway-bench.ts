#!/usr/bin/env node
/**
 * The gateway's benchmark (issue 4), each figure beside its baseline measured in the same run
 * on the same machine:
 *
 * - unary `Publish` against the gateway and against a bare grpc-js echo server of the same
 *   service definition, for each event size and number of calls in flight;
 * - `PublishBatch` (100 events per call) against the raw kafkajs producer sending the same
 *   Avro bytes with `sendBatch`, 100 per request, at the same number of calls in flight.
 *
 * Kafka is a local single node (tools/kafka) unless KAFKA_BROKERS names one. The gateway and
 * the echo server run as child processes, so the load generator has its own event loop.
 * Everything listens on 127.0.0.1 only, the run is bounded by BENCH_TIMEOUT, and every child
 * process is stopped at the end, on error and on Ctrl-C. Settings: see bench-config.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadIngestService, type ingestApi } from '@gongkai/contracts';
import { loadGatewayConfig } from '@gongkai/gateway';
import { KAFKA_VERSION, LocalKafka, freePort } from '@gongkai/local-kafka';
import { createKafka, createLogger, ensureTopics } from '@gongkai/runtime';
import type { Message, Producer } from 'kafkajs';
import { loadBenchConfig, type BenchConfig } from './bench-config';
import { readBatchAnswer } from './batch-answer';
import { BatchRequestBytes, encodedEvent, publishRequest, sizedDocument, type SizedDocument } from './bench-events';
import { startNodeChild, stopAllChildren } from './child-process';
import { atLeast, atMost, formatCount, formatMs, formatRatio, formatTable, type GoalCheck } from './latency-summary';
import { alternating, closedLoop, type LoopOptions, type LoopResult, type Measured } from './load-loop';
import { machine, publicConfig, runBench } from './bench-run';
import { CpuMeter, childPids, cpuPerEvent } from './process-cpu';

// kafkajs warns once per process that v2 changed its default partitioner; both sides use that default.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const REPO_ROOT = resolve(__dirname, '../../..');
const RAW_TOPIC = 'bench.raw-kafkajs';
/** Partitions of `disclosure` as the gateway creates it; the raw producer's topic gets as many. */
const PARTITIONS = 6;
/**
 * The local broker's properties for a run: it keeps `retainedMb` a partition and deletes older
 * segments within about a second, so its page cache stays near a gigabyte however long the run
 * is, as a long-running broker's stays within its machine's memory. Left to grow, the page cache
 * took new memory for every byte written, and on a virtual machine that hands free memory back to
 * its host (virtio-balloon's free page reporting, as here) new memory costs the guest 7–10 times
 * more kernel time than reused memory: `dd` wrote 1 GiB into the page cache in 0.16 s of system
 * time right after another file was deleted, and in 1.6–2.2 s once the freed memory had gone
 * back. The broker's cost per event then rose from about 8 µs to 13–16 µs over the first minute
 * or two of a run, and the raw kafkajs baseline fell with it, by how much depending on what had
 * run before (docs/benchmarks.md, twenty-sixth round). Nothing here reads the topics back.
 */
function brokerProperties(retainedMb: number): Record<string, number> {
  if (retainedMb === 0) return {};
  return { 'log.retention.bytes': retainedMb * 1024 * 1024, 'log.retention.check.interval.ms': 1000, 'log.segment.delete.delay.ms': 0 };
}

type IngestClient = InstanceType<ReturnType<typeof loadIngestService>['gongkai']['hub']['v1']['IngestService']>;

interface UnaryCell {
  readonly eventBytes: number;
  readonly inFlight: number;
  readonly echo: Measured;
  readonly gateway: Measured;
}

interface BatchCell {
  readonly inFlight: number;
  readonly gateway: Measured;
  readonly raw: Measured;
}

/** Runs one loop, metering the CPU of the server, Kafka and this process (the load generator) in its window. */
async function measure(options: LoopOptions, pids: { server: readonly number[]; kafka: readonly number[] }, aborted: Promise<never>): Promise<Measured> {
  const meter = new CpuMeter({ server: pids.server, kafka: pids.kafka, client: [process.pid] });
  let cpu: Record<string, number> = {};
  const result = await Promise.race([closedLoop({ ...options, onWindow: (edge) => (edge === 'open' ? meter.start() : (cpu = meter.stop())) }), aborted]);
  return { ...result, cpu };
}

const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

async function main(config: BenchConfig, work: string, aborted: Promise<never>): Promise<void> {
  if (config.BENCH_HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.BENCH_HEAP_GROWING_PERCENT}`);
  const logger = createLogger({ service: 'bench', level: 'warn' });
  let kafka: LocalKafka | undefined;
  const clients: IngestClient[] = [];
  let producer: Producer | undefined;
  try {
    let brokers = config.KAFKA_BROKERS;
    if (!brokers) {
      progress(`starting a local Kafka ${KAFKA_VERSION} (single node)`);
      kafka = await Promise.race([LocalKafka.start({ nodes: 1, dir: join(work, 'kafka'), extraProperties: brokerProperties(config.BENCH_KAFKA_RETENTION_MB) }), aborted]);
      brokers = kafka.brokers;
    }
    progress(`Kafka at ${brokers.join(',')}`);

    const logDir = config.BENCH_LOG_DIR ? resolve(config.BENCH_LOG_DIR) : work;
    mkdirSync(logDir, { recursive: true });
    const echo = startNodeChild('echo server', join(__dirname, 'echo-server.js'), {
      cwd: REPO_ROOT,
      env: baseEnv({ ECHO_PORT: '0', ECHO_RECEIVE_WINDOW_BYTES: String(loadGatewayConfig().GATEWAY_RECEIVE_WINDOW_BYTES) }),
      logFile: join(logDir, 'echo-server.log'),
    });
    const echoPort = (JSON.parse(await echo.waitForLine((l) => l.startsWith('{"port"'), 30_000)) as { port: number }).port;

    const gatewayPort = await freePort();
    const profileDir = config.BENCH_PROFILE_DIR ? resolve(config.BENCH_PROFILE_DIR) : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const gateway = startNodeChild('gateway', config.BENCH_GATEWAY_MAIN ? resolve(config.BENCH_GATEWAY_MAIN) : join(REPO_ROOT, 'services/gateway/dist/main.js'), {
      cwd: REPO_ROOT,
      env: baseEnv({
        KAFKA_BROKERS: brokers.join(','),
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_STATE_DIR: join(work, 'gateway-state'),
        GATEWAY_CALLERS_FILE: join(REPO_ROOT, 'deploy/dev/callers.yaml'),
        LOG_LEVEL: 'warn',
      }),
      logFile: join(logDir, 'gateway.log'),
      nodeArgs: [...(config.BENCH_GATEWAY_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    });

    const IngestService = loadIngestService().gongkai.hub.v1.IngestService;
    const echoClient = new IngestService(`127.0.0.1:${echoPort}`, credentials.createInsecure());
    const gatewayClient = new IngestService(`127.0.0.1:${gatewayPort}`, credentials.createInsecure());
    clients.push(echoClient, gatewayClient);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${config.BENCH_TOKEN}`);
    const runTag = Date.now().toString(36).slice(-6);

    progress('waiting for the gateway to publish');
    await Promise.race([untilGatewayPublishes(gatewayClient, metadata, sizedDocument(2048), runTag, 120_000, gateway.logFile), aborted]);

    const kafkaPids = kafka ? childPids(process.pid, 'kafka.Kafka') : [];
    const rounds = config.BENCH_ROUNDS;
    const durationMs = (config.BENCH_SECONDS * 1000) / rounds;
    // The first round of a cell warms up fully; later rounds only refill the pipeline.
    const cellRound = (round: number) => ({ warmupMs: round === 0 ? config.BENCH_WARMUP_SECONDS * 1000 : Math.max(1000, (config.BENCH_WARMUP_SECONDS * 1000) / rounds), durationMs });
    let seq = 0;
    // Both servers and this load generator compile their hot paths before anything is timed.
    progress('warming up the echo server, the gateway and the load generator (untimed)');
    const warmDoc = sizedDocument(2048);
    for (const client of [echoClient, gatewayClient]) {
      const warm = await Promise.race([
        closedLoop({ inFlight: 50, warmupMs: 5000, durationMs: 0, firstSeq: seq, call: (n) => publish(client, publishRequest(warmDoc, runTag, n), metadata, config.BENCH_CALL_DEADLINE) }),
        aborted,
      ]);
      seq = warm.nextSeq;
    }
    const unary: UnaryCell[] = [];
    for (const eventBytes of config.BENCH_EVENT_BYTES) {
      const doc = sizedDocument(eventBytes);
      for (const inFlight of config.BENCH_IN_FLIGHT) {
        const run = async (client: IngestClient, name: string, serverPid: number | undefined, latencies: number[], round: number): Promise<Measured> => {
          const result = await measure(
            { ...cellRound(round), inFlight, firstSeq: seq, latencies, call: (n) => publish(client, publishRequest(doc, runTag, n), metadata, config.BENCH_CALL_DEADLINE) },
            { server: serverPid === undefined ? [] : [serverPid], kafka: kafkaPids },
            aborted,
          );
          seq = result.nextSeq;
          progress(`Publish ${doc.avroBytes} B × ${inFlight} in flight → ${name}: ${formatCount(result.callsPerSecond)} calls/s, p99 ${formatMs(result.p99Ms)} ms${errorNote(result)}`);
          return result;
        };
        const [echoResult, gatewayResult] = await alternating(
          rounds,
          (latencies, round) => run(echoClient, 'echo', echo.process.pid, latencies, round),
          (latencies, round) => run(gatewayClient, 'gateway', gateway.process.pid, latencies, round),
        );
        unary.push({ eventBytes: doc.avroBytes, inFlight, echo: echoResult, gateway: gatewayResult });
      }
    }

    const batchDoc = sizedDocument(config.BENCH_BATCH_EVENT_BYTES);
    const batchSize = config.BENCH_BATCH_SIZE;
    const kafkaClients = createKafka({ brokers, clientId: 'gongkai-bench-raw', logger });
    await ensureTopics(kafkaClients.kafka, [{ topic: RAW_TOPIC, numPartitions: PARTITIONS }]);
    // The gateway's own producer settings (idempotent, acks=all, one request in flight per broker).
    producer = kafkaClients.producer();
    await producer.connect();
    const poolBatches = 64;
    const pool: Message[][] = Array.from({ length: poolBatches }, (_, b) =>
      Array.from({ length: batchSize }, (_, i) => {
        const e = encodedEvent(batchDoc, `${runTag}r`, b * batchSize + i);
        return { key: e.key, value: e.value, headers: e.headers };
      }),
    );
    const batchRequests = new BatchRequestBytes(batchDoc, `${runTag}b`, batchSize);
    const batches: BatchCell[] = [];
    let batchSeq = 0;
    for (const inFlight of config.BENCH_BATCH_IN_FLIGHT) {
      const rawProducer = producer;
      const [gatewayResult, rawResult] = await alternating(
        rounds,
        async (latencies, round) => {
          const result = await measure(
            {
              ...cellRound(round),
              inFlight,
              firstSeq: batchSeq,
              latencies,
              call: async (n) => {
                const request = batchRequests.bytes(n);
                await publishBatch(gatewayClient, request, batchSize, metadata, config.BENCH_CALL_DEADLINE);
                batchRequests.reuse(request);
              },
            },
            { server: gateway.process.pid === undefined ? [] : [gateway.process.pid], kafka: kafkaPids },
            aborted,
          );
          batchSeq = result.nextSeq;
          progress(`PublishBatch ${batchSize} × ${batchDoc.avroBytes} B, ${inFlight} in flight → gateway: ${formatCount(result.callsPerSecond * batchSize)} events/s${errorNote(result)}`);
          return result;
        },
        async (latencies, round) => {
          const result = await measure(
            { ...cellRound(round), inFlight, latencies, call: (n) => rawProducer.sendBatch({ acks: -1, topicMessages: [{ topic: RAW_TOPIC, messages: pool[n % poolBatches] ?? [] }] }) },
            { server: [], kafka: kafkaPids },
            aborted,
          );
          progress(`sendBatch ${batchSize} × ${batchDoc.avroBytes} B, ${inFlight} in flight → raw kafkajs: ${formatCount(result.callsPerSecond * batchSize)} events/s${errorNote(result)}`);
          return result;
        },
      );
      batches.push({ inFlight, gateway: gatewayResult, raw: rawResult });
    }

    report(config, brokers, kafka !== undefined, unary, batches, batchSize, batchDoc);
    if (config.BENCH_RESULTS_FILE) writeFileSync(config.BENCH_RESULTS_FILE, `${JSON.stringify({ machine: machine(), config: publicConfig(config), unary, batches }, null, 2)}\n`);
    if (profileDir) progress(`the gateway's CPU profile is written to ${profileDir} when it stops`);
  } finally {
    for (const c of clients) c.close();
    await producer?.disconnect().catch(() => undefined);
    await stopAllChildren();
    await kafka?.stop();
  }
}

function report(config: BenchConfig, brokers: readonly string[], localKafka: boolean, unary: UnaryCell[], batches: BatchCell[], batchSize: number, batchDoc: SizedDocument): void {
  const m = machine();
  const out: string[] = [];
  out.push('', `Gateway benchmark — ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, node ${m.node}, ${localKafka ? `Kafka ${KAFKA_VERSION} local single node${config.BENCH_KAFKA_RETENTION_MB > 0 ? `, keeping ${config.BENCH_KAFKA_RETENTION_MB} MiB a partition` : ''}` : `Kafka at ${brokers.join(',')}`}`);
  out.push(
    `each cell: ${config.BENCH_WARMUP_SECONDS} s warm-up, then ${config.BENCH_SECONDS} s measured, in ${config.BENCH_ROUNDS} round${config.BENCH_ROUNDS === 1 ? '' : 's'} alternating with its baseline; closed loop, every call a new event id`,
    '',
  );

  out.push('Unary Publish: gateway beside a bare grpc-js echo server');
  const unaryRows: string[][] = [];
  for (const c of unary) {
    for (const [name, r] of [['echo', c.echo], ['gateway', c.gateway]] as const) {
      unaryRows.push([`${c.eventBytes} B`, String(c.inFlight), name, formatCount(r.callsPerSecond), formatMs(r.p50Ms), formatMs(r.p99Ms), formatMs(r.maxMs), String(r.errors), ...cpuCells(r)]);
    }
    unaryRows.push(['', '', 'gateway/echo', formatRatio(c.gateway.callsPerSecond / c.echo.callsPerSecond), formatRatio(c.gateway.p50Ms / c.echo.p50Ms), formatRatio(c.gateway.p99Ms / c.echo.p99Ms), '', '', '', '', '', '']);
  }
  out.push(formatTable(['event', 'in flight', 'server', 'calls/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', ...CPU_HEADER], unaryRows), '');

  out.push(`PublishBatch: ${batchSize} events of ${batchDoc.avroBytes} B per call, beside raw kafkajs sendBatch of the same Avro bytes (${batchSize} per request)`);
  const batchRows: string[][] = [];
  for (const c of batches) {
    for (const [name, r] of [['raw kafkajs', c.raw], ['gateway', c.gateway]] as const) {
      const cost = cpuPerEvent(r.cpu, r.callsPerSecond * batchSize, m.cores);
      const costCells = cost ? [formatCount(cost.microseconds), formatCount(cost.ceiling)] : ['—', '—'];
      batchRows.push([String(c.inFlight), name, formatCount(r.callsPerSecond * batchSize), formatCount(r.callsPerSecond), formatMs(r.p50Ms), formatMs(r.p99Ms), String(r.errors), ...cpuCells(r), ...costCells]);
    }
    batchRows.push(['', 'gateway/raw', formatRatio(c.gateway.callsPerSecond / c.raw.callsPerSecond), '', formatRatio(c.gateway.p50Ms / c.raw.p50Ms), formatRatio(c.gateway.p99Ms / c.raw.p99Ms), '', '', '', '', '', '', '']);
  }
  out.push(formatTable(['in flight', 'producer', 'events/s', 'calls/s', 'p50 ms', 'p99 ms', 'errors', ...CPU_HEADER, 'µs CPU/event', 'ceiling/s'], batchRows), '');
  out.push(
    'CPU: % of one core in the measured window (200% = both cores) — the server process, the Kafka broker, this process (load generator;',
    'for raw kafkajs also the producer), and everything else on the machine (anything well above 0% means a busy neighbour skewed the cell)',
    `µs CPU/event: what each event cost the server, the broker and the load generator together; ceiling/s: events a second ${m.cores} fully`,
    'busy cores would carry at that cost (no scheduling reaches it; a goal above it needs a lower cost per event)',
    '',
  );

  const goals: { cell: string; check: GoalCheck; show: (n: number) => string }[] = [];
  for (const c of unary) {
    const cell = `Publish ${c.eventBytes} B, ${c.inFlight} in flight`;
    goals.push({ cell, check: atLeast('throughput gateway/echo', c.gateway.callsPerSecond / c.echo.callsPerSecond, 0.6), show: formatRatio });
    goals.push({ cell, check: atMost('p99 gateway/echo', c.gateway.p99Ms / c.echo.p99Ms, 2), show: formatRatio });
  }
  for (const c of batches) {
    const cell = `PublishBatch ${batchSize}×${batchDoc.avroBytes} B, ${c.inFlight} in flight`;
    goals.push({ cell, check: atLeast('events/s', c.gateway.callsPerSecond * batchSize, 20_000), show: formatCount });
    goals.push({ cell, check: atLeast('throughput gateway/raw kafkajs', c.gateway.callsPerSecond / c.raw.callsPerSecond, 0.6), show: formatRatio });
  }
  out.push('Goals');
  out.push(
    formatTable(
      ['cell', 'figure', 'measured', 'goal', 'result'],
      goals.map((g) => [g.cell, g.check.goal, g.show(g.check.measured), `${g.check.goal.startsWith('p99') ? '≤' : '≥'} ${g.show(g.check.limit)}`, g.check.pass ? 'PASS' : 'FAIL']),
    ),
  );
  const passed = goals.filter((g) => g.check.pass).length;
  out.push('', `${passed} of ${goals.length} goals met`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const CPU_HEADER = ['server CPU', 'Kafka CPU', 'client CPU', 'other CPU'];

function cpuCells(r: Measured): string[] {
  const pct = (n: number | undefined): string => (n === undefined ? '—' : `${Math.round(n)}%`);
  return [pct(r.cpu.server), pct(r.cpu.kafka), pct(r.cpu.client), pct(r.cpu.others)];
}

function errorNote(r: LoopResult): string {
  const kinds = Object.entries(r.errorKinds);
  return kinds.length === 0 ? '' : ` — errors: ${kinds.map(([k, n]) => `${n}× ${k}`).join('; ')}`;
}

/** The child's environment: only what node needs, any GATEWAY_* tuning given to the bench, plus the given variables. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_PATH', ...Object.keys(process.env).filter((k) => k.startsWith('GATEWAY_'))];
  return { ...Object.fromEntries(keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]]))), ...extra };
}

function publish(client: IngestClient, request: ingestApi.PublishRequest, metadata: Metadata, deadlineMs: number): Promise<ingestApi.PublishResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Publish(request, metadata.clone(), { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, value?: ingestApi.PublishResponse__Output) =>
      err || !value ? reject(err ?? new Error('empty response')) : resolve(value),
    );
  });
}

/**
 * One PublishBatch call, its request already encoded (BatchRequestBytes); every item must be
 * published. The answer is counted from its bytes (batch-answer.ts) and decoded only to say
 * what went wrong.
 */
async function publishBatch(client: IngestClient, request: Buffer, items: number, metadata: Metadata, deadlineMs: number): Promise<void> {
  const method = client.constructor as unknown as { service: { PublishBatch: { path: string; responseDeserialize: (b: Buffer) => ingestApi.PublishBatchResponse__Output } } };
  const { path, responseDeserialize } = method.service.PublishBatch;
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, request, metadata.clone(), { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, value?: Buffer) =>
      err || !value ? reject(err ?? new Error('empty response')) : resolve(value),
    );
  });
  const answer = readBatchAnswer(bytes);
  if (answer.results === items && answer.published === items) return;
  const response = responseDeserialize(bytes);
  const refused = response.results.filter((r) => !r.published);
  if (refused.length > 0) throw new Error(`${refused.length} of ${items} batch items refused: ${refused[0]?.error?.message ?? ''}`);
  throw new Error(`${response.results.length} results for ${items} batch items`);
}

/** Publishes until the gateway answers OK: it serves once Kafka and its topic are there. */
async function untilGatewayPublishes(client: IngestClient, metadata: Metadata, doc: SizedDocument, tag: string, timeoutMs: number, logFile: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (let n = 0; Date.now() < until; n++) {
    try {
      await publish(client, publishRequest(doc, `${tag}w`, n), metadata, 3000);
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`the gateway did not accept an event within ${timeoutMs} ms (last: ${String((last as Error | undefined)?.message ?? last)}); see ${logFile}`);
}

runBench('bench', loadBenchConfig, main);
