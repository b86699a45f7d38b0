/**
 * The events the benchmark sends: the contracts' sample document (Liaocheng's 2025 disclosure
 * work plan) with its body grown until the encoded Avro value has the size asked for, and a
 * fresh event id and publication id per call, so every call is new to the gateway and the
 * events spread over the topic's partitions as real publications would.
 */
import { eventDataToProto, encodeEvent, loadIngestService, type EncodedEvent, type EventData, type ingestApi } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';

type Document = EventData<'document.published'>;

/** Length of the ids' variable part, so every event of one size has the same size. */
const ID_DIGITS = 8;

/**
 * The variable part of the ids of sequence number `seq`: eight hex digits of a bijective
 * scramble of it (MurmurHash3's finaliser), so ids stay unique but arrive in no order, as the
 * UUIDs of real upstream systems do. Ids in ascending order would flatter any store keyed by
 * them: each new one lands beside the last.
 */
export function idDigits(seq: number): string {
  return scramble(seq).toString(16).padStart(ID_DIGITS, '0');
}

/** What {@link idDigits} gives, written as latin1 bytes at `at` without a string in between. */
export function writeIdDigits(bytes: Uint8Array, at: number, seq: number): void {
  let h = scramble(seq);
  for (let i = at + ID_DIGITS - 1; i >= at; i--) {
    bytes[i] = HEX[h & 15]!;
    h >>>= 4;
  }
}
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** MurmurHash3's finaliser: a bijection of the 32-bit unsigned integers. */
function scramble(seq: number): number {
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new RangeError(`bench ids: sequence ${seq} is not a 32-bit unsigned integer`);
  let h = seq;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface SizedDocument {
  /** Encoded Avro value size in bytes (what Kafka stores). */
  readonly avroBytes: number;
  /** The document, with a placeholder publication id. */
  readonly data: Document;
  /** The same in proto terms, for a PublishRequest. */
  readonly proto: Record<string, unknown>;
}

/** A document whose Avro value is about `targetBytes` long (within a few bytes). */
export function sizedDocument(targetBytes: number): SizedDocument {
  const base = sampleEvents()['document.published'];
  const paragraphs = base.body.split('\n');
  const with_ = (body: string): Document => ({ ...base, publicationId: publicationId('x', 0), body });
  const size = (data: Document): number => encode(data, eventId('x', 0)).value.length;
  let body = paragraphs.slice(0, 3).join('\n');
  // Grow by whole paragraphs, then trim characters to land on the size.
  for (let i = 3; size(with_(body)) < targetBytes; i++) body += `\n${paragraphs[i % paragraphs.length] ?? ''}`;
  // By code points: cutting a surrogate pair in half would make the event invalid.
  const chars = [...body];
  while (chars.length > 1 && size(with_(chars.join(''))) > targetBytes) chars.pop();
  body = chars.join('');
  const data = with_(body);
  return { avroBytes: size(data), data, proto: eventDataToProto('document.published', data) };
}

/** The sequence number whose ids end in `digits` (what {@link idDigits} made), or undefined. */
export function seqOfIdDigits(digits: string): number | undefined {
  if (!/^[0-9a-f]{8}$/.test(digits)) return undefined;
  // MurmurHash3's finaliser undone step by step: each xor-shift and each odd multiplier is invertible.
  let h = Number.parseInt(digits, 16);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7ed1b41d); // the inverse of 0xc2b2ae35 modulo 2^32
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243); // the inverse of 0x85ebca6b
  h ^= h >>> 16;
  return h >>> 0;
}

/** `bench-<tag>-3d5f09a2`: unique per tag and sequence number, all of one length, in no order. */
export function eventId(tag: string, seq: number): string {
  return `bench-${tag}-${idDigits(seq)}`;
}

export function publicationId(tag: string, seq: number): string {
  return `bench-pub-${tag}-${idDigits(seq)}`;
}

/** A PublishRequest for call `seq`: the sized document under a fresh event id and publication id. */
export function publishRequest(doc: SizedDocument, tag: string, seq: number): ingestApi.PublishRequest {
  return { eventId: eventId(tag, seq), source: '/gongkai/bench', document: { ...doc.proto, publicationId: publicationId(tag, seq) } };
}

/** The Kafka message the gateway would write for call `seq`, for the raw producer baseline. */
export function encodedEvent(doc: SizedDocument, tag: string, seq: number): EncodedEvent {
  return encode({ ...doc.data, publicationId: publicationId(tag, seq) }, eventId(tag, seq));
}

function encode(data: Document, id: string): EncodedEvent {
  return encodeEvent({ type: 'document.published', source: '/gongkai/upstream/docs-system', id, data, time: new Date() });
}

/**
 * PublishBatch requests as bytes, made by patching ids into one encoded template: the load
 * generator shares the two cores with the gateway, and encoding a hundred 2 KB documents per
 * call would take CPU the gateway is measured without. `bytes(n)` is exactly what protobuf
 * encodes for the items `publishRequest(doc, tag, n * size + i)` (the ids have one length, so
 * patching them moves nothing).
 */
/** Spare requests kept: more than the calls in flight of any cell. */
const MAX_SPARE = 256;

export class BatchRequestBytes {
  private readonly template: Buffer;
  /** Where each item's event id digits and publication id digits start. */
  private readonly digitOffsets: number[] = [];

  constructor(
    doc: SizedDocument,
    private readonly tag: string,
    readonly size: number,
  ) {
    const serialize = loadIngestService().gongkai.hub.v1.IngestService.service.PublishBatch.requestSerialize as (r: ingestApi.PublishBatchRequest) => Buffer;
    this.template = serialize({ items: Array.from({ length: size }, (_, i) => publishRequest(doc, tag, i)) });
    let from = 0;
    for (let i = 0; i < size; i++) {
      for (const id of [eventId(tag, i), publicationId(tag, i)]) {
        const at = this.template.indexOf(id, from, 'latin1');
        if (at < 0) throw new Error(`BatchRequestBytes: id ${id} not found in the encoded template`);
        this.digitOffsets.push(at + id.length - ID_DIGITS);
        from = at + id.length;
      }
    }
  }

  /** Requests given back (see {@link reuse}): only their ids differ from the template. */
  private readonly spare: Buffer[] = [];

  /** The request of call `n`: items n × size … n × size + size − 1. */
  bytes(n: number): Buffer {
    const bytes = this.spare.pop() ?? Buffer.from(this.template);
    for (let i = 0; i < this.size; i++) {
      writeIdDigits(bytes, this.digitOffsets[2 * i]!, n * this.size + i);
      writeIdDigits(bytes, this.digitOffsets[2 * i + 1]!, n * this.size + i);
    }
    return bytes;
  }

  /**
   * A request whose call has been answered, for a later call to take with new ids: a 200 KB
   * copy of the template and its garbage less per call, on the two cores the gateway is
   * measured on. Only for calls that completed (grpc-js has framed a copy of the bytes by then).
   */
  reuse(request: Buffer): void {
    if (request.length === this.template.length && this.spare.length < MAX_SPARE) this.spare.push(request);
  }
}
