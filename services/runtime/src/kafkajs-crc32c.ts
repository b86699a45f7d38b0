import Module from 'node:module';
import { buf as crc32cOf } from 'crc-32/crc32c';

/**
 * kafkajs computes every record batch's CRC32C in plain JavaScript a byte at a time (about
 * 0.5 GB/s here: 57 µs for one 28 KB document), and offers no option to replace it (kafkajs
 * issue #372). `useFastCrc32c` puts a faster one (the same values) in its place in Node's module
 * cache: the CPU's own CRC32C instruction through `@node-rs/crc32` (about 5.4 GB/s here: 37 µs
 * for a 200 KB batch), or, where that package has no build for the platform, crc-32's
 * slicing-by-16 in JavaScript (about 1.2 GB/s: 161 µs). kafkajs loads its record batch encoder
 * on the first produce, so this works whenever it runs before that; `createKafka` calls it.
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

/** crc-32's CRC32C in JavaScript, for where `@node-rs/crc32` has no build. */
export function portableCrc32c(bytes: Uint8Array): number {
  return crc32cOf(bytes, 0) >>> 0;
}

/** `@node-rs/crc32`'s CRC32C, if its build for this platform is installed (an optional dependency). */
function loadHardwareCrc32c(): ((bytes: Uint8Array) => number) | undefined {
  try {
    // A require, not an import: where the platform's build is missing, loading throws.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { crc32c } = require('@node-rs/crc32') as { crc32c: (input: Uint8Array, initialState?: number) => number };
    return (bytes) => crc32c(bytes) >>> 0;
  } catch {
    return undefined;
  }
}

const hardwareCrc32c = loadHardwareCrc32c();

/** Which CRC32C {@link fastCrc32c} is. */
export const CRC32C_IMPLEMENTATION: 'hardware' | 'portable' = hardwareCrc32c ? 'hardware' : 'portable';

/** CRC32C (Castagnoli) of the bytes, as the unsigned number kafkajs writes into a batch header. */
export const fastCrc32c: (bytes: Uint8Array) => number = hardwareCrc32c ?? portableCrc32c;

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
