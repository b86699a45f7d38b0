import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CRC32C_IMPLEMENTATION, fastCrc32c, portableCrc32c } from './kafkajs-crc32c';

const CRC_PATH = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
const BATCH_PATH = require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js');
const RECORD_PATH = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkajsCrc32c = createRequire(__filename)(CRC_PATH) as (b: Buffer) => number;

describe('fastCrc32c', () => {
  it("gives kafkajs's own CRC32C value for every length around its 16-byte steps, and for large buffers", () => {
    const lengths = [0, 1, 2, 7, 15, 16, 17, 31, 32, 33, 255, 2048, 28_000, 1 << 20];
    for (const length of lengths) {
      for (let round = 0; round < 5; round++) {
        const bytes = randomBytes(length);
        const expected = kafkajsCrc32c(bytes);
        expect({ length, crc: fastCrc32c(bytes), portable: portableCrc32c(bytes) }).toEqual({ length, crc: expected, portable: expected });
      }
    }
    // A view into a larger buffer covers only its own bytes (kafkajs-produce passes subarrays).
    const whole = randomBytes(4096);
    const view = whole.subarray(100, 3000);
    expect(fastCrc32c(view)).toBe(kafkajsCrc32c(Buffer.from(view)));
  });

  it("is the CPU's CRC32C instruction: @node-rs/crc32 ships builds for every platform the hub runs on", () => {
    expect(CRC32C_IMPLEMENTATION).toBe('hardware');
  });

  it('gives the published check values of CRC-32C, unsigned', () => {
    // RFC 3720, B.4: 32 bytes of 0xFF give 0x62A8AB43; the ASCII "123456789" gives 0xE3069283.
    for (const crc of [fastCrc32c, portableCrc32c]) {
      expect(crc(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
      expect(crc(Buffer.from('123456789'))).toBe(0xe3069283);
    }
  });
});

/**
 * The replacement lives in Node's module cache, which jest replaces with a registry of its own,
 * so these run the built module (`turbo run test` builds first) in a plain Node process, as a
 * service does.
 */
describe('useFastCrc32c, in a Node process', () => {
  const built = join(__dirname, '..', 'dist', 'kafkajs-crc32c.js');
  const run = (script: string): Record<string, unknown> =>
    JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, BUILT: built, CRC_PATH, BATCH_PATH, RECORD_PATH },
      }),
    ) as Record<string, unknown>;

  it("becomes the CRC32C that kafkajs's record batch encoder loads, and each batch carries its value", () => {
    const result = run(`
      const { useFastCrc32c, fastCrc32c } = require(process.env.BUILT);
      const first = useFastCrc32c();
      const again = useFastCrc32c();
      const { RecordBatch } = require(process.env.BATCH_PATH);
      const Record = require(process.env.RECORD_PATH);
      const loaded = require(process.env.CRC_PATH);
      RecordBatch({ records: [Record({ key: 'k', value: Buffer.from('值'.repeat(1000)) })] }).then(({ buffer }) => {
        // Kafka's record batch: base offset (8), length (4), leader epoch (4), magic (1), CRC (4), then the body it covers.
        process.stdout.write(JSON.stringify({
          first, again, loadedIsFast: loaded === fastCrc32c,
          written: buffer.readUInt32BE(17), ofBody: fastCrc32c(buffer.subarray(21)), bodyBytes: buffer.length - 21,
        }));
      });
    `);
    expect(result).toMatchObject({ first: 'fast', again: 'fast', loadedIsFast: true });
    expect(result.bodyBytes).toBeGreaterThan(3000);
    expect(result.written).toBe(result.ofBody);
  });

  it('says so, and changes nothing, when kafkajs already loaded its encoder with its own CRC32C', () => {
    const result = run(`
      require(process.env.BATCH_PATH);
      const own = require(process.env.CRC_PATH);
      const { useFastCrc32c, fastCrc32c } = require(process.env.BUILT);
      const state = useFastCrc32c();
      process.stdout.write(JSON.stringify({ state, unchanged: require(process.env.CRC_PATH) === own, fast: own === fastCrc32c }));
    `);
    expect(result).toEqual({ state: 'kafkajs-loaded-first', unchanged: true, fast: false });
  });
});
