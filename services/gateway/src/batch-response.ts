/** One item of a `PublishBatchResponse`, as the gateway answers it (proto-loader's object form). */
export type BatchResultObject =
  | { index: number; published: { eventId: string; topic: string; partition: number; offset: string; duplicate: boolean } }
  | { index: number; error: { code: number; message: string; fieldViolations: readonly { field: string; description: string; reason: string }[] } };

/**
 * `PublishBatchResponse` in protobuf bytes, sized first and then written into one buffer.
 * proto-loader's serializer converts the whole answer into protobufjs messages first
 * (`fromObject`: a message per item and per position, each offset parsed into a Long) and then
 * encodes them through a queue of write operations: about 1.5–2 µs per item here, against
 * 0.3 µs written directly. Proto3 rules: a field at its default value is left out. A test
 * decodes the bytes with the API's own deserializer and compares with proto-loader's.
 */
export function encodePublishBatchResponse(response: { results: readonly BatchResultObject[] }): Buffer {
  const { results } = response;
  // Pass 1: every length-delimited field's size (strings' included), in the order pass 2 writes them.
  const sizes: number[] = [];
  const stringField = (value: string): number => {
    if (!value) return 0;
    const bytes = Buffer.byteLength(value);
    sizes.push(bytes);
    return 1 + varintSize(bytes) + bytes;
  };
  let total = 0;
  for (const result of results) {
    const at = sizes.length;
    sizes.push(0, 0); // the result's size, then its outcome's
    let outcome: number;
    if ('published' in result) {
      const p = result.published;
      outcome = stringField(p.eventId) + stringField(p.topic) + (p.partition ? 1 + int32Size(p.partition) : 0) + (isZeroOffset(p.offset) ? 0 : 1 + int64Size(p.offset)) + (p.duplicate ? 2 : 0);
    } else {
      const e = result.error;
      outcome = (e.code ? 1 + int32Size(e.code) : 0) + stringField(e.message);
      for (const v of e.fieldViolations) {
        const violationAt = sizes.length;
        sizes.push(0); // the violation's size, before its strings'
        const size = stringField(v.field) + stringField(v.description) + stringField(v.reason);
        sizes[violationAt] = size;
        outcome += 1 + varintSize(size) + size;
      }
    }
    const size = (result.index ? 1 + int32Size(result.index) : 0) + 1 + varintSize(outcome) + outcome;
    sizes[at] = size;
    sizes[at + 1] = outcome;
    total += 1 + varintSize(size) + size;
  }

  // Pass 2.
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  let next = 0;
  const varint = (value: number): void => {
    while (value > 0x7f) {
      out[pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    out[pos++] = value;
  };
  const string = (tag: number, value: string): void => {
    if (!value) return;
    out[pos++] = tag;
    varint(sizes[next++]!);
    pos += out.write(value, pos);
  };
  const int32 = (tag: number, value: number): void => {
    if (!value) return;
    out[pos++] = tag;
    if (value > 0) varint(value);
    else pos = writeBigVarint(out, pos, BigInt.asUintN(64, BigInt(value)));
  };
  for (const result of results) {
    out[pos++] = /* results = 1, LEN */ 10;
    varint(sizes[next++]!);
    int32(/* index = 1 */ 8, result.index);
    const outcome = sizes[next++]!;
    if ('published' in result) {
      const p = result.published;
      out[pos++] = /* published = 2, LEN */ 18;
      varint(outcome);
      string(/* event_id = 1 */ 10, p.eventId);
      string(/* topic = 2 */ 18, p.topic);
      int32(/* partition = 3 */ 24, p.partition);
      if (!isZeroOffset(p.offset)) {
        out[pos++] = /* offset = 4 */ 32;
        const offset = Number(p.offset);
        if (Number.isSafeInteger(offset) && offset > 0) varint(offset);
        else pos = writeBigVarint(out, pos, BigInt.asUintN(64, BigInt(p.offset)));
      }
      if (p.duplicate) {
        out[pos++] = /* duplicate = 5 */ 40;
        out[pos++] = 1;
      }
    } else {
      const e = result.error;
      out[pos++] = /* error = 3, LEN */ 26;
      varint(outcome);
      int32(/* code = 1 */ 8, e.code);
      string(/* message = 2 */ 18, e.message);
      for (const v of e.fieldViolations) {
        out[pos++] = /* field_violations = 3, LEN */ 26;
        varint(sizes[next++]!);
        string(/* field = 1 */ 10, v.field);
        string(/* description = 2 */ 18, v.description);
        string(/* reason = 3 */ 26, v.reason);
      }
    }
  }
  if (pos !== total) throw new Error(`PublishBatchResponse: wrote ${pos} bytes of ${total}`);
  return out;
}

function isZeroOffset(offset: string): boolean {
  return offset === '' || offset === '0';
}

function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** A negative int32 takes ten bytes: protobuf writes it as the 64-bit two's complement. */
function int32Size(value: number): number {
  return value < 0 ? 10 : varintSize(value);
}

function int64Size(decimal: string): number {
  const value = Number(decimal);
  if (Number.isSafeInteger(value) && value > 0) return varintSize(value);
  let big = BigInt.asUintN(64, BigInt(decimal));
  let size = 1;
  while (big > 0x7fn) {
    big >>= 7n;
    size++;
  }
  return size;
}

function writeBigVarint(out: Buffer, pos: number, value: bigint): number {
  while (value > 0x7fn) {
    out[pos++] = Number(value & 0x7fn) | 0x80;
    value >>= 7n;
  }
  out[pos++] = Number(value);
  return pos;
}
