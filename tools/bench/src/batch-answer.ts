/**
 * What the load generator checks of a PublishBatch answer, read from its bytes: how many
 * results it has and how many of them were published. The load generator shares the two cores
 * the gateway is measured on; decoding every answer into a hundred result objects (their
 * offsets as int64 strings) cost it about a tenth of its CPU, all of it taken from the gateway.
 */
import { Reader } from 'protobufjs';

export interface BatchAnswer {
  /** Results in the answer (PublishBatchResponse.results). */
  readonly results: number;
  /** Results whose outcome is `published`. */
  readonly published: number;
}

const LEN = 2;
const RESULTS = 1; // PublishBatchResponse.results
const PUBLISHED = 2; // PublishBatchResult.published
const ERROR = 3; // PublishBatchResult.error

/** Counts an encoded PublishBatchResponse's results and those published; throws on bytes that are not one. */
export function readBatchAnswer(bytes: Uint8Array): BatchAnswer {
  const reader = Reader.create(bytes);
  let results = 0;
  let published = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== RESULTS || (tag & 7) !== LEN) {
      reader.skipType(tag & 7);
      continue;
    }
    const end = reader.uint32() + reader.pos;
    if (end > reader.len) throw new RangeError(`a batch result runs past the answer's ${reader.len} bytes`);
    results++;
    let isPublished = false;
    while (reader.pos < end) {
      const field = reader.uint32();
      // The oneof's last member wins, as protobuf decoders read it.
      if ((field & 7) === LEN && (field >>> 3 === PUBLISHED || field >>> 3 === ERROR)) isPublished = field >>> 3 === PUBLISHED;
      reader.skipType(field & 7);
    }
    if (reader.pos !== end) throw new RangeError('a batch result ends inside a field');
    if (isPublished) published++;
  }
  return { results, published };
}
