import { status, type ServiceError } from '@grpc/grpc-js';
import { decodeEvent, eventDataToProto, TOPICS } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { LocalKafka } from '@gongkai/local-kafka';
import { readStatusDetails } from '@gongkai/gateway';
import { auth, call, startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { eventually, testKafka, unique } from '../support/kafka';

/**
 * The broker stops in the middle of a stream of publishes. Calls fail fast with UNAVAILABLE
 * (with retry info) instead of hanging, health turns NOT_SERVING, the gateway recovers by
 * itself, and every acknowledged event is in the topic exactly once.
 */
describe('gateway: Kafka down and back', () => {
  let kafka: LocalKafka;
  let gw: RunningGateway;

  beforeAll(async () => {
    kafka = await LocalKafka.start({ nodes: 1, heapMb: 384 });
    gw = await startTestGateway({ brokerList: kafka.brokers, env: { GATEWAY_PUBLISH_TIMEOUT: '2s' } });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await kafka?.stop();
  });

  it('loses no acknowledged event, and answers UNAVAILABLE within the deadline while the broker is down', async () => {
    const base = sampleEvents()['document.published'];
    const acknowledged = new Map<string, string>(); // event id → publication id
    const unavailable: { ms: number; retryDelayMs?: number }[] = [];
    let stop = false;
    let n = 0;

    // Like an upstream system: each event is retried with the same id until it is acknowledged.
    const writer = async (): Promise<void> => {
      while (!stop) {
        const id = `evt-${n}`;
        const doc = { ...base, publicationId: `pub-outage-${n++}` };
        for (;;) {
          const started = Date.now();
          try {
            await call(gw.client, gw.client.Publish, { eventId: id, document: eventDataToProto('document.published', doc) }, auth(TOKENS.docs), 3000);
            acknowledged.set(id, doc.publicationId);
            break;
          } catch (err) {
            const e = err as ServiceError;
            if (e.code === status.UNAVAILABLE) unavailable.push({ ms: Date.now() - started, ...readStatusDetails(e.metadata) });
            else if (e.code !== status.DEADLINE_EXCEEDED) throw err;
            if (stop) return;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    };
    const writing = writer();

    await eventually(() => acknowledged.size >= 50, 30_000, '50 acknowledged before the outage');
    await kafka.stopNode(1);
    await eventually(() => !gw.app.serving(), 20_000, 'health NOT_SERVING');
    await eventually(() => unavailable.length >= 3, 30_000, 'UNAVAILABLE answers during the outage');
    const duringOutage = acknowledged.size;
    await new Promise((r) => setTimeout(r, 3000));
    await kafka.startNode(1);
    await eventually(() => gw.app.serving(), 60_000, 'health SERVING again');
    await eventually(() => acknowledged.size >= duringOutage + 50, 60_000, '50 more acknowledged after recovery');
    stop = true;
    await writing;

    // Fail fast: each UNAVAILABLE came before the caller's 3 s deadline, with a retry delay.
    expect(unavailable.every((u) => u.ms < 3000)).toBe(true);
    expect(unavailable.every((u) => (u.retryDelayMs ?? 0) > 0)).toBe(true);

    const seen = new Map<string, number>();
    const consumer = testKafka(kafka.brokers).consumer({ groupId: unique('outage') });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.disclosure, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.set(decodeEvent(message).id, (seen.get(decodeEvent(message).id) ?? 0) + 1) });
    await eventually(() => [...acknowledged.keys()].every((id) => seen.has(id)), 60_000, 'every acknowledged event on the topic');
    await new Promise((r) => setTimeout(r, 1000));
    await consumer.disconnect();
    const missing = [...acknowledged.keys()].filter((id) => !seen.has(id));
    const twice = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
  }, 240_000);
});
