/**
 * Review throughput through Kafka (issue 5): documents of 10–50 KB of realistic Chinese text go
 * onto `disclosure`; the review service (a child process, one core) reviews each and writes it
 * to `released` or `review.held`. Printed beside bare Avro decode + encode of the same documents
 * in this process, on one core, in the same run. Goal: ≥ 0.6× that, and ≥ 2,000 documents/s.
 *
 * Also printed: a bare kafkajs pass-through (a child process consuming the same records and
 * producing them unchanged, with the review service's Kafka settings), so the part of the
 * review's cost that is the Kafka client's own shows as its floor; and CPU milliseconds per
 * document of each process, which CPU contention on a shared machine distorts less than
 * throughput.
 *
 *   npm run bench:review -w @gongkai/bench
 *     REVIEW_BENCH_DOCS          documents (default 6000)
 *     REVIEW_BENCH_PROFILE_DIR   write `node --cpu-prof` profiles of the review service and the pass-through here
 *     REVIEW_BENCH_PASS_THROUGH  0 to skip the pass-through run
 *     REVIEW_BENCH_ROUNDS        time each child this many times, alternating, and print medians (default 1)
 *     REVIEW_BENCH_COMPARE_MAIN  also time this review entry point (e.g. a build of the previous
 *                                version) in the same run, so a change is judged under the same load
 *     REVIEW_…                   the review service's own settings (e.g. REVIEW_PARTITIONS_CONCURRENTLY)
 *                                reach both children
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOPICS, avroBytes, decodeEvent, encodeEvent, getDefaultRegistry, type EncodedEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { KAFKA_VERSION, LocalKafka } from '@gongkai/local-kafka';
import { REVIEW_DEAD_LETTER_TOPIC, loadReviewConfig } from '@gongkai/review';
import { stringHeaders } from '@gongkai/review/dist/review-processor';
import { boundedRequests, createKafka, createLogger, ensureTopics, topicMessagesOf, type OutgoingRecord } from '@gongkai/runtime';
import { startNodeChild, stopAllChildren } from './child-process';
import { CpuMeter } from './process-cpu';
import { formatCount, formatRatio, formatTable } from './latency-summary';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DOCS = Number(process.env.REVIEW_BENCH_DOCS ?? 6000);
const PROFILE_DIR = process.env.REVIEW_BENCH_PROFILE_DIR ? resolve(process.env.REVIEW_BENCH_PROFILE_DIR) : undefined;
const PASS_THROUGH = process.env.REVIEW_BENCH_PASS_THROUGH !== '0';
const ROUNDS = Number(process.env.REVIEW_BENCH_ROUNDS ?? 1);
const COMPARE_MAIN = process.env.REVIEW_BENCH_COMPARE_MAIN ? resolve(process.env.REVIEW_BENCH_COMPARE_MAIN) : undefined;
/** This variable set to `pass-through` runs this script as the bare kafkajs pass-through child. */
const MODE_VARIABLE = 'REVIEW_BENCH_MODE';
const PASS_THROUGH_MODE = 'pass-through';
/** Where the pass-through child writes; nothing else reads it. */
const PASS_THROUGH_TOPIC = 'bench.pass-through';

/** Documents whose bodies run from 10 to 50 KB, cut from the Liaocheng work plan; one in ten carries a mobile number to hold. */
function documents(count: number): EncodedEvent[] {
  const base = sampleEvents()['document.published'];
  const text = base.body.repeat(Math.ceil(60_000 / base.body.length));
  const out: EncodedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const chars = 3_500 + ((i * 7919) % 13_500); // ~10–50 KB of UTF-8 (3 bytes a character)
    const body = text.slice(0, chars) + (i % 10 === 0 ? '\n联系电话：13812345678' : '');
    out.push(encodeEvent({ type: 'document.published', source: '/gongkai/bench', id: `review-bench-${i}`, data: { ...base, publicationId: `review-bench-pub-${i}`, body } }));
  }
  return out;
}

/**
 * Bare Avro decode + encode of every document, one core: the floor any reviewer pays. Decoded
 * and encoded the way the hub does (`decodeEvent`, `avroBytes`: long texts through the faster
 * UTF-8 reader, each value encoded once), so the baseline is as fast as the hub's own Avro.
 */
function avroBaseline(docs: readonly EncodedEvent[]): number {
  const type = getDefaultRegistry().latest('document.published').type;
  const started = performance.now();
  let rounds = 0;
  while (performance.now() - started < 5000) {
    for (const d of docs) {
      const event = decodeEvent({ key: d.key, value: d.value, headers: d.headers });
      avroBytes(type, event.data);
    }
    rounds++;
  }
  return (rounds * docs.length) / ((performance.now() - started) / 1000);
}

/** One child's run over the documents. */
interface Measured {
  readonly rate: number;
  readonly done: number;
  /** % of one core over the timed span. */
  readonly processPct: number;
  readonly kafkaPct: number;
  readonly othersPct: number;
  readonly processMsPerDoc: number;
  readonly kafkaMsPerDoc: number;
  /** KB the process read and wrote (sockets included) per document, from /proc; undefined elsewhere. */
  readonly readKbPerDoc: number | undefined;
  readonly writtenKbPerDoc: number | undefined;
}

/** Each figure's median over the runs (undefined for none). */
function medianOf(runs: readonly Measured[]): Measured | undefined {
  if (runs.length === 0) return undefined;
  const median = (pick: (m: Measured) => number | undefined): number | undefined => {
    const values = runs.map(pick).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    return values.length === 0 ? undefined : values[Math.floor((values.length - 1) / 2)];
  };
  return {
    rate: median((m) => m.rate)!,
    done: Math.min(...runs.map((m) => m.done)),
    processPct: median((m) => m.processPct)!,
    kafkaPct: median((m) => m.kafkaPct)!,
    othersPct: median((m) => m.othersPct)!,
    processMsPerDoc: median((m) => m.processMsPerDoc)!,
    kafkaMsPerDoc: median((m) => m.kafkaMsPerDoc)!,
    readKbPerDoc: median((m) => m.readKbPerDoc),
    writtenKbPerDoc: median((m) => m.writtenKbPerDoc),
  };
}

/** Bytes a process has read and written through system calls (sockets and files), from Linux's /proc/<pid>/io. */
function ioBytes(pid: number): { read: number; written: number } | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1]);
    const read = field('rchar');
    const written = field('wchar');
    return Number.isFinite(read) && Number.isFinite(written) ? { read, written } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The child that only moves records: consume `disclosure` and produce each record unchanged (its
 * value, key and text headers), one produce request per fetched batch, with the review service's
 * client settings. What the review service spends beyond this is its own.
 */
async function passThrough(): Promise<void> {
  const config = loadReviewConfig();
  const logger = createLogger({ service: 'review-bench-pass-through', level: config.LOG_LEVEL });
  const clients = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'review-bench-pass-through', logger });
  const producer = clients.producer();
  await producer.connect();
  const consumer = clients.consumer({ groupId: config.REVIEW_GROUP_ID, maxBytesPerPartition: config.REVIEW_FETCH_PARTITION_BYTES, maxBytes: config.REVIEW_FETCH_BYTES });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.disclosure, fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const out: OutgoingRecord[] = batch.messages.map((m) => ({
        topic: PASS_THROUGH_TOPIC,
        key: m.key?.toString() ?? '',
        value: m.value ?? Buffer.alloc(0),
        headers: stringHeaders(m.headers ?? {}),
      }));
      for (const request of boundedRequests(out)) await producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(request) });
      const last = batch.messages[batch.messages.length - 1];
      if (last) payload.resolveOffset(last.offset);
      await payload.heartbeat();
    },
  });
  const stop = (): void => {
    void consumer
      .disconnect()
      .then(() => producer.disconnect())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'gongkai-review-bench-'));
  const kafka = await LocalKafka.start({ nodes: 1, dir: join(work, 'kafka') });
  try {
    const docs = documents(DOCS);
    const avgKb = docs.reduce((a, d) => a + d.value.length, 0) / docs.length / 1024;
    process.stdout.write(`bench: ${formatCount(DOCS)} documents, ${avgKb.toFixed(1)} KB Avro on average\n`);
    const baseline = avroBaseline(docs);
    process.stdout.write(`bench: bare Avro decode + encode: ${formatCount(baseline)} documents/s\n`);

    const logger = createLogger({ service: 'review-bench', level: 'warn' });
    const clients = createKafka({ brokers: kafka.brokers, clientId: 'review-bench', logger });
    await ensureTopics(
      clients.kafka,
      [TOPICS.disclosure, TOPICS.released, TOPICS.reviewHeld, TOPICS.reviewDecisions, PASS_THROUGH_TOPIC].map((topic) => ({ topic, numPartitions: 6 })),
    );
    const producer = clients.producer();
    await producer.connect();
    for (let i = 0; i < docs.length; i += 20) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPICS.disclosure, messages: docs.slice(i, i + 20) }] });
    }
    await producer.disconnect();

    const admin = clients.kafka.admin();
    await admin.connect();
    // A topic the review service has just created may have no leader for a moment: ask again.
    const countOf = async (topics: readonly string[], attempts = 100): Promise<number> => {
      try {
        const existing = new Set(await admin.listTopics());
        let total = 0;
        for (const topic of topics) if (existing.has(topic)) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
        return total;
      } catch (err) {
        if (attempts <= 1) throw err;
        await new Promise((r) => setTimeout(r, 50));
        return countOf(topics, attempts - 1);
      }
    };
    /**
     * Every review run starts from empty output topics (the review service creates them again):
     * a second run would otherwise find the first run's holds of the same publications waiting,
     * and review each of their documents as a revision that may end a wait, which is not the
     * workload measured.
     */
    const REVIEW_OUTPUTS: readonly string[] = [TOPICS.released, TOPICS.reviewHeld, TOPICS.reviewDecisions, TOPICS.alerts, REVIEW_DEAD_LETTER_TOPIC];
    const resetReviewOutputs = async (): Promise<void> => {
      const existing = (await admin.listTopics()).filter((t) => REVIEW_OUTPUTS.includes(t));
      if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 30_000 });
      for (let waited = 0; (await admin.listTopics()).some((t) => existing.includes(t)); waited += 100) {
        if (waited > 30_000) throw new Error(`review output topics still there 30 s after deleting them`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
    // The review service's own settings (REVIEW_…, not REVIEW_BENCH_…) reach the children, to try other values.
    const tuning = Object.entries(process.env).filter(([k]) => k.startsWith('REVIEW_') && !k.startsWith('REVIEW_BENCH_'));
    const childEnv = {
      ...Object.fromEntries(tuning),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: kafka.bootstrap,
      REVIEW_GRPC_PORT: '0',
      // Named here so that an entry point built elsewhere (REVIEW_BENCH_COMPARE_MAIN) finds it too.
      REVIEW_OPERATORS_FILE: join(REPO_ROOT, 'deploy/dev/operators.yaml'),
      LOG_LEVEL: 'warn',
    };

    /**
     * Runs a child over every document and times it from its first output to its last (start-up
     * not counted); CPU is read from /proc over the same span.
     */
    const timeChild = async (name: string, script: string, extraEnv: NodeJS.ProcessEnv, groupId: string, outputs: readonly string[]): Promise<Measured> => {
      const child = startNodeChild(name, script, {
        cwd: REPO_ROOT,
        env: { ...childEnv, ...extraEnv, REVIEW_GROUP_ID: groupId, REVIEW_STATE_DIR: join(work, `${groupId}-state`) },
        logFile: join(work, `${name}.log`),
        nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [],
      });
      const before = await countOf(outputs);
      let from = before;
      while (from === before) {
        await new Promise((r) => setTimeout(r, 20));
        from = await countOf(outputs);
      }
      const started = performance.now();
      const cpu = new CpuMeter({ process: [child.process.pid ?? 0], kafka: kafka.nodes.map((n) => n.pid ?? 0) });
      const ioBefore = ioBytes(child.process.pid ?? 0);
      cpu.start();
      let done = from;
      const deadline = Date.now() + 600_000;
      while (done - before < docs.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        done = await countOf(outputs);
      }
      const seconds = (performance.now() - started) / 1000;
      const usage = cpu.stop();
      const ioAfter = ioBytes(child.process.pid ?? 0);
      await child.stop();
      const timed = done - from;
      const cpuMsPerDoc = (pct: number | undefined): number => ((pct ?? 0) / 100) * seconds * 1000 / Math.max(1, timed);
      process.stdout.write(`bench: ${name} (${groupId}): ${formatCount(timed / seconds)} documents/s, ${cpuMsPerDoc(usage.process).toFixed(3)} CPU ms/doc, Kafka ${Math.round(usage.kafka ?? 0)}% CPU, other ${Math.round(usage.others ?? 0)}%\n`);
      return {
        rate: timed / seconds,
        done: done - before,
        processPct: usage.process ?? 0,
        kafkaPct: usage.kafka ?? 0,
        othersPct: usage.others ?? 0,
        processMsPerDoc: cpuMsPerDoc(usage.process),
        kafkaMsPerDoc: cpuMsPerDoc(usage.kafka),
        readKbPerDoc: ioBefore && ioAfter ? (ioAfter.read - ioBefore.read) / 1024 / Math.max(1, timed) : undefined,
        writtenKbPerDoc: ioBefore && ioAfter ? (ioAfter.written - ioBefore.written) / 1024 / Math.max(1, timed) : undefined,
      };
    };

    // Rounds alternate the children, so a busy neighbour weighs on each alike; each row is the median.
    const runs: Record<'review' | 'compared' | 'passThrough', Measured[]> = { review: [], compared: [], passThrough: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      await resetReviewOutputs();
      runs.review.push(await timeChild('review', join(REPO_ROOT, 'services/review/dist/main.js'), {}, `review-bench-${round}`, [TOPICS.released, TOPICS.reviewHeld]));
      if (COMPARE_MAIN) {
        await resetReviewOutputs();
        runs.compared.push(await timeChild('review-compared', COMPARE_MAIN, {}, `review-bench-compared-${round}`, [TOPICS.released, TOPICS.reviewHeld]));
      }
      if (PASS_THROUGH) {
        runs.passThrough.push(await timeChild('pass-through', __filename, { [MODE_VARIABLE]: PASS_THROUGH_MODE }, `review-bench-pass-through-${round}`, [PASS_THROUGH_TOPIC]));
      }
    }
    const review = medianOf(runs.review)!;
    const compared = medianOf(runs.compared);
    const passThrough = medianOf(runs.passThrough);
    await admin.disconnect();
    await stopAllChildren();

    const row = (what: string, m: Measured): string[] => [
      what,
      formatCount(m.rate),
      m.processMsPerDoc.toFixed(3),
      `${Math.round(m.processPct)}%`,
      `${Math.round(m.kafkaPct)}%`,
      m.kafkaMsPerDoc.toFixed(3),
      `${Math.round(m.othersPct)}%`,
      m.readKbPerDoc === undefined || m.writtenKbPerDoc === undefined ? '—' : `${m.readKbPerDoc.toFixed(0)} / ${m.writtenKbPerDoc.toFixed(0)}`,
    ];
    process.stdout.write('\n' + formatTable(
      ['what', 'documents/s', 'CPU ms/doc', 'process CPU', 'Kafka CPU', 'Kafka ms/doc', 'other CPU', 'KB in / out per doc'],
      [
        ['bare Avro decode + encode (one core)', formatCount(baseline), (1000 / baseline).toFixed(3), '—', '—', '—', '—', '—'],
        ...(passThrough ? [row('bare kafkajs pass-through (same settings)', passThrough)] : []),
        ...(compared ? [row(`review service through Kafka (${COMPARE_MAIN})`, compared)] : []),
        row('review service through Kafka', review),
      ],
    ) + '\n\n');
    const rate = review.rate;
    process.stdout.write(`Kafka ${KAFKA_VERSION} local single node; ${review.done} of ${docs.length} reviewed${passThrough ? `, ${passThrough.done} passed through` : ''}${ROUNDS > 1 ? `; medians of ${ROUNDS} rounds` : ''}.\n`);
    if (passThrough) {
      process.stdout.write(`review CPU beyond the kafkajs pass-through: ${(review.processMsPerDoc - passThrough.processMsPerDoc).toFixed(3)} ms/doc\n`);
    }
    process.stdout.write(`review on one core at its CPU cost: ${formatCount(1000 / review.processMsPerDoc)} documents/s\n`);
    process.stdout.write(`goal ≥ 0.60× bare Avro: ${formatRatio(rate / baseline)} ${rate / baseline >= 0.6 ? 'PASS' : 'FAIL'}\n`);
    process.stdout.write(`goal ≥ 2,000 documents/s: ${formatCount(rate)} ${rate >= 2000 ? 'PASS' : 'FAIL'}\n`);
    if (PROFILE_DIR) process.stdout.write(`CPU profiles in ${PROFILE_DIR}\n`);
  } finally {
    await stopAllChildren();
    await kafka.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

(process.env[MODE_VARIABLE] === PASS_THROUGH_MODE ? passThrough() : main()).catch(async (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stopAllChildren();
  process.exit(1);
});
