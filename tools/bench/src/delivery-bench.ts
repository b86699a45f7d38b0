#!/usr/bin/env node
/**
 * End to end (issue 6): from a `Publish` call on the gateway to the article on the government
 * website, at a sustained rate. Goal: p99 ≤ 250 ms at 1,000 events/s on this machine.
 *
 * Every part of the pipeline is a real process, wired as `npm start` wires them: Kafka (a local
 * single node unless KAFKA_BROKERS names one), the gateway, the review service, the website
 * CMS sandbox and the website channel on the delivery engine. The bench publishes the contracts'
 * sample `document.published` under a new publication id per call, open loop (calls are started
 * by the clock, not by answers), spread over the catalogue items that each route to exactly one
 * website column. An event's latency is from the start of its `Publish` call to the time the
 * sandbox logged the first 2xx answer to the PUT of its article (it logs after storing). What
 * has not reached the site BENCH_DRAIN_SECONDS after a cell's last call is counted as lost.
 *
 * After the run, the CreateTime of each event's records on `disclosure` and `released`, and the
 * start of its delivery on its `delivery.outcome`, split the latency by hop. Everything listens
 * on 127.0.0.1 only, the run is bounded by BENCH_TIMEOUT, and every child is stopped at the end,
 * on error and on Ctrl-C. Settings: delivery-bench-config.ts; GATEWAY_*, REVIEW_*, DELIVERY_*
 * and WEBSITE_* variables given to the bench reach the services, to try their tuning.
 *
 *   npm run bench:delivery -w @gongkai/bench
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { KafkaMessage } from 'kafkajs';
import { TOPICS, decodeEvent, eventDataToProto, loadIngestService, type EventData, type ingestApi } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { KAFKA_VERSION, LocalKafka, freePort } from '@gongkai/local-kafka';
import { loadRouting, planRoute } from '@gongkai/review';
import { createKafka, createLogger, type KafkaClients } from '@gongkai/runtime';
import { eventId, publicationId, seqOfIdDigits } from './bench-events';
import { startNodeChild, stopAllChildren, type NodeChild } from './child-process';
import { loadDeliveryBenchConfig, type DeliveryBenchConfig } from './delivery-bench-config';
import { atMost, formatCount, formatMs, formatTable, percentile, summarize, type CellSummary } from './latency-summary';
import { openLoop, type OpenLoopResult } from './open-loop';
import { machine, publicConfig, runBench } from './bench-run';
import { CpuMeter } from './process-cpu';
import { createTime, recordsByKey } from './record-times';

// kafkajs warns once per process that v2 changed its default partitioner.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const REPO_ROOT = resolve(__dirname, '../../..');
const ROUTING_FILE = join(REPO_ROOT, 'services/review/config/routing.yaml');
const ARTICLES_PATH = '/api/v1/articles/';
/** The goal of issue 6: p99 at this rate, every event asked for on the site. */
const GOAL = { ratePerSecond: 1000, p99Ms: 250 };

/**
 * The 主动公开事项目录 (proactive-disclosure catalogue) items whose documents go to one website
 * column each (services/review/config/routing.yaml). Real publications spread over the
 * catalogue; one column would also meet the delivery engine's per-target rate limit
 * (DELIVERY_TARGET_RATE, 200 calls/s), which is a different benchmark.
 */
const CATALOGUE_ITEMS = [
  { code: 'ZDGK-01-01', name: '规章' },
  { code: 'ZDGK-01-02', name: '行政规范性文件' },
  { code: 'ZDGK-01-03', name: '其他文件' },
  { code: 'ZDGK-02-01', name: '机构职能' },
  { code: 'ZDGK-03-01', name: '规划信息' },
  { code: 'ZDGK-04-01', name: '预决算' },
  { code: 'ZDGK-05-01', name: '行政执法公示' },
  { code: 'ZDGK-06-01', name: '人事信息' },
  { code: 'ZDGK-07-01', name: '教育' },
  { code: 'ZDGK-07-02', name: '医疗卫生' },
  { code: 'ZDGK-07-03', name: '生态环境' },
  { code: 'ZDGK-07-04', name: '就业创业' },
  { code: 'ZDGK-07-05', name: '公共企事业单位' },
  { code: 'ZDGK-08-01', name: '收费目录清单' },
] as const;

type IngestClient = InstanceType<ReturnType<typeof loadIngestService>['gongkai']['hub']['v1']['IngestService']>;
type Document = EventData<'document.published'>;

/** One catalogue item's document, ready to publish under any publication id, and the column it must reach. */
interface Template {
  readonly catalogueItem: string;
  readonly column: string;
  readonly proto: Record<string, unknown>;
}

/** Latency percentiles of one hop (ms). */
interface Hop {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface Cell {
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** Measured events the gateway accepted, per second of the window. */
  readonly acceptedPerSecond: number;
  readonly accepted: number;
  readonly notSent: number;
  /** Calls that failed, and of those the events that never reached the site either. */
  readonly errors: number;
  readonly failedUnpublished: number;
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Measured events that reached the site (their latencies are `endToEnd`), and accepted ones that did not. */
  readonly published: number;
  readonly lost: number;
  readonly endToEnd: CellSummary;
  /** The same over the events of the window's second half. */
  readonly secondHalf: CellSummary;
  /** The Publish calls' own answers. */
  readonly answers: CellSummary;
  readonly maxStartLagMs: number;
  /** % of one core per process over the measured window. */
  readonly cpu: Readonly<Record<string, number>>;
  /**
   * CPU ms per event of each process, from the cell's first call (warm-up included) until its
   * last event was on the site, over the cell's events on the site: what an event costs, which
   * neither a backlog nor a busy neighbour shifts much.
   */
  readonly cpuMsPerEvent?: Readonly<Record<string, number>>;
  /** Per second of the window (by when the call was due): p50, p99 and max latency of its events on the site (JSON only). */
  readonly timeline: readonly { readonly second: number; readonly events: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }[];
  /** Sequence numbers of the measured slots, `[from, to)`. */
  readonly measuredSeqs: readonly [number, number];
  /** Filled in after the run when BENCH_STAGES is on. */
  stages?: Stages;
}

/** An event's way through the pipeline, hop by hop, over a cell's published events that every record was found for. */
interface Stages {
  readonly events: number;
  readonly hops: {
    /** Call start → CreateTime on `disclosure`: gRPC and the gateway, up to its produce request. */
    readonly gateway: Hop;
    /** → CreateTime on `released`: that produce, the review's fetch and review, up to its produce request. */
    readonly review: Hop;
    /** → the website channel beginning the delivery: that produce, the channel's fetch, waiting for its turn. */
    readonly queued: Hop;
    /** → the article stored: the engine's bookkeeping, the rate limit, the signed PUT, the CMS. */
    readonly call: Hop;
    /** Article stored → its outcome written to `delivery` (not part of the latency: the rest of its batch). */
    readonly outcome: Hop;
  };
}

/** What each event went through; indexed by the sequence number of its slot in the schedule. */
class EventLedger {
  readonly startedAt: Float64Array;
  readonly accepted: Uint8Array;
  readonly storedAt: Float64Array;
  /** PUTs of bench articles the CMS answered with other than 2xx. */
  cmsRefusals = 0;

  constructor(
    readonly runTag: string,
    size: number,
  ) {
    this.startedAt = new Float64Array(size).fill(Number.NaN);
    this.accepted = new Uint8Array(size);
    this.storedAt = new Float64Array(size).fill(Number.NaN);
  }

  publicationId(seq: number): string {
    return publicationId(this.runTag, seq);
  }

  /** The sequence number of a publication id of this run, or undefined. */
  seqOf(id: string): number | undefined {
    const prefix = `bench-pub-${this.runTag}-`;
    if (!id.startsWith(prefix)) return undefined;
    const seq = seqOfIdDigits(id.slice(prefix.length));
    return seq !== undefined && seq < this.storedAt.length ? seq : undefined;
  }

  /** Events of `[from, to)` on the site. */
  published(from: number, to: number): number {
    let n = 0;
    for (let s = from; s < to; s++) if (!Number.isNaN(this.storedAt[s])) n++;
    return n;
  }

  /** Accepted events of `[from, to)` not yet on the site. */
  unpublished(from: number, to: number): number {
    let n = 0;
    for (let s = from; s < to; s++) if (this.accepted[s] === 1 && Number.isNaN(this.storedAt[s])) n++;
    return n;
  }
}

const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** Resolves after `ms`, or rejects with the run's abort. */
const sleep = (ms: number, aborted: Promise<never>): Promise<void> => Promise.race([new Promise<void>((r) => setTimeout(r, ms)), aborted]);

/** Documents for each catalogue item, each checked against the routing file to reach exactly one website column, all different. */
function templates(): Template[] {
  const routing = loadRouting(ROUTING_FILE);
  const base = sampleEvents()['document.published'];
  const seen = new Set<string>();
  return CATALOGUE_ITEMS.map(({ code, name }) => {
    const data: Document = { ...base, catalogueItem: { code, name } };
    const website = planRoute({ type: 'document.published', data }, routing).filter((t) => t.channel === 'website');
    const column = website[0]?.target;
    if (website.length !== 1 || column === undefined || seen.has(column)) {
      throw new Error(`${ROUTING_FILE}: catalogue item ${code} must route to exactly one website column of its own (it routes to ${website.map((t) => t.target).join(', ') || 'none'})`);
    }
    seen.add(column);
    return { catalogueItem: code, column, proto: eventDataToProto('document.published', data) };
  });
}

/**
 * Follows the sandbox's log (LOG_LEVEL=debug: one line per API call, written after the answer)
 * and tells `onPut` of each PUT of an article: its id, the status answered and the time of the line.
 */
function followCmsLog(sandbox: NodeChild, onPut: (articleId: string, status: number, atMs: number) => void): void {
  let buffered = '';
  sandbox.process.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.includes('"api call"') || !line.includes('"PUT"')) continue;
      let entry: { method?: unknown; path?: unknown; status?: unknown; time?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.method !== 'PUT' || typeof entry.path !== 'string' || !entry.path.startsWith(ARTICLES_PATH) || typeof entry.time !== 'string') continue;
      const at = Date.parse(entry.time);
      if (Number.isFinite(at)) onPut(decodeURIComponent(entry.path.slice(ARTICLES_PATH.length)), typeof entry.status === 'number' ? entry.status : 0, at);
    }
  });
}

async function main(config: DeliveryBenchConfig, work: string, aborted: Promise<never>): Promise<void> {
  const logger = createLogger({ service: 'bench', level: 'warn' });
  let kafka: LocalKafka | undefined;
  let client: IngestClient | undefined;
  try {
    const docs = templates();
    progress(`${docs.length} catalogue items, each to one website column (${docs.map((d) => d.column).join(', ')})`);

    let brokers = config.KAFKA_BROKERS;
    if (!brokers) {
      progress(`starting a local Kafka ${KAFKA_VERSION} (single node)`);
      kafka = await Promise.race([LocalKafka.start({ nodes: 1, dir: join(work, 'kafka') }), aborted]);
      brokers = kafka.brokers;
    }
    const bootstrap = brokers.join(',');
    progress(`Kafka at ${bootstrap}`);

    // Four different free ports (a port just released may be offered again).
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [gatewayPort, reviewPort, websitePort, controlPort] = [...ports] as [number, number, number, number];
    const runTag = Date.now().toString(36).slice(-6);
    const profileDir = config.BENCH_PROFILE_DIR ? resolve(config.BENCH_PROFILE_DIR) : undefined;
    const start = (name: string, script: string, env: Record<string, string>): NodeChild =>
      startNodeChild(name, join(REPO_ROOT, script), {
        cwd: REPO_ROOT,
        env: { ...baseEnv(), LOG_LEVEL: 'warn', ...env },
        logFile: join(work, `${name}.log`),
        nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [],
      });

    // The sandbox logs each API call at debug, after answering it: that line is when the article was stored.
    const sandbox = start('sandbox', 'tools/sandbox/dist/main.js', { SANDBOX_WEBSITE_PORT: String(websitePort), SANDBOX_CONTROL_PORT: String(controlPort), LOG_LEVEL: 'debug' });
    const gateway = start('gateway', 'services/gateway/dist/main.js', {
      KAFKA_BROKERS: bootstrap,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_STATE_DIR: join(work, 'gateway-state'),
      GATEWAY_CALLERS_FILE: join(REPO_ROOT, 'deploy/dev/callers.yaml'),
    });
    const review = start('review', 'services/review/dist/main.js', {
      KAFKA_BROKERS: bootstrap,
      REVIEW_STATE_DIR: join(work, 'review-state'),
      REVIEW_GRPC_HOST: '127.0.0.1',
      REVIEW_GRPC_PORT: String(reviewPort),
      REVIEW_GROUP_ID: `review-bench-${runTag}`,
    });
    const website = start('website', 'services/channels/website/dist/main.js', {
      KAFKA_BROKERS: bootstrap,
      DELIVERY_STATE_DIR: join(work, 'delivery-state'),
      DELIVERY_GROUP_PREFIX: `delivery-bench-${runTag}`,
      WEBSITE_CMS_URL: `http://127.0.0.1:${websitePort}`,
    });

    const totalSlots = config.BENCH_RATES.reduce((n, rate) => n + Math.round(rate * config.BENCH_WARMUP_SECONDS) + Math.round(rate * config.BENCH_SECONDS), 0);
    const ledger = new EventLedger(runTag, totalSlots);
    const readyTag = `${runTag}w`;
    const readyStored = new Set<string>();
    followCmsLog(sandbox, (articleId, status, at) => {
      // Article ids are `<publication id>~<column with dots>` (the website adapter's articleIdOf).
      const tilde = articleId.indexOf('~');
      const id = tilde < 0 ? articleId : articleId.slice(0, tilde);
      const seq = ledger.seqOf(id);
      if (status < 200 || status > 299) {
        if (seq !== undefined) ledger.cmsRefusals += 1;
        return;
      }
      if (seq !== undefined) {
        if (Number.isNaN(ledger.storedAt[seq])) ledger.storedAt[seq] = at;
      } else if (id.startsWith(`bench-pub-${readyTag}-`)) readyStored.add(id);
    });

    const IngestService = loadIngestService().gongkai.hub.v1.IngestService;
    const gatewayClient = new IngestService(`127.0.0.1:${gatewayPort}`, credentials.createInsecure());
    client = gatewayClient;
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${config.BENCH_TOKEN}`);
    const request = (tag: string, seq: number): ingestApi.PublishRequest => {
      const doc = docs[seq % docs.length] as Template;
      return { eventId: eventId(tag, seq), source: '/gongkai/bench', document: { ...doc.proto, publicationId: publicationId(tag, seq) } };
    };

    // Ready when one event of every catalogue item has gone all the way: the gateway has its
    // topic, review and the website channel have joined their groups, every column answers.
    progress('waiting for the pipeline: one event per catalogue item, Publish to the website');
    await Promise.race([untilPipelineDelivers(gatewayClient, metadata, docs.length, (n) => request(readyTag, n), () => readyStored.size, 180_000, work), aborted]);
    progress('the pipeline delivers');

    const pids = {
      gateway: [gateway.process.pid ?? 0],
      review: [review.process.pid ?? 0],
      website: [website.process.pid ?? 0],
      sandbox: [sandbox.process.pid ?? 0],
      kafka: kafka ? kafka.nodes.map((n) => n.pid ?? 0) : [],
      bench: [process.pid],
    };
    const cells: Cell[] = [];
    let seq = 0;
    for (const rate of config.BENCH_RATES) {
      const meter = new CpuMeter(pids);
      let cpu: Record<string, number> = {};
      // CPU from the cell's first call to its last article, for the cost of an event whatever the backlog.
      const whole = new CpuMeter(pids);
      const cellStarted = performance.now();
      whole.start();
      progress(`${formatCount(rate)} events/s: ${config.BENCH_WARMUP_SECONDS} s warm-up, then ${config.BENCH_SECONDS} s measured`);
      const loop: OpenLoopResult = await Promise.race([
        openLoop({
          ratePerSecond: rate,
          warmupMs: config.BENCH_WARMUP_SECONDS * 1000,
          durationMs: config.BENCH_SECONDS * 1000,
          maxInFlight: config.BENCH_MAX_IN_FLIGHT,
          firstSeq: seq,
          call: async (n) => {
            ledger.startedAt[n] = Date.now();
            await publish(gatewayClient, request(runTag, n), metadata, config.BENCH_CALL_DEADLINE);
            ledger.accepted[n] = 1;
          },
          onWindow: (edge) => (edge === 'open' ? meter.start() : (cpu = meter.stop())),
        }),
        aborted,
      ]);
      // Stragglers: wait for every event of the cell (warm-up too, so the next cell starts on an empty pipeline).
      const drainUntil = Date.now() + config.BENCH_DRAIN_SECONDS * 1000;
      while (ledger.unpublished(seq, loop.nextSeq) > 0 && Date.now() < drainUntil) await sleep(100, aborted);
      const elapsedMs = performance.now() - cellStarted;
      const events = ledger.published(seq, loop.nextSeq);
      const cpuMsPerEvent = Object.fromEntries(Object.entries(whole.stop()).map(([name, pct]) => [name, ((pct / 100) * elapsedMs) / Math.max(1, events)]));
      const cell = { ...summarizeCell(ledger, rate, config.BENCH_SECONDS, loop, cpu), cpuMsPerEvent };
      cells.push(cell);
      seq = loop.nextSeq;
      progress(
        `${formatCount(rate)} events/s: ${formatCount(cell.acceptedPerSecond)} accepted/s, p50 ${formatMs(cell.endToEnd.p50Ms)} ms, p99 ${formatMs(cell.endToEnd.p99Ms)} ms (2nd half ${formatMs(cell.secondHalf.p99Ms)} ms), ` +
          `${formatCount(cell.published)} published, ${formatCount(cell.lost)} lost, ${formatCount(cell.notSent)} not sent` +
          `${errorNote(loop.errorKinds)}${loop.maxStartLagMs > 50 ? `; the load generator lagged its schedule by up to ${formatMs(loop.maxStartLagMs)} ms` : ''}`,
      );
    }
    if (ledger.cmsRefusals > 0) progress(`the CMS refused ${ledger.cmsRefusals} PUTs of bench articles (see ${sandbox.logFile})`);

    if (config.BENCH_STAGES) {
      progress('reading when each event reached disclosure, released and its delivery');
      const clients = createKafka({ brokers, clientId: 'gongkai-bench-stages', logger });
      await Promise.race([addStages(clients, ledger, cells, runTag), aborted]);
    }

    report(config, brokers, kafka !== undefined, cells, docs.length);
    if (config.BENCH_RESULTS_FILE) writeFileSync(config.BENCH_RESULTS_FILE, `${JSON.stringify({ machine: machine(), config: publicConfig(config), cells }, null, 2)}\n`);
    if (profileDir) progress(`CPU profiles of the pipeline's processes are written to ${profileDir} as they stop`);
  } finally {
    client?.close();
    await stopAllChildren();
    await kafka?.stop();
  }
}

function summarizeCell(ledger: EventLedger, rate: number, seconds: number, loop: OpenLoopResult, cpu: Record<string, number>): Cell {
  const latencies: number[] = [];
  let accepted = 0;
  let lost = 0;
  let failedUnpublished = 0;
  for (let s = loop.firstMeasuredSeq; s < loop.nextSeq; s++) {
    const started = ledger.startedAt[s] as number;
    if (Number.isNaN(started)) continue; // not sent
    const stored = ledger.storedAt[s] as number;
    if (ledger.accepted[s] === 1) accepted++;
    // A call that failed (a deadline) may still have been published: its latency counts all the same.
    if (!Number.isNaN(stored)) latencies.push(stored - started);
    else if (ledger.accepted[s] === 1) lost++;
    else failedUnpublished++;
  }
  const endToEnd = summarize(latencies, seconds * 1000);
  // The second half of the window: the steady state, once warm-up effects (JIT, first fetches) have passed.
  const half = loop.firstMeasuredSeq + Math.floor((loop.nextSeq - loop.firstMeasuredSeq) / 2);
  const laterHalf: number[] = [];
  for (let s = half; s < loop.nextSeq; s++) {
    const stored = ledger.storedAt[s] as number;
    if (!Number.isNaN(stored)) laterHalf.push(stored - (ledger.startedAt[s] as number));
  }
  return {
    secondHalf: summarize(laterHalf, (seconds * 1000) / 2),
    timeline: timeline(ledger, loop.firstMeasuredSeq, loop.nextSeq, rate),
    ratePerSecond: rate,
    seconds,
    acceptedPerSecond: accepted / seconds,
    accepted,
    notSent: loop.notSent,
    errors: loop.errors,
    failedUnpublished,
    errorKinds: loop.errorKinds,
    published: endToEnd.calls,
    lost,
    endToEnd,
    answers: loop.answers,
    maxStartLagMs: loop.maxStartLagMs,
    cpu,
    measuredSeqs: [loop.firstMeasuredSeq, loop.nextSeq],
  };
}

/** The latencies of `[from, to)` second by second of the schedule: whether they rose steadily (a backlog) or in bursts (stalls). */
function timeline(ledger: EventLedger, from: number, to: number, rate: number): Cell['timeline'] {
  const out: Cell['timeline'][number][] = [];
  for (let first = from, second = 0; first < to; first += rate, second++) {
    const values: number[] = [];
    for (let s = first; s < Math.min(to, first + rate); s++) {
      const stored = ledger.storedAt[s] as number;
      if (!Number.isNaN(stored)) values.push(stored - (ledger.startedAt[s] as number));
    }
    const summary = summarize(values, 1000);
    out.push({ second, events: summary.calls, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms, maxMs: summary.maxMs });
  }
  return out;
}

/** When one delivery's attempt began, from its `delivery.outcome` record. */
function attemptedAtOf(message: KafkaMessage): number | undefined {
  const event = decodeEvent(message);
  return event.type === 'delivery.outcome' && event.data.outcome === 'PUBLISHED' ? event.data.attemptedAt.getTime() : undefined;
}

/**
 * Splits each cell's published events' latency by hop: their CreateTime on `disclosure`
 * (written by the gateway) and `released` (by the review), and the time the website channel
 * began the delivery (`attemptedAt` of its `delivery.outcome`, whose own CreateTime also says
 * how long after the article the outcome was written).
 */
async function addStages(clients: KafkaClients, ledger: EventLedger, cells: Cell[], runTag: string): Promise<void> {
  const keys = new Set<string>();
  for (let s = 0; s < ledger.storedAt.length; s++) if (!Number.isNaN(ledger.storedAt[s])) keys.add(ledger.publicationId(s));
  const read = <T>(topic: string, pick: (message: KafkaMessage) => T | undefined) =>
    recordsByKey(clients, topic, keys, { groupId: `bench-stages-${runTag}-${topic}`, timeoutMs: 120_000, pick });
  const disclosed = await read(TOPICS.disclosure, createTime);
  const released = await read(TOPICS.released, createTime);
  const outcomes = await read(TOPICS.delivery, (m) => {
    const attemptedAt = attemptedAtOf(m);
    return attemptedAt === undefined ? undefined : { attemptedAt, writtenAt: createTime(m) };
  });
  for (const cell of cells) {
    const [first, end] = cell.measuredSeqs;
    const hops: Record<keyof Stages['hops'], number[]> = { gateway: [], review: [], queued: [], call: [], outcome: [] };
    for (let s = first; s < end; s++) {
      const stored = ledger.storedAt[s] as number;
      if (Number.isNaN(stored)) continue;
      const id = ledger.publicationId(s);
      const d = disclosed.get(id);
      const r = released.get(id);
      const o = outcomes.get(id);
      if (d === undefined || r === undefined || o === undefined) continue;
      hops.gateway.push(d - (ledger.startedAt[s] as number));
      hops.review.push(r - d);
      hops.queued.push(o.attemptedAt - r);
      hops.call.push(stored - o.attemptedAt);
      hops.outcome.push(o.writtenAt - stored);
    }
    const hop = (values: number[]): Hop => {
      const sorted = Float64Array.from(values).sort();
      return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
    };
    cell.stages = {
      events: hops.gateway.length,
      hops: { gateway: hop(hops.gateway), review: hop(hops.review), queued: hop(hops.queued), call: hop(hops.call), outcome: hop(hops.outcome) },
    };
  }
}

function report(config: DeliveryBenchConfig, brokers: readonly string[], localKafka: boolean, cells: readonly Cell[], columns: number): void {
  const m = machine();
  const out: string[] = [];
  out.push('', `Delivery end to end — ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, node ${m.node}, ${localKafka ? `Kafka ${KAFKA_VERSION} local single node` : `Kafka at ${brokers.join(',')}`}`);
  out.push(
    `Publish (gRPC, gateway) → review → released → website channel → sandbox CMS article; open loop, sample document.published over ${columns} catalogue items / website columns`,
    `each cell: ${config.BENCH_WARMUP_SECONDS} s warm-up, then ${config.BENCH_SECONDS} s measured; stragglers waited for ${config.BENCH_DRAIN_SECONDS} s; at most ${formatCount(config.BENCH_MAX_IN_FLIGHT)} calls in flight`,
    '',
  );
  const pct = (n: number | undefined): string => (n === undefined ? '—' : `${Math.round(n)}%`);
  out.push(
    formatTable(
      ['rate asked', 'accepted/s', 'not sent', 'errors', 'published', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'p99 2nd half', 'ack p99 ms', 'gateway', 'review', 'website', 'sandbox', 'Kafka', 'bench', 'other'],
      cells.map((c) => [
        `${formatCount(c.ratePerSecond)}/s`,
        formatCount(c.acceptedPerSecond),
        formatCount(c.notSent),
        formatCount(c.errors),
        formatCount(c.published),
        formatCount(c.lost),
        formatMs(c.endToEnd.p50Ms),
        formatMs(c.endToEnd.p99Ms),
        formatMs(c.endToEnd.maxMs),
        formatMs(c.secondHalf.p99Ms),
        formatMs(c.answers.p99Ms),
        pct(c.cpu.gateway),
        pct(c.cpu.review),
        pct(c.cpu.website),
        pct(c.cpu.sandbox),
        pct(c.cpu.kafka),
        pct(c.cpu.bench),
        pct(c.cpu.others),
      ]),
    ),
    '',
    'latency: from the start of the Publish call to the sandbox storing the article (its log line after the first 2xx PUT), over every',
    'measured event on the site; not sent: its turn came with the most calls in flight; errors: failed calls (some of which may still',
    'have reached the site); lost: accepted, not on the site after the wait. p99 2nd half: over the events of the window\'s second',
    'half (the steady state, or how far a backlog has grown). ack p99: the Publish calls\' own answers.',
    'CPU: % of one core in the measured window (200% = both cores) — each process of the pipeline, this process (load generator),',
    'and everything else on the machine ("other": well above 0% means a busy neighbour)',
    '',
  );

  const costed = cells.filter((c) => c.cpuMsPerEvent);
  if (costed.length > 0) {
    const names = ['gateway', 'review', 'website', 'sandbox', 'kafka', 'bench'] as const;
    const ms = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(2));
    out.push('CPU per event, ms (from the cell\'s first call to its last article, over its events on the site, warm-up included)');
    out.push(
      formatTable(
        ['rate asked', ...names.map((n) => (n === 'kafka' ? 'Kafka' : n)), 'all', '(other)'],
        costed.map((c) => {
          const cost = c.cpuMsPerEvent!;
          const all = names.reduce<number | undefined>((a, n) => (a === undefined || cost[n] === undefined ? undefined : a + cost[n]), 0);
          return [`${formatCount(c.ratePerSecond)}/s`, ...names.map((n) => ms(cost[n])), ms(all), ms(cost.others)];
        }),
      ),
      '',
      `${formatCount(GOAL.ratePerSecond)} events/s on ${m.cores} cores leaves ${formatMs((m.cores * 1000) / GOAL.ratePerSecond)} ms of CPU per event for all of them together.`,
      '',
    );
  }

  const staged = cells.filter((c) => c.stages);
  if (staged.length > 0) {
    out.push('Where the time goes, ms (CreateTime of each event\'s records on disclosure and released; attemptedAt of its delivery.outcome)');
    const cellsOf = (h: Hop): string[] => [formatMs(h.p50Ms), formatMs(h.p99Ms)];
    out.push(
      formatTable(
        ['rate asked', 'events', 'gateway p50', 'p99', 'review p50', 'p99', 'channel queue p50', 'p99', 'PUT p50', 'p99', '(outcome after p50', 'p99)'],
        staged.map((c) => {
          const { hops } = c.stages!;
          return [`${formatCount(c.ratePerSecond)}/s`, formatCount(c.stages!.events), ...cellsOf(hops.gateway), ...cellsOf(hops.review), ...cellsOf(hops.queued), ...cellsOf(hops.call), ...cellsOf(hops.outcome)];
        }),
      ),
      '',
      'gateway: call start → its record on disclosure; review: → its record on released; channel queue: → the website channel begins',
      'its delivery (fetch, waiting for the batches before it); PUT: → article stored (bookkeeping, rate limit, signed call, CMS);',
      'outcome after: article stored → its delivery.outcome written, i.e. the rest of its batch (not part of the latency)',
      '',
    );
  }

  out.push('Goal');
  const cell = cells.find((c) => c.ratePerSecond === GOAL.ratePerSecond);
  if (!cell) {
    out.push(`p99 ≤ ${GOAL.p99Ms} ms at ${formatCount(GOAL.ratePerSecond)} events/s: not measured (BENCH_RATES has no ${GOAL.ratePerSecond})`);
  } else {
    // A lost or unsent event is later than any p99: the goal needs every event asked for on the site.
    const check = atMost('p99', cell.endToEnd.p99Ms, GOAL.p99Ms);
    const complete = cell.lost === 0 && cell.notSent === 0 && cell.failedUnpublished === 0;
    const why = complete
      ? ''
      : ` (${formatCount(cell.lost)} lost, ${formatCount(cell.notSent)} not sent, ${formatCount(cell.failedUnpublished)} failed calls not on the site: every event asked for must reach it)`;
    out.push(
      `p99 ≤ ${GOAL.p99Ms} ms at ${formatCount(GOAL.ratePerSecond)} events/s for ${cell.seconds} s: ${formatMs(check.measured)} ms${why} ${check.pass && complete ? 'PASS' : 'FAIL'}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function errorNote(kinds: Readonly<Record<string, number>>): string {
  const entries = Object.entries(kinds);
  return entries.length === 0 ? '' : ` — errors: ${entries.map(([k, n]) => `${n}× ${k}`).join('; ')}`;
}

/**
 * The children's environment: only what node needs, and any tuning of the services given to the
 * bench (GATEWAY_*, REVIEW_*, DELIVERY_*, WEBSITE_*, e.g. DELIVERY_PARTITIONS_CONCURRENTLY); each
 * child's own addresses, state folders and groups are set by the bench over them.
 */
function baseEnv(): Record<string, string> {
  const tuning = /^(GATEWAY|REVIEW|DELIVERY|WEBSITE)_/;
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_PATH', ...Object.keys(process.env).filter((k) => tuning.test(k))];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])));
}

function publish(client: IngestClient, request: ingestApi.PublishRequest, metadata: Metadata, deadlineMs: number): Promise<ingestApi.PublishResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Publish(request, metadata.clone(), { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, value?: ingestApi.PublishResponse__Output) =>
      err || !value ? reject(err ?? new Error('empty response')) : resolve(value),
    );
  });
}

/** Publishes `count` events (retrying each until the gateway takes it) and waits until `stored()` counts them all on the site. */
async function untilPipelineDelivers(
  client: IngestClient,
  metadata: Metadata,
  count: number,
  request: (n: number) => ingestApi.PublishRequest,
  stored: () => number,
  timeoutMs: number,
  work: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (let n = 0; n < count; ) {
    if (Date.now() > until) throw new Error(`the gateway did not accept an event within ${timeoutMs} ms (last: ${String((last as Error | undefined)?.message ?? last)}); see ${work}/gateway.log`);
    try {
      await publish(client, request(n), metadata, 3000);
      n++;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  while (stored() < count) {
    if (Date.now() > until) throw new Error(`${stored()} of ${count} events reached the website within ${timeoutMs} ms; see the logs in ${work}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

runBench('delivery-bench', loadDeliveryBenchConfig, main);
