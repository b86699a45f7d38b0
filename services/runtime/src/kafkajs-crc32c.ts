import Module from 'node:module';
import { buf as crc32cOf } from 'crc-32/crc32c';

/**
 * kafkajs computes every record batch's CRC32C in plain JavaScript a byte at a time (about
 * 0.5 GB/s here: 57 µs for one 28 KB document), and offers no option to replace it (kafkajs
 * issue #372). `useFastCrc32c` puts crc-32's slicing-by-16 version (about 2.3 GB/s, the same
 * values) in its place in Node's module cache. kafkajs loads its record batch encoder on the
 * first produce, so this works whenever it runs before that; `createKafka` calls it.
 *
 * The broker checks every batch's CRC and refuses a wrong one (CORRUPT_MESSAGE), so every test
 * that produces to the real broker also checks this.
 */
export type Crc32cState =
  /** kafkajs will use the fast CRC32C. */
  | 'fast'
  /** A record batch was already encoded in this process with kafkajs's own CRC32C, which it keeps. */
  | 'kafkajs-loaded-first'
  /** This kafkajs has no module at the expected path (another version): it keeps its own. */
  | 'unavailable';

const CRC_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C/index.js';
const BATCH_MODULE = 'kafkajs/src/protocol/recordBatch/v0/index.js';

/** CRC32C (Castagnoli) of the bytes, as the unsigned number kafkajs writes into a batch header. */
export function fastCrc32c(bytes: Uint8Array): number {
  return crc32cOf(bytes, 0) >>> 0;
}

export function useFastCrc32c(): Crc32cState {
  let crcPath: string;
  let batchPath: string;
  try {
    crcPath = require.resolve(CRC_MODULE);
    batchPath = require.resolve(BATCH_MODULE);
  } catch {
    return 'unavailable';
  }
  if (require.cache[crcPath]?.exports === fastCrc32c) return 'fast';
  if (require.cache[batchPath]) return 'kafkajs-loaded-first';
  putInModuleCache(crcPath, fastCrc32c);
  return 'fast';
}

/** Make `require(path)` give `exports` from now on, as if the file at `path` had been loaded. */
export function putInModuleCache(path: string, exports: unknown): void {
  const replacement = new Module(path);
  replacement.filename = path;
  replacement.loaded = true;
  replacement.exports = exports;
  require.cache[path] = replacement;
}
