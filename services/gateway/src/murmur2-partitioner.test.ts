import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { murmur2, partitionForKey } from './murmur2-partitioner';

describe('partitionForKey', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const metadata = (count: number): PartitionMetadata[] =>
    Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  const theirs = (key: string, count: number) => kafkajs({ topic: 't', partitionMetadata: metadata(count), message: { key, value: null } });

  it('gives the partition kafkajs gives, for keys of every length mod 4 and every partition count', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'pub-2025-000001', 'bench-pub-x-000000042', '聊城市人民政府办公室', 'Ünïcode ✓ 𠀀 mixed', ...Array.from({ length: 2000 }, () => randomBytes(1 + (randomBytes(1)[0]! % 40)).toString('base64'))];
    for (const count of [1, 2, 3, 6, 12, 50, 97]) {
      const mismatches = keys.filter((key) => partitionForKey(key, count) !== theirs(key, count));
      expect(mismatches).toEqual([]);
    }
  });

  it('matches the Java client on known keys (Kafka Utils.murmur2 test vectors)', () => {
    // From Kafka's UtilsTest.testMurmur2; the partition is (h & 0x7fffffff) % n.
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of vectors) expect(murmur2(Buffer.from(key))).toBe(hash);
  });
});
