import { fastCrc32c, putInModuleCache } from './kafkajs-crc32c';

/**
 * kafkajs encodes a produce request in many small steps: a new zero-filled 512-byte buffer for
 * every record and every header, a `Buffer.from([...])` for every varint, and each record's
 * bytes copied four to six times as encoders nest (record → batch → partition → topic →
 * request). For a request of 30 records of 2 KB that is about 50 µs per record, the largest
 * part of a publish in the gateway. `encodeProduceRequest` writes the same bytes in one pass
 * into one buffer, sized first.
 *
 * `useFastProduceEncoding` puts it in place of kafkajs's Produce v3 request module (v4–v7, the
 * versions Kafka 4 speaks, are v3 with another version number) in Node's module cache, the way
 * `useFastCrc32c` does; kafkajs loads that module on the first produce. Requests the fast path
 * does not cover (compression, explicit timestamps, values that are neither strings nor Buffers)
 * go to kafkajs's own encoder, unchanged. The unit tests compare the two byte for byte, and the
 * broker checks every batch's CRC and record framing.
 */
export type ProduceEncodingState =
  /** kafkajs will encode produce requests with `encodeProduceRequest`. */
  | 'fast'
  /** kafkajs already loaded its own Produce v3 request module in this process, and keeps it. */
  | 'kafkajs-loaded-first'
  /** This kafkajs has no module at the expected path (another version): it keeps its own. */
  | 'unavailable';

type Bytes = string | Buffer | null | undefined;
export interface ProduceMessage {
  readonly key?: Bytes;
  readonly value?: Bytes;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly timestamp?: unknown;
}
export interface ProducePartition {
  readonly partition: number;
  readonly firstSequence?: number;
  readonly messages: readonly ProduceMessage[];
}
export interface ProduceRequestArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  /** kafkajs's Long, or a number. */
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly { readonly topic: string; readonly partitions: readonly ProducePartition[] }[];
}

const REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request.js';
const ENCODER_MODULE = 'kafkajs/src/protocol/encoder.js';
const LONG_MODULE = 'kafkajs/src/utils/long.js';
const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
/** Record batch header from the base offset to the record count: 8+4+4+1+4+2+4+8+8+8+2+4+4. */
const BATCH_HEADER_BYTES = 61;
/**
 * Bytes kept free before each produce body for the frame kafkajs puts in front of it: size,
 * API key and version, correlation id, client id (4+2+2+4+2 and the id; an id too long for the
 * room is framed by copying, as kafkajs does).
 */
const FRAME_ROOM = 128;
/** Buffers whose ArrayBuffer, before their first byte, is free for a frame to be written into. */
const roomBefore = new WeakSet<Uint8Array>();

interface LongLike {
  getHighBits(): number;
  getLowBits(): number;
}
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
}
interface EncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  readonly prototype: KafkajsEncoder & { writeEncoder: (this: KafkajsEncoder, value: KafkajsEncoder) => KafkajsEncoder };
}
interface KafkajsParts {
  readonly Long: { fromValue(v: unknown): LongLike; fromInt(v: number): LongLike };
  readonly Encoder: EncoderClass;
}
let parts: KafkajsParts | undefined;
function kafkajsParts(): KafkajsParts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  parts ??= { Long: require(require.resolve(LONG_MODULE)) as KafkajsParts['Long'], Encoder: require(require.resolve(ENCODER_MODULE)) as KafkajsParts['Encoder'] };
  return parts;
}

const isBytes = (v: unknown): v is Bytes => v === null || v === undefined || typeof v === 'string' || Buffer.isBuffer(v);

/** Bytes of a zigzag varint of a non-negative number below 2^30, or of -1. */
function varintBytes(n: number): number {
  let v = n < 0 ? 1 : n * 2;
  let bytes = 1;
  while (v > 0x7f) {
    bytes++;
    v = Math.floor(v / 128);
  }
  return bytes;
}

function writeVarint(buf: Buffer, at: number, n: number): number {
  let v = n < 0 ? 1 : n * 2;
  while (v > 0x7f) {
    buf[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[at++] = v;
  return at;
}

const lengthOf = (v: string | Buffer): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);

/** A varint length and the bytes (a string as UTF-8), or -1 for none. */
function writeVarintBytes(buf: Buffer, at: number, v: Bytes): number {
  if (v === null || v === undefined) return writeVarint(buf, at, -1);
  if (typeof v === 'string') {
    at = writeVarint(buf, at, Buffer.byteLength(v, 'utf8'));
    return at + buf.write(v, at, 'utf8');
  }
  at = writeVarint(buf, at, v.length);
  return at + v.copy(buf, at);
}

const sizeOfVarintBytes = (v: Bytes): number => {
  if (v === null || v === undefined) return 1;
  const n = lengthOf(v);
  return varintBytes(n) + n;
};

/**
 * Writes the headers as kafkajs lists them (an array value is one header per element), each
 * name and value as its UTF-8 bytes, name, value, name, value …, into `list` from `at`; returns
 * where they end, or -1 for a value that is neither a string nor a Buffer (kafkajs's to
 * encode). `list` is reused from request to request (see {@link scratch}).
 */
function appendHeaders(headers: Readonly<Record<string, unknown>> | undefined, list: Buffer[], at: number): number {
  if (!headers) return at;
  // for…in, own keys only as Object.keys gives them, without an array of keys per record.
  for (const key in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, key)) continue;
    const v = headers[key];
    const name = headerName(key);
    if (Array.isArray(v)) {
      for (const each of v as unknown[]) {
        const bytes = headerValue(name, each);
        if (bytes === undefined) return -1;
        list[at++] = name.bytes;
        list[at++] = bytes;
      }
    } else {
      const bytes = headerValue(name, v);
      if (bytes === undefined) return -1;
      list[at++] = name.bytes;
      list[at++] = bytes;
    }
  }
  return at;
}

const headerValue = (name: HeaderName, v: unknown): Buffer | undefined => (typeof v === 'string' ? valueBytes(name, v) : Buffer.isBuffer(v) ? v : undefined);

/**
 * encodeProduceRequest's lists, kept from one request to the next (it never yields, so one set
 * serves): every record's body size, where its headers end in `headers`, and all the records'
 * headers one after another. Lists of its own for each request, and an array of headers for
 * each record, were 8% of the bytes the gateway's producer thread allocated for a 2 KB event
 * (docs/benchmarks.md, twenty-fifth round). Entries past the current request still hold an
 * earlier, larger request's headers until they are overwritten: at most one request's worth.
 */
const scratch = { bodies: [] as number[], headerEnds: [] as number[], headers: [] as Buffer[] };

/**
 * A header name's UTF-8 bytes, and its last value's. Names repeat from record to record, and
 * so do most values (an event's source, type, schema, content type, a batch's trace context),
 * while some never do (an event's id, time, subject). Remembering each name's last value costs
 * nothing for either; a cache of all values (before) looked up and stored every unique one.
 * Measuring and writing each string every time cost about a tenth of encoding a 2 KB event's
 * record.
 */
interface HeaderName {
  readonly bytes: Buffer;
  lastValue: string | undefined;
  lastBytes: Buffer;
}

function headerName(text: string): HeaderName {
  let name = headerNames.get(text);
  if (name === undefined) {
    name = { bytes: Buffer.from(text, 'utf8'), lastValue: undefined, lastBytes: EMPTY };
    if (headerNames.size >= HEADER_NAMES) headerNames.clear();
    headerNames.set(text, name);
  }
  return name;
}

function valueBytes(name: HeaderName, text: string): Buffer {
  if (name.lastValue !== text) {
    name.lastBytes = Buffer.from(text, 'utf8');
    name.lastValue = text;
  }
  return name.lastBytes;
}
const EMPTY = Buffer.alloc(0);
const HEADER_NAMES = 1024;
const headerNames = new Map<string, HeaderName>();

function writeInt64(buf: Buffer, at: number, long: LongLike): number {
  buf.writeInt32BE(long.getHighBits(), at);
  buf.writeInt32BE(long.getLowBits(), at + 4);
  return at + 8;
}

/**
 * The body of a Produce request v3–v7 (transactional id, acks, timeout, topic data with one
 * uncompressed record batch per partition), byte for byte as kafkajs writes it; undefined for
 * what it does not cover, which kafkajs encodes: compression, explicit timestamps, keys, values
 * or headers that are neither strings nor Buffers. (They are checked while sizing the request:
 * a walk of their own, before, cost half a microsecond per record.)
 */
export function encodeProduceRequest(args: ProduceRequestArgs): Buffer | undefined {
  if ((args.compression ?? 0) !== 0) return undefined;
  const { Long } = kafkajsParts();
  const transactionalId = args.transactionalId ?? null;
  const producerId = args.producerId === undefined ? Long.fromInt(-1) : Long.fromValue(args.producerId);
  const producerEpoch = args.producerEpoch ?? 0;

  // Sizes first: every record's body, then the whole request.
  const { bodies, headerEnds, headers } = scratch;
  let records = 0;
  let headersEnd = 0;
  let total = (transactionalId === null ? 2 : 2 + Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  for (const { topic, partitions } of args.topicData) {
    total += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    for (const { messages } of partitions) {
      total += 4 + 4 + BATCH_HEADER_BYTES;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        if ((m.timestamp !== null && m.timestamp !== undefined) || !isBytes(m.key) || !isBytes(m.value)) return undefined;
        const first = headersEnd;
        headersEnd = appendHeaders(m.headers, headers, first);
        if (headersEnd < 0) return undefined;
        let body = 1 + 1 + varintBytes(i) + sizeOfVarintBytes(m.key) + sizeOfVarintBytes(m.value) + varintBytes((headersEnd - first) / 2);
        for (let h = first; h < headersEnd; h++) body += varintBytes(headers[h]!.length) + headers[h]!.length;
        bodies[records] = body;
        headerEnds[records++] = headersEnd;
        total += varintBytes(body) + body;
      }
    }
  }

  // Room before the body for kafkajs's frame (see frameInPlace); its own ArrayBuffer, so that room is ours.
  const buf = Buffer.allocUnsafeSlow(FRAME_ROOM + total).subarray(FRAME_ROOM);
  roomBefore.add(buf);
  let at = 0;
  if (transactionalId === null) at = buf.writeInt16BE(-1, at);
  else {
    at = buf.writeInt16BE(Buffer.byteLength(transactionalId, 'utf8'), at);
    at += buf.write(transactionalId, at, 'utf8');
  }
  at = buf.writeInt16BE(args.acks, at);
  at = buf.writeInt32BE(args.timeout, at);
  at = buf.writeInt32BE(args.topicData.length, at);
  let record = 0;
  let header = 0;
  for (const { topic, partitions } of args.topicData) {
    at = buf.writeInt16BE(Buffer.byteLength(topic, 'utf8'), at);
    at += buf.write(topic, at, 'utf8');
    at = buf.writeInt32BE(partitions.length, at);
    for (const { partition, firstSequence, messages } of partitions) {
      const now = Date.now();
      at = buf.writeInt32BE(partition, at);
      const recordSetAt = at;
      at += 4; // record set size, written below
      at = writeInt64(buf, at, Long.fromInt(0)); // base offset
      const batchLengthAt = at;
      at += 4;
      at = buf.writeInt32BE(0, at); // partition leader epoch
      at = buf.writeInt8(MAGIC_BYTE, at);
      const crcAt = at;
      at += 4;
      at = buf.writeInt16BE(transactionalId === null ? 0 : TRANSACTIONAL_MASK, at);
      at = buf.writeInt32BE(messages.length - 1, at); // last offset delta
      at = writeInt64(buf, at, Long.fromValue(now)); // first timestamp
      at = writeInt64(buf, at, Long.fromValue(now)); // max timestamp
      at = writeInt64(buf, at, producerId);
      at = buf.writeInt16BE(producerEpoch, at);
      at = buf.writeInt32BE(firstSequence ?? 0, at);
      at = buf.writeInt32BE(messages.length, at);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const end = headerEnds[record]!;
        at = writeVarint(buf, at, bodies[record++]!);
        buf[at++] = 0; // attributes
        buf[at++] = 0; // timestamp delta: every record has the batch's time
        at = writeVarint(buf, at, i);
        at = writeVarintBytes(buf, at, m.key);
        at = writeVarintBytes(buf, at, m.value);
        at = writeVarint(buf, at, (end - header) / 2);
        for (; header < end; header++) {
          const bytes = headers[header]!;
          at = writeVarint(buf, at, bytes.length);
          buf.set(bytes, at);
          at += bytes.length;
        }
      }
      buf.writeInt32BE(at - recordSetAt - 4, recordSetAt);
      buf.writeInt32BE(at - batchLengthAt - 4, batchLengthAt);
      buf.writeUInt32BE(fastCrc32c(buf.subarray(crcAt + 4, at)), crcAt);
    }
  }
  if (at !== total) throw new Error(`produce request sized ${total} bytes, written ${at}`);
  return buf;
}

type RequestFactory = (args: ProduceRequestArgs) => { encode: () => Promise<unknown> };

let installed: RequestFactory | undefined;

export function useFastProduceEncoding(): ProduceEncodingState {
  let path: string;
  try {
    path = require.resolve(REQUEST_MODULE);
    require.resolve(ENCODER_MODULE);
    require.resolve(LONG_MODULE);
  } catch {
    return 'unavailable';
  }
  const cached = require.cache[path];
  if (cached && installed && cached.exports === installed) return 'fast';
  if (cached) return 'kafkajs-loaded-first';
  // kafkajs's own module, for what the fast path leaves to it; then ours takes its place.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kafkajsRequest = require(path) as RequestFactory;
  const { Encoder } = kafkajsParts();
  installed = (args) => {
    const request = kafkajsRequest(args);
    return {
      ...request,
      encode: () => {
        const body = encodeProduceRequest(args);
        if (body === undefined) return request.encode();
        // kafkajs frames the body by reading an Encoder's `buf` and `offset`.
        const encoder = new Encoder(1);
        encoder.buf = body;
        encoder.offset = body.length;
        return Promise.resolve(encoder);
      },
    };
  };
  putInModuleCache(path, installed);
  frameInPlace(Encoder);
  return 'fast';
}

/**
 * kafkajs frames every request (protocol/request.js) in two Encoders: one for the request
 * header and then the body, copied in; one for the size and then all that, copied again. Each
 * starts at 512 bytes and grows by new zero-filled powers of two, so a 900 KB produce request
 * cost two fresh 1 MiB buffers and two copies: an eighth of the gateway's producer thread. For a
 * body written with room before it (encodeProduceRequest's), `writeEncoder` here writes what the
 * encoder holds so far (the header, then the size) into that room instead, and the body is never
 * copied. Every other body is copied, as kafkajs does. A test compares the framed bytes with
 * kafkajs's own.
 */
function frameInPlace(Encoder: EncoderClass): void {
  const proto = Encoder.prototype;
  const copying = proto.writeEncoder;
  if ((copying as { inPlace?: true }).inPlace) return;
  const writeEncoder = function (this: KafkajsEncoder, value: KafkajsEncoder): KafkajsEncoder {
    const body = value?.buf;
    const head = this.offset;
    if (!body || !roomBefore.has(body) || head > body.byteOffset) return copying.call(this, value);
    const framed = Buffer.from(body.buffer, body.byteOffset - head, head + value.offset);
    this.buf.copy(framed, 0, 0, head);
    roomBefore.add(framed);
    this.buf = framed;
    this.offset = framed.length;
    return this;
  };
  Object.assign(writeEncoder, { inPlace: true as const });
  proto.writeEncoder = writeEncoder;
}
