/**
 * Kafka's default key partitioner (murmur2 of the key's UTF-8 bytes, as the Java client and
 * kafkajs's DefaultPartitioner compute it), on 32-bit integers: kafkajs does the same arithmetic
 * with 64-bit Long objects, about ten of them per key, which showed in the gateway's profile.
 * Only the low 32 bits ever reach the result, so Math.imul gives the same partition for every
 * key (checked against kafkajs in murmur2-partitioner.test.ts).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** murmur2 of the bytes, as a signed 32-bit integer (Kafka's `Utils.murmur2`). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner gives a record with this key. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
