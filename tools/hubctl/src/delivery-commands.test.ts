import { HUB_HEADERS } from '@gongkai/contracts';
import { DELIVERY_HEADERS } from '@gongkai/delivery';
import type { OutgoingRecord } from '@gongkai/runtime';
import { runHubctl, parseCommandLine, type HubctlContext } from './commands';
import { KafkaUnavailableError } from './errors';
import type { KafkaCalls, TopicRecord } from './kafka-client';
import { asRead, sampleDeadLetter } from './testing/dead-letter-records';

const NOW = new Date('2025-06-28T08:00:00.000Z');

/** website.dlq as the fake Kafka holds it: three dead letters and one the engine could not read. */
function websiteDlq(): TopicRecord[] {
  return [
    asRead(sampleDeadLetter({ publicationId: 'lc-1', eventId: 'evt-1', target: 'zwgk-main' }), { partition: 0, offset: '0', timestamp: new Date('2025-06-25T01:00:00Z') }),
    asRead(sampleDeadLetter({ publicationId: 'lc-2', eventId: 'evt-2', target: 'zwgk-news', failure: { code: 'TARGET_REJECTED', message: 'the CMS answered 422' } }), {
      partition: 1,
      offset: '5',
      timestamp: new Date('2025-06-28T07:00:00Z'),
    }),
    asRead(sampleDeadLetter({ publicationId: 'lc-1', eventId: 'evt-3', target: 'zwgk-news', action: 'remove', attempt: 3 }), { partition: 0, offset: '1', timestamp: new Date('2025-06-28T06:30:00Z') }),
    { partition: 2, offset: '0', timestamp: new Date('2025-06-28T07:30:00Z').getTime(), key: 'lc-4', value: Buffer.from('garbage'), headers: { [HUB_HEADERS.errorCode]: 'EVENT_MALFORMED_PAYLOAD' } },
  ];
}

interface Run {
  code: number;
  out: string[];
  err: string[];
  brokers?: readonly string[];
  deadline?: number;
  read: string[];
  sent: OutgoingRecord[];
  closed: boolean;
}

interface FakeKafka {
  topics?: Record<string, TopicRecord[]>;
  failWith?: Error;
  env?: Record<string, string>;
  userName?: string;
}

/** Runs hubctl against a fake Kafka holding `topics`. */
async function hubctl(argv: string[], fake: FakeKafka = {}): Promise<Run> {
  const topics = fake.topics ?? { 'website.dlq': websiteDlq(), 'website.retry.1': [] };
  const run: Run = { code: -1, out: [], err: [], read: [], sent: [], closed: false };
  const kafka: KafkaCalls = {
    readTopic: async (topic, onRecord) => {
      run.read.push(topic);
      if (fake.failWith) throw fake.failWith;
      const records = topics[topic];
      records?.forEach(onRecord);
      return { exists: records !== undefined, records: records?.length ?? 0 };
    },
    topicExists: async (topic) => topic in topics,
    send: async (records) => void run.sent.push(...records),
    close: async () => void (run.closed = true),
  };
  const context: HubctlContext = {
    env: fake.env ?? {},
    out: (l) => run.out.push(l),
    err: (l) => run.err.push(l),
    connect: () => {
      throw new Error('delivery commands must not call the gateway');
    },
    connectKafka: (brokers, deadline) => {
      run.brokers = brokers;
      run.deadline = deadline;
      return kafka;
    },
    userName: () => fake.userName ?? 'zhang.san',
    now: () => NOW,
  };
  run.code = await runHubctl(argv, context);
  return run;
}

interface DeadLetterJson {
  readonly eventId: string;
  readonly [fact: string]: unknown;
}

/** What `hubctl delivery … --json` prints, as far as these tests look. */
interface DeliveryJson {
  readonly deadLetters: DeadLetterJson[];
  readonly items: DeadLetterJson[];
  readonly skipped: DeadLetterJson[];
  readonly [fact: string]: unknown;
}

const json = (run: Run) => JSON.parse(run.out.join('\n')) as DeliveryJson;
const ids = (items: readonly DeadLetterJson[]) => items.map((i) => i.eventId);

describe('hubctl delivery: the command line', () => {
  it.each([
    [['delivery'], /hubctl delivery needs one of dead-letters, replay/],
    [['delivery', 'purge', '--channel', 'website'], /unknown delivery command 'purge'; the delivery commands are dead-letters, replay/],
    [['delivery', 'dead-letters'], /hubctl delivery dead-letters needs --channel, one of website, newmedia, kiosk, provincial/],
    [['delivery', 'dead-letters', '--channel', 'wechat'], /unknown channel 'wechat'; the channels are website, newmedia, kiosk, provincial/],
    [['delivery', 'dead-letters', '--channel', 'website', 'lc-1'], /takes no arguments; unexpected: lc-1/],
    [['delivery', 'dead-letters', '--channel', 'website', '--since', 'yesterday'], /--since must be an ISO 8601 time/],
    [['delivery', 'dead-letters', '--channel', 'website', '--until', '2025-02-30'], /--until must be an ISO 8601 time .*got '2025-02-30'/],
    [['delivery', 'dead-letters', '--channel', 'website', '--since', '1h', '--until', '2h'], /--since \(2025-06-28T07:00:00.000Z\) must be before --until \(2025-06-28T06:00:00.000Z\)/],
    [['delivery', 'dead-letters', '--channel', 'website', '--target', ' '], /--target must not be empty/],
    [['delivery', 'dead-letters', '--channel', 'website', '--dry-run'], /--dry-run does not apply to hubctl delivery dead-letters/],
    [['delivery', 'dead-letters', '--channel', 'website', '--all'], /--all does not apply to hubctl delivery dead-letters/],
    [['delivery', 'dead-letters', '--channel', 'website', '--operator', 'x'], /--operator does not apply to hubctl delivery dead-letters/],
    [['delivery', 'dead-letters', '--channel', 'website', '--token', 't'], /--token does not apply to hubctl delivery/],
    [['delivery', 'dead-letters', '--channel', 'website', '--mask'], /--mask does not apply to hubctl delivery/],
    [['delivery', 'dead-letters', '--channel', 'website', '--brokers', 'kafka-1'], /--brokers \(or KAFKA_BROKERS\) must be host:port\[,host:port…\], e.g. 127.0.0.1:9092; got 'kafka-1'/],
    [['delivery', 'dead-letters', '--channel'], /--channel/],
    [['publish', 'x.yaml', '--channel', 'website'], /--channel does not apply to hubctl publish/],
    [['review', 'list', '--since', '2h'], /--since does not apply to hubctl review/],
  ])('refuses %j with exit 2 and says why', async (argv, message) => {
    const run = await hubctl(argv);
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toMatch(message);
    expect(run.read).toEqual([]);
  });

  it('refuses to replay every dead letter of a channel without a filter or --all, and touches nothing', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website']);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe(
      'hubctl: hubctl delivery replay would replay every dead letter of website: pick them with --target, --publication, --since or --until, or say --all if every one is meant',
    );
    expect(run.read).toEqual([]);
    expect((await hubctl(['delivery', 'replay', '--channel', 'website', '--dry-run', '--json'])).code).toBe(2);
  });

  it('finds Kafka at --brokers, else KAFKA_BROKERS, else 127.0.0.1:9092, and gives it --timeout', async () => {
    expect((await hubctl(['delivery', 'dead-letters', '--channel', 'website'])).brokers).toEqual(['127.0.0.1:9092']);
    expect((await hubctl(['delivery', 'dead-letters', '--channel', 'website'], { env: { KAFKA_BROKERS: 'k1:9092, k2:9093' } })).brokers).toEqual(['k1:9092', 'k2:9093']);
    const run = await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--brokers', 'k3:9092', '--timeout', '4'], { env: { KAFKA_BROKERS: 'k1:9092' } });
    expect(run.brokers).toEqual(['k3:9092']);
    expect(run.deadline! - Date.now()).toBeLessThanOrEqual(4000);
    expect(run.deadline! - Date.now()).toBeGreaterThan(2000);
  });

  it('reads the filters, spans back from the time it runs', () => {
    const invocation = parseCommandLine(
      ['delivery', 'replay', '--channel', 'kiosk', '--target', 'hall-1', '--publication', 'lc-1', '--since', '2h', '--until', '2025-06-28T15:30:00+08:00', '--dry-run', '--operator', 'li.si'],
      {},
      NOW,
    );
    expect(invocation).toEqual({
      command: 'delivery',
      action: 'replay',
      channel: 'kiosk',
      filter: { target: 'hall-1', publicationId: 'lc-1', since: new Date('2025-06-28T06:00:00Z'), until: new Date('2025-06-28T07:30:00Z') },
      brokers: ['127.0.0.1:9092'],
      timeoutMs: 15_000,
      json: false,
      dryRun: true,
      all: false,
      operator: 'li.si',
    });
  });

  it('prints the usage with the delivery commands for --help', async () => {
    const run = await hubctl(['delivery', '--help']);
    expect(run.code).toBe(0);
    expect(run.out[0]).toContain('hubctl delivery dead-letters --channel C');
    expect(run.out[0]).toContain('hubctl delivery replay --channel C');
    expect(run.out[0]).toContain('C: website, newmedia, kiosk, provincial');
  });
});

describe('hubctl delivery dead-letters', () => {
  it('lists every dead letter of the channel, the oldest first, for people', async () => {
    const run = await hubctl(['delivery', 'dead-letters', '--channel', 'website']);
    expect(run.code).toBe(0);
    expect(run.read).toEqual(['website.dlq']);
    expect(run.closed).toBe(true);
    expect(run.out).toEqual([
      '4 dead letters on website.dlq, the oldest first:',
      '  2025-06-25T01:00:00.000Z  lc-1 → zwgk-main (publish)',
      '    event evt-1 (document.published), 5 attempts, TARGET_UNAVAILABLE: the CMS answered 503 Service Unavailable',
      '  2025-06-28T06:30:00.000Z  lc-1 → zwgk-news (remove)',
      '    event evt-3 (document.published), 3 attempts, TARGET_UNAVAILABLE: the CMS answered 503 Service Unavailable',
      '  2025-06-28T07:00:00.000Z  lc-2 → zwgk-news (publish)',
      '    event evt-2 (document.published), 5 attempts, TARGET_REJECTED: the CMS answered 422',
      '  2025-06-28T07:30:00.000Z  lc-4',
      '    event ?, EVENT_MALFORMED_PAYLOAD',
      '    cannot be replayed: it lacks the delivery journey (target, attempts, origin): the engine could not read the record it came from',
    ]);
  });

  it.each([
    [['--target', 'zwgk-news'], ['evt-3', 'evt-2']],
    [['--publication', 'lc-1'], ['evt-1', 'evt-3']],
    [['--since', '2h'], ['evt-3', 'evt-2', null]],
    [['--since', '60m', '--until', '2025-06-28T07:30:00Z'], ['evt-2']],
    [['--until', '2025-06-27'], ['evt-1']],
    [['--publication', 'lc-1', '--target', 'zwgk-main'], ['evt-1']],
    [['--publication', 'lc-404'], []],
  ])('with %j lists only those: %j', async (filters, expected) => {
    const run = await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--json', ...filters]);
    expect(run.code).toBe(0);
    const listed = json(run);
    expect(listed).toMatchObject({ ok: true, channel: 'website', topic: 'website.dlq', exists: true, read: 4 });
    expect(ids(listed.deadLetters)).toEqual(expected);
  });

  it('gives scripts every fact of a dead letter', async () => {
    const listed = json(await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--json', '--publication', 'lc-2']));
    expect(listed.deadLetters).toEqual([
      {
        at: '2025-06-28T07:00:00.000Z',
        partition: 1,
        offset: '5',
        publicationId: 'lc-2',
        eventId: 'evt-2',
        eventType: 'document.published',
        target: 'zwgk-news',
        action: 'publish',
        attempts: 5,
        errorCode: 'TARGET_REJECTED',
        errorMessage: 'the CMS answered 422',
        origin: { topic: 'released', partition: 2, offset: '41' },
        history: expect.arrayContaining([{ attempt: 5, at: '2025-06-27T01:30:00.000Z', code: 'TARGET_REJECTED' }]),
        replayable: true,
        problem: null,
      },
    ]);
  });

  it('says so when nothing matches, when the topic is empty and when it does not exist', async () => {
    expect((await hubctl(['delivery', 'dead-letters', '--channel', 'website', '--target', 'nowhere'])).out).toEqual(['no dead letters on website.dlq match (4 read)']);
    expect((await hubctl(['delivery', 'dead-letters', '--channel', 'kiosk'], { topics: { 'kiosk.dlq': [] } })).out).toEqual(['no dead letters on kiosk.dlq']);
    const missing = await hubctl(['delivery', 'dead-letters', '--channel', 'provincial'], { topics: {} });
    expect(missing.code).toBe(0);
    expect(missing.out).toEqual(['no dead letters: provincial.dlq does not exist (the provincial channel has parked nothing yet)']);
    expect(json(await hubctl(['delivery', 'dead-letters', '--channel', 'provincial', '--json'], { topics: {} }))).toEqual({
      ok: true,
      channel: 'provincial',
      topic: 'provincial.dlq',
      exists: false,
      read: 0,
      deadLetters: [],
    });
  });

  it('exits 7 and says what to check when Kafka cannot be reached', async () => {
    const failWith = new KafkaUnavailableError(['127.0.0.1:9092'], 'reading website.dlq: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const run = await hubctl(['delivery', 'dead-letters', '--channel', 'website'], { failWith });
    expect(run.code).toBe(7);
    expect(run.closed).toBe(true);
    expect(run.err).toEqual([
      'hubctl: Kafka at 127.0.0.1:9092 unavailable: reading website.dlq: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      '  is Kafka running there? Name its brokers with --brokers host:port or KAFKA_BROKERS',
      '  running the command again is safe: a target takes a replayed delivery at most once',
    ]);
    const scripted = await hubctl(['delivery', 'replay', '--channel', 'website', '--all', '--json'], { failWith });
    expect(scripted.code).toBe(7);
    expect(json(scripted)).toMatchObject({ ok: false, exitCode: 7, code: 'KAFKA_UNAVAILABLE' });
  });
});

describe('hubctl delivery replay', () => {
  it('sends the dead letters picked to <channel>.retry.1 as never attempted, saying who and when', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website', '--target', 'zwgk-news']);
    expect(run.code).toBe(0);
    // Partition by partition, in offset order: one publication's keep their order.
    expect(run.sent.map((r) => r.headers['ce_id'])).toEqual(['evt-3', 'evt-2']);
    for (const record of run.sent) {
      expect(record.topic).toBe('website.retry.1');
      expect(record.headers[HUB_HEADERS.attempt]).toBe('0');
      expect(record.headers[HUB_HEADERS.notBefore]).toBeUndefined();
      expect(record.headers[DELIVERY_HEADERS.replayedBy]).toBe('zhang.san');
      expect(record.headers[DELIVERY_HEADERS.replayedAt]).toBe(NOW.toISOString());
    }
    const [first] = websiteDlq().filter((r) => r.headers['ce_id'] === 'evt-3');
    expect(run.sent[0]!.key).toBe('lc-1');
    expect(run.sent[0]!.value.equals(first!.value!)).toBe(true);
    expect(run.out[0]).toBe('replayed 2 dead letters from website.dlq to website.retry.1 as zhang.san:');
    expect(run.out.at(-1)).toBe('the website delivery engine attempts each again now; a target that already has an item skips it');
  });

  it('names the operator from --operator, and refuses when it cannot tell who replays', async () => {
    const named = await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-2', '--operator', 'wang.wu']);
    expect(named.sent.map((r) => r.headers[DELIVERY_HEADERS.replayedBy])).toEqual(['wang.wu']);
    const nobody = await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-2'], { userName: '' });
    expect(nobody.code).toBe(2);
    expect(nobody.err[0]).toBe('hubctl: cannot tell who replays: this process has no user name; say who with --operator NAME');
    expect(nobody.read).toEqual([]);
  });

  it('writes nothing with --dry-run, and says what it would replay', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-1', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.sent).toEqual([]);
    expect(run.out[0]).toBe('would replay 2 dead letters from website.dlq to website.retry.1 as zhang.san (dry run: nothing written):');
    const scripted = json(await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-1', '--dry-run', '--json']));
    expect(scripted).toMatchObject({ ok: true, dryRun: true, replayed: 0, from: 'website.dlq', to: 'website.retry.1', replayedBy: 'zhang.san', replayedAt: NOW.toISOString(), skipped: [] });
    expect(ids(scripted.items)).toEqual(['evt-1', 'evt-3']);
  });

  it('replays every one with --all, skipping and naming those the engine could not read', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website', '--all', '--json']);
    expect(run.code).toBe(0);
    const result = json(run);
    expect(result).toMatchObject({ ok: true, dryRun: false, replayed: 3 });
    expect(ids(result.items)).toEqual(['evt-1', 'evt-3', 'evt-2']);
    expect(result.skipped).toEqual([expect.objectContaining({ publicationId: 'lc-4', replayable: false, problem: expect.stringMatching(/lacks the delivery journey/) })]);
    expect(run.sent).toHaveLength(3);

    const text = await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-4']);
    expect(text.out.slice(0, 2)).toEqual(['nothing replayed from website.dlq', 'skipped 1 dead letter that cannot be replayed:']);
    expect(text.sent).toEqual([]);
  });

  it('says so when nothing matches', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website', '--publication', 'lc-404']);
    expect(run.code).toBe(0);
    expect(run.out).toEqual(['nothing to replay: no dead letters on website.dlq match (4 read)']);
    expect(run.sent).toEqual([]);
  });

  it('exits 6 without writing when the retry topic does not exist', async () => {
    const run = await hubctl(['delivery', 'replay', '--channel', 'website', '--all'], { topics: { 'website.dlq': websiteDlq() } });
    expect(run.code).toBe(6);
    expect(run.err[0]).toMatch(/^hubctl: topic website.retry.1 does not exist: the website channel's delivery engine creates it when it starts/);
    expect(run.sent).toEqual([]);
  });
});
