/**
 * Review throughput through Kafka (issue 5): documents of 10–50 KB of realistic Chinese text go
 * onto `disclosure`; the review service (a child process, one core) reviews each and writes it
 * to `released` or `review.held`. Printed beside bare Avro decode + encode of the same documents
 * in this process, on one core, in the same run. Goal: ≥ 0.6× that, and ≥ 2,000 documents/s.
 *
 *   npm run bench:review -w @gongkai/bench      (REVIEW_BENCH_DOCS, default 6000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOPICS, decodeEvent, encodeEvent, getDefaultRegistry, type EncodedEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { KAFKA_VERSION, LocalKafka } from '@gongkai/local-kafka';
import { createKafka, createLogger, ensureTopics } from '@gongkai/runtime';
import { startNodeChild, stopAllChildren } from './child-process';
import { CpuMeter } from './process-cpu';
import { formatCount, formatRatio, formatTable } from './latency-summary';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const DOCS = Number(process.env.REVIEW_BENCH_DOCS ?? 6000);

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

/** Bare Avro decode + encode of every document, one core: the floor any reviewer pays. */
function avroBaseline(docs: readonly EncodedEvent[]): number {
  const type = getDefaultRegistry().latest('document.published').type;
  const started = performance.now();
  let rounds = 0;
  while (performance.now() - started < 5000) {
    for (const d of docs) {
      const event = decodeEvent({ key: d.key, value: d.value, headers: d.headers });
      type.toBuffer(event.data);
    }
    rounds++;
  }
  return (rounds * docs.length) / ((performance.now() - started) / 1000);
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
    await ensureTopics(clients.kafka, [TOPICS.disclosure, TOPICS.released, TOPICS.reviewHeld, TOPICS.reviewDecisions].map((topic) => ({ topic, numPartitions: 6 })));
    const producer = clients.producer();
    await producer.connect();
    for (let i = 0; i < docs.length; i += 20) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPICS.disclosure, messages: docs.slice(i, i + 20) }] });
    }
    await producer.disconnect();

    const admin = clients.kafka.admin();
    await admin.connect();
    const outputCount = async (): Promise<number> => {
      let total = 0;
      for (const topic of [TOPICS.released, TOPICS.reviewHeld]) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
      return total;
    };

    const review = startNodeChild('review', join(REPO_ROOT, 'services/review/dist/main.js'), {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, KAFKA_BROKERS: kafka.bootstrap, REVIEW_GROUP_ID: 'review-bench', REVIEW_GRPC_PORT: '0', LOG_LEVEL: 'warn' },
      logFile: join(work, 'review.log'),
    });
    // Steady state: from the first reviewed document to the last, so start-up is not counted.
    while ((await outputCount()) === 0) await new Promise((r) => setTimeout(r, 20));
    const from = await outputCount();
    const started = performance.now();
    const cpu = new CpuMeter({ review: [review.process.pid ?? 0], kafka: kafka.nodes.map((n) => n.pid ?? 0) });
    cpu.start();
    let done = from;
    const deadline = Date.now() + 600_000;
    while (done < docs.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      done = await outputCount();
    }
    const seconds = (performance.now() - started) / 1000;
    const usage = cpu.stop();
    await admin.disconnect();
    await stopAllChildren();

    const rate = (done - from) / seconds;
    process.stdout.write('\n' + formatTable(
      ['what', 'documents/s', 'review CPU', 'Kafka CPU', 'other CPU'],
      [
        ['bare Avro decode + encode (one core)', formatCount(baseline), '—', '—', '—'],
        ['review service through Kafka', formatCount(rate), `${Math.round(usage.review ?? 0)}%`, `${Math.round(usage.kafka ?? 0)}%`, `${Math.round(usage.others ?? 0)}%`],
      ],
    ) + '\n\n');
    process.stdout.write(`Kafka ${KAFKA_VERSION} local single node; ${done} of ${docs.length} reviewed.\n`);
    process.stdout.write(`goal ≥ 0.60× bare Avro: ${formatRatio(rate / baseline)} ${rate / baseline >= 0.6 ? 'PASS' : 'FAIL'}\n`);
    process.stdout.write(`goal ≥ 2,000 documents/s: ${formatCount(rate)} ${rate >= 2000 ? 'PASS' : 'FAIL'}\n`);
  } finally {
    await stopAllChildren();
    await kafka.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  await stopAllChildren();
  process.exit(1);
});
