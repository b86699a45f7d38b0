import { readFileSync } from 'node:fs';
import { LocalKafka } from '@gongkai/local-kafka';
import { ensureTopics } from '@gongkai/runtime';
import { eventually, testKafka, unique } from '../support/kafka';

/**
 * The 3-node cluster the fault tests use: replication 3, min ISR 2. A node killed while a
 * producer writes with acks=all loses nothing that was acknowledged, and rejoins.
 */
describe('3-node local cluster', () => {
  let cluster: LocalKafka;

  beforeAll(async () => {
    // Started as by default, whatever HUB_KAFKA_JIT this shell has.
    const { HUB_KAFKA_JIT: _jit, ...env } = process.env;
    cluster = await LocalKafka.start({ nodes: 3, heapMb: 384, env, extraProperties: { 'broker.session.timeout.ms': 4000, 'broker.heartbeat.interval.ms': 1000 } });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("runs each node's JVM with the first JIT tier only, the default for a broker that lives minutes (HUB_KAFKA_JIT=quick)", () => {
    const pids = cluster.nodes.map((n) => n.pid);
    expect(pids).toHaveLength(3);
    for (const pid of pids) {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(args).toContain('kafka.Kafka');
      expect(args).toContain('-XX:TieredStopAtLevel=1');
    }
  });

  it("gives each node's G1 regions of 4 MiB, so that a produce request of up to 2 MB is not a humongous allocation", () => {
    for (const { pid } of cluster.nodes) {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(args.filter((a) => a.startsWith('-XX:G1HeapRegionSize'))).toEqual(['-XX:G1HeapRegionSize=4m']);
    }
  });

  it('keeps every acknowledged message when a node is killed mid-stream, and the node rejoins', async () => {
    const clients = testKafka(cluster.brokers);
    const topic = unique('ha');
    await ensureTopics(clients.kafka, [{ topic, numPartitions: 3, replicationFactor: 3 }]);
    const producer = clients.producer();
    await producer.connect();

    const acknowledged: string[] = [];
    let stop = false;
    let sequence = 0;
    const writer = (async () => {
      while (!stop) {
        const value = `m-${sequence++}`;
        try {
          await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
          acknowledged.push(value);
        } catch {
          // Not acknowledged: the test only promises what the broker confirmed.
        }
      }
    })();

    await eventually(() => acknowledged.length >= 200, 60_000, '200 acknowledged before the kill');
    await cluster.killNode(2);
    const atKill = acknowledged.length;
    await eventually(() => acknowledged.length >= atKill + 200, 90_000, '200 more acknowledged with a node down');
    await cluster.startNode(2);
    await eventually(() => acknowledged.length >= atKill + 400, 60_000, 'writes after the node rejoined');
    stop = true;
    await writer;
    await producer.disconnect();

    const admin = clients.kafka.admin();
    await admin.connect();
    const described = await admin.describeCluster();
    expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    await admin.disconnect();

    const consumed = new Set<string>();
    const consumer = clients.consumer({ groupId: unique('ha') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void consumed.add(message.value!.toString()) });
    await eventually(() => acknowledged.every((v) => consumed.has(v)), 60_000, 'every acknowledged message consumed');
    await consumer.disconnect();
    expect(acknowledged.filter((v) => !consumed.has(v))).toEqual([]);
  }, 300_000);
});
