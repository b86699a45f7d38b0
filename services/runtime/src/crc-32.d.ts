/** crc-32 ships types for its CRC-32 module only; its CRC32C module has the same shape. */
declare module 'crc-32/crc32c' {
  /** CRC32C of the bytes as a signed 32-bit integer; `seed` continues an earlier value. */
  export function buf(data: Uint8Array, seed?: number): number;
}
