import { execFile } from 'node:child_process';
import { HUB_HEADERS, decodeEvent, deadLetterTopic, retryTopic } from '@gongkai/contracts';
import { connectKafka } from '@gongkai/hubctl';
import { sampleDeadLetter } from '@gongkai/hubctl/dist/testing/dead-letter-records';
import { ensureTopics, type OutgoingRecord } from '@gongkai/runtime';
import { brokers, eventually, testKafka, unique } from '../support/kafka';

const cli = require.resolve('@gongkai/hubctl/dist/cli.js');
const DLQ = deadLetterTopic('website');
const RETRY = retryTopic('website', 1);
const HOUR = 3_600_000;

function hubctl(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface DeadLetterJson {
  readonly eventId: string;
  readonly publicationId: string;
  readonly [fact: string]: unknown;
}

/** What `hubctl delivery … --json` prints, as far as these tests look. */
interface DeliveryJson {
  readonly deadLetters: DeadLetterJson[];
  readonly items: DeadLetterJson[];
  readonly replayedAt: string;
  readonly [fact: string]: unknown;
}

/** `hubctl … --json`, parsed; fails the test on a non-zero exit. */
async function hubctlJson(args: string[]): Promise<DeliveryJson> {
  const result = await hubctl([...args, '--json']);
  // On a failure, the JSON on stdout says why.
  expect({ code: result.code, stderr: result.stderr, ...(result.code === 0 ? {} : { stdout: result.stdout }) }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as DeliveryJson;
}

interface ReadBack {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** Every record of `topic` up to where it ends now whose key is in `keys`, read by a consumer of the test's own. */
async function readToEnd(topic: string, keys: ReadonlySet<string>): Promise<ReadBack[]> {
  const kafka = testKafka();
  const admin = kafka.kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
  await admin.disconnect();
  const found: ReadBack[] = [];
  if (ends.size === 0) return found;
  const consumer = kafka.consumer({ groupId: unique('read') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const end = ends.get(partition);
      if (end === undefined || BigInt(message.offset) >= end) return;
      if (BigInt(message.offset) === end - 1n) ends.delete(partition);
      const key = message.key?.toString() ?? '';
      if (!keys.has(key)) return;
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
      found.push({ key, value: message.value ?? Buffer.alloc(0), headers });
    },
  });
  try {
    await eventually(() => ends.size === 0, 30_000, `${topic} read to its end`);
  } finally {
    await consumer.disconnect();
  }
  return found;
}

const eventIds = (items: readonly DeadLetterJson[]) => items.map((i) => i.eventId);

describe('hubctl delivery against a real broker', () => {
  const kafka = testKafka();
  const producer = kafka.producer();
  // Other test files may write to website.dlq and website.retry.1 too: this one's are told
  // apart by publication ids and targets no other test uses.
  const pubA = unique('pub-a');
  const pubB = unique('pub-b');
  const columnX = unique('column-x');
  const columnY = unique('column-y');
  const now = Date.now();
  const written: Record<string, OutgoingRecord> = {};

  beforeAll(async () => {
    await ensureTopics(kafka.kafka, [
      { topic: DLQ, numPartitions: 3 },
      { topic: RETRY, numPartitions: 6 },
    ]);
    await producer.connect();
    written.a1 = sampleDeadLetter({ publicationId: pubA, eventId: unique('evt-a1'), target: columnX, attempt: 6 });
    written.a2 = sampleDeadLetter({ publicationId: pubA, eventId: unique('evt-a2'), target: columnY, failure: { code: 'TARGET_REJECTED', message: 'the CMS answered 422: column closed' } });
    written.b1 = sampleDeadLetter({ publicationId: pubB, eventId: unique('evt-b1'), target: columnX, action: 'remove', attempt: 3 });
    const dead = (record: OutgoingRecord, ageMs: number) => ({ key: record.key, value: record.value, headers: record.headers, timestamp: String(now - ageMs) });
    await producer.send({
      topic: DLQ,
      acks: -1,
      messages: [
        dead(written.a1, 72 * HOUR),
        dead(written.a2, 1 * HOUR),
        dead(written.b1, 10 * 60_000),
        // What the engine parks when it cannot read a record: no journey, a value that is no event.
        { key: pubB, value: Buffer.from('not avro'), headers: { [HUB_HEADERS.errorCode]: 'EVENT_MALFORMED_PAYLOAD', [HUB_HEADERS.errorMessage]: 'bad bytes' }, timestamp: String(now - 5 * 60_000) },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await producer.disconnect();
  });

  it('lists the dead letters of a channel, each filter picking its own', async () => {
    const byPublication = await hubctlJson(['delivery', 'dead-letters', '--channel', 'website', '--publication', pubA]);
    expect(byPublication).toMatchObject({ ok: true, channel: 'website', topic: DLQ, exists: true });
    expect(eventIds(byPublication.deadLetters)).toEqual([written.a1!.headers.ce_id, written.a2!.headers.ce_id]);
    expect(byPublication.deadLetters[1]).toEqual({
      at: new Date(now - HOUR).toISOString(),
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
      publicationId: pubA,
      eventId: written.a2!.headers.ce_id,
      eventType: 'document.published',
      target: columnY,
      action: 'publish',
      attempts: 5,
      errorCode: 'TARGET_REJECTED',
      errorMessage: 'the CMS answered 422: column closed',
      origin: { topic: 'released', partition: 2, offset: '41' },
      history: expect.any(Array),
      replayable: true,
      problem: null,
    });

    const byTarget = await hubctlJson(['delivery', 'dead-letters', '--channel', 'website', '--target', columnX]);
    expect(eventIds(byTarget.deadLetters)).toEqual([written.a1!.headers.ce_id, written.b1!.headers.ce_id]);

    const recent = await hubctlJson(['delivery', 'dead-letters', '--channel', 'website', '--publication', pubA, '--since', '2h']);
    expect(eventIds(recent.deadLetters)).toEqual([written.a2!.headers.ce_id]);

    const older = await hubctlJson(['delivery', 'dead-letters', '--channel', 'website', '--publication', pubA, '--until', '1d']);
    expect(eventIds(older.deadLetters)).toEqual([written.a1!.headers.ce_id]);

    const between = await hubctlJson([
      'delivery', 'dead-letters', '--channel', 'website', '--target', columnX,
      '--since', new Date(now - 4 * 24 * HOUR).toISOString(), '--until', new Date(now - 30 * 60_000).toISOString(),
    ]);
    expect(eventIds(between.deadLetters)).toEqual([written.a1!.headers.ce_id]);

    const text = await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--publication', pubB]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`2 dead letters on ${DLQ} (of `);
    expect(text.stdout).toContain(`  ${new Date(now - 10 * 60_000).toISOString()}  ${pubB} → ${columnX} (remove)\n    event ${written.b1!.headers.ce_id} (document.published), 3 attempts, TARGET_UNAVAILABLE: the CMS answered 503 Service Unavailable\n`);
    expect(text.stdout).toContain(`  ${new Date(now - 5 * 60_000).toISOString()}  ${pubB}\n    event ?, EVENT_MALFORMED_PAYLOAD: bad bytes\n    cannot be replayed: `);

    const everything = await hubctlJson(['delivery', 'dead-letters', '--channel', 'website']);
    const ours = everything.deadLetters.filter((l) => l.publicationId === pubA || l.publicationId === pubB);
    expect(ours).toHaveLength(4);
  });

  it('refuses what a person may not have meant, exiting 2, and exits 7 when Kafka cannot be reached', async () => {
    const unfiltered = await hubctl(['delivery', 'replay', '--channel', 'website']);
    expect(unfiltered.code).toBe(2);
    expect(unfiltered.stderr).toContain('would replay every dead letter of website: pick them with --target, --publication, --since or --until, or say --all');

    const channel = await hubctl(['delivery', 'dead-letters', '--channel', 'wechat']);
    expect(channel.code).toBe(2);
    expect(channel.stderr).toContain("unknown channel 'wechat'; the channels are website, newmedia, kiosk, provincial");

    const time = await hubctl(['delivery', 'replay', '--channel', 'website', '--since', 'last tuesday']);
    expect(time.code).toBe(2);
    expect(time.stderr).toContain("--since must be an ISO 8601 time");

    const unreachable = await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--json'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(unreachable.code).toBe(7);
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ ok: false, code: 'KAFKA_UNAVAILABLE' });
  });

  it('replays exactly the dead letters picked to website.retry.1 as never attempted; a dry run writes nothing', async () => {
    const dry = await hubctlJson(['delivery', 'replay', '--channel', 'website', '--publication', pubA, '--dry-run', '--operator', 'it-ops']);
    expect(dry).toMatchObject({ ok: true, dryRun: true, replayed: 0, from: DLQ, to: RETRY, replayedBy: 'it-ops' });
    expect(eventIds(dry.items)).toEqual([written.a1!.headers.ce_id, written.a2!.headers.ce_id]);
    const everyDry = await hubctlJson(['delivery', 'replay', '--channel', 'website', '--all', '--dry-run']);
    expect(eventIds(everyDry.items)).toEqual(expect.arrayContaining([written.a1!.headers.ce_id, written.a2!.headers.ce_id, written.b1!.headers.ce_id]));
    expect(await readToEnd(RETRY, new Set([pubA, pubB]))).toEqual([]);

    const replayed = await hubctlJson(['delivery', 'replay', '--channel', 'website', '--publication', pubA, '--operator', 'it-ops']);
    expect(replayed).toMatchObject({ ok: true, dryRun: false, replayed: 2, replayedBy: 'it-ops' });
    expect(Math.abs(Date.parse(replayed.replayedAt) - Date.now())).toBeLessThan(60_000);

    // pubB's readable dead letter to column X in the last half hour; its unreadable one is skipped.
    const text = await hubctl(['delivery', 'replay', '--channel', 'website', '--target', columnX, '--since', '30m', '--operator', 'it-ops']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^replayed 1 dead letter from ${DLQ.replace('.', '\\.')} to ${RETRY.replace(/\./g, '\\.')} as it-ops:\n`));

    const onRetry = await readToEnd(RETRY, new Set([pubA, pubB]));
    expect(onRetry.map((r) => r.headers.ce_id)).toEqual(expect.arrayContaining([written.a1!.headers.ce_id, written.a2!.headers.ce_id, written.b1!.headers.ce_id]));
    expect(onRetry).toHaveLength(3);
    for (const record of onRetry) {
      const original = Object.values(written).find((w) => w.headers.ce_id === record.headers.ce_id)!;
      expect(record.key).toBe(original.key);
      expect(record.value.equals(original.value)).toBe(true);
      const { gk_replayed_at: at, ...rest } = record.headers;
      expect(rest).toEqual({ ...original.headers, gk_attempt: '0', gk_replayed_by: 'it-ops' });
      expect(Date.parse(at!)).not.toBeNaN();
      expect(decodeEvent(record).id).toBe(original.headers.ce_id);
    }
  });

  it('reads to where a topic ends when it starts, and returns at once for an empty or missing topic', async () => {
    const reader = connectKafka(brokers(), Date.now() + 30_000);
    try {
      const missing = unique('hubctl-missing');
      expect(await reader.readTopic(missing, () => undefined)).toEqual({ exists: false, records: 0 });
      const empty = unique('hubctl-empty');
      await ensureTopics(kafka.kafka, [{ topic: empty, numPartitions: 3 }]);
      expect(await reader.readTopic(empty, () => undefined)).toEqual({ exists: true, records: 0 });

      const some = unique('hubctl-some');
      await ensureTopics(kafka.kafka, [{ topic: some, numPartitions: 3 }]);
      await producer.send({ topic: some, messages: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      const seen: string[] = [];
      expect(await reader.readTopic(some, (r) => void seen.push(r.value!.toString()))).toEqual({ exists: true, records: 9 });
      expect(seen.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `v${i}`));
    } finally {
      await reader.close();
    }
    // Reading commits nothing and leaves no consumer group behind.
    const admin = kafka.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      expect(groups.filter((g) => g.groupId.startsWith('hubctl-'))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
