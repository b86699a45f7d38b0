import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { encodeProduceRequest, type ProduceMessage, type ProduceRequestArgs } from './kafkajs-produce';

const REQUEST_PATH = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
const kafkajsRequire = createRequire(__filename);
const kafkajsRequest = kafkajsRequire(REQUEST_PATH) as (args: ProduceRequestArgs) => { encode: () => Promise<{ buffer: Buffer }> };
const Long = kafkajsRequire(require.resolve('kafkajs/src/utils/long.js')) as { fromValue(v: unknown): unknown };

async function kafkajsBytes(args: ProduceRequestArgs): Promise<Buffer> {
  return (await kafkajsRequest(args).encode()).buffer;
}

const cloudEventHeaders = {
  ce_id: 'evt-2025-0001',
  ce_type: 'gov.gongkai.document.published',
  ce_source: '/gongkai/upstream/docs-system',
  ce_specversion: '1.0',
  ce_time: '2026-11-28T13:00:00.000Z',
  'content-type': 'application/avro',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

function request(messagesPerPartition: ProduceMessage[][], extra: Partial<ProduceRequestArgs> = {}): ProduceRequestArgs {
  return {
    acks: -1,
    timeout: 30_000,
    producerId: Long.fromValue(4711),
    producerEpoch: 3,
    topicData: [{ topic: 'disclosure', partitions: messagesPerPartition.map((messages, partition) => ({ partition, firstSequence: 100 * partition + 7, messages })) }],
    ...extra,
  };
}

describe('encodeProduceRequest', () => {
  // kafkajs stamps each batch with Date.now(); both encoders must see the same clock.
  let now: jest.SpyInstance;
  beforeEach(() => (now = jest.spyOn(Date, 'now').mockReturnValue(1_764_334_800_123)));
  afterEach(() => now.mockRestore());

  const same = async (args: ProduceRequestArgs): Promise<Buffer> => {
    const ours = encodeProduceRequest(args);
    expect(ours).toBeInstanceOf(Buffer);
    expect(ours!.equals(await kafkajsBytes(args))).toBe(true);
    return ours!;
  };

  it("writes kafkajs's bytes for the gateway's records: string keys, Avro values, CloudEvents headers, several partitions", async () => {
    const value = (n: number): Buffer => Buffer.concat([Buffer.from('文'.repeat(n)), randomBytes(n)]);
    const partitions = [0, 1, 2, 3, 4, 5].map((p) => Array.from({ length: p * 7 }, (_, i) => ({ key: `pub-${p}-${i}`, value: value(300 + 50 * i), headers: cloudEventHeaders })));
    const bytes = await same(request(partitions));
    expect(bytes.length).toBeGreaterThan(100_000);
  });

  it('covers lengths around every varint step, null and missing keys and values, and Buffer or array headers', async () => {
    const messages: ProduceMessage[] = [];
    for (const length of [0, 1, 63, 64, 65, 127, 128, 8191, 8192, 8193, 1_048_575, 1_048_576]) {
      messages.push({ key: randomBytes(length % 300), value: randomBytes(length), headers: { h: 'x'.repeat(length % 200) } });
    }
    messages.push({ key: null, value: null }, { value: 'text, not bytes: 值' }, { key: '键', value: Buffer.alloc(0), headers: { multi: ['a', Buffer.from([0, 255]), '值'], empty: '' } });
    messages.push(...Array.from({ length: 150 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }))); // offset deltas past 63 and 127
    await same(request([messages, messages.slice(0, 3)]));
  });

  it('writes every header as kafkajs does however many distinct names and values pass through (its bytes are remembered)', async () => {
    // More distinct names than it keeps (1,024), some repeated after it has forgotten them; values
    // that change every record, that alternate, and that repeat; non-ASCII ones.
    const messages: ProduceMessage[] = Array.from({ length: 5000 }, (_, i) => ({
      key: `pub-${i}`,
      value: Buffer.from([i & 0xff]),
      headers: { ...cloudEventHeaders, ce_id: `evt-${i}`, ce_subject: `公开-${i % 4500}`, ce_type: i % 2 ? 'a' : '类型', [`x-${i % 3}`]: `值${i}`, [`n-${i % 1500}`]: 'same' },
    }));
    await same(request([messages.slice(0, 2500), messages.slice(2500)]));
    await same(request([messages.slice(4000), messages.slice(0, 1000)]));
  });

  it('writes several topics, a transactional id, a plain-number producer id and an empty partition as kafkajs does', async () => {
    const args: ProduceRequestArgs = {
      acks: 1,
      timeout: 5000,
      transactionalId: 'tx-值',
      producerId: 12,
      producerEpoch: 0,
      topicData: [
        { topic: 'a', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v', headers: cloudEventHeaders }] }] },
        { topic: 'b.審核', partitions: [{ partition: 0, messages: [] }, { partition: 1, firstSequence: 2 ** 31 - 1, messages: [{ value: Buffer.from('x') }] }] },
      ],
    };
    await same(args);
  });

  it('leaves to kafkajs what it does not cover: compression, explicit timestamps, other value types', () => {
    expect(encodeProduceRequest(request([[{ value: 'v' }]], { compression: 1 }))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ value: 'v', timestamp: '1764334800000' }]]))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ value: new Uint8Array([1]) as unknown as Buffer }]]))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ key: 5 as unknown as string, value: 'v' }]]))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ value: 'v', headers: { n: 1 } }]]))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ value: 'v', headers: { n: ['a', null] } }]]))).toBeUndefined();
    expect(encodeProduceRequest(request([[{ value: 'v', headers: { ok: ['a', Buffer.from('b')] } }]]))).toBeInstanceOf(Buffer);
  });
});

/** Node's module cache is replaced by jest's own registry, so these run the built module in a plain Node process. */
describe('useFastProduceEncoding, in a Node process', () => {
  const run = (script: string): Record<string, unknown> =>
    JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, DIST: join(__dirname, '..', 'dist'), REQUEST_PATH, PRODUCE_INDEX: require.resolve('kafkajs/src/protocol/requests/produce/index.js'),
          FRAME_PATH: require.resolve('kafkajs/src/protocol/request.js'),
          ENCODER_PATH: require.resolve('kafkajs/src/protocol/encoder.js'),
        },
      }),
    ) as Record<string, unknown>;

  it("is what kafkajs's Produce v3–v7 requests encode with, and kafkajs's own encoder still takes what it leaves", () => {
    const result = run(`
      const { useFastCrc32c } = require(process.env.DIST + '/kafkajs-crc32c.js');
      const { useFastProduceEncoding, encodeProduceRequest } = require(process.env.DIST + '/kafkajs-produce.js');
      useFastCrc32c();
      const first = useFastProduceEncoding();
      const again = useFastProduceEncoding();
      const produce = require(process.env.PRODUCE_INDEX);
      const args = { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: Buffer.from('值') }] }] }] };
      Date.now = () => 1764334800123;
      (async () => {
        const out = {};
        for (const version of [3, 7]) {
          const { request } = produce.protocol({ version })(args);
          const encoded = await request.encode();
          out['v' + version] = { apiVersion: request.apiVersion, same: encoded.buffer.equals(encodeProduceRequest(args)) };
        }
        const timestamped = produce.protocol({ version: 7 })({ ...args, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'v', timestamp: 5 }] }] }] }).request;
        const viaKafkajs = (await timestamped.encode()).buffer;
        // The batch's first timestamp (an int64 at byte 54 of this request): only kafkajs's encoder writes the record's own time.
        process.stdout.write(JSON.stringify({ first, again, ...out, timestampedBytes: viaKafkajs.length, firstTimestamp: Number(viaKafkajs.readBigInt64BE(54)) }));
      })();
    `);
    expect(result).toMatchObject({ first: 'fast', again: 'fast', v3: { apiVersion: 3, same: true }, v7: { apiVersion: 7, same: true } });
    expect(result.timestampedBytes).toBeGreaterThan(61);
    expect(result.firstTimestamp).toBe(5);
  });

  it("frames a fast body in the room before it, to kafkajs's bytes, and any other body by copying it as kafkajs does", () => {
    const result = run(`
      const { useFastProduceEncoding, encodeProduceRequest } = require(process.env.DIST + '/kafkajs-produce.js');
      useFastProduceEncoding();
      const frame = require(process.env.FRAME_PATH);
      const Encoder = require(process.env.ENCODER_PATH);
      const args = { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: Buffer.alloc(300000, 7) }] }] }] };
      const payload = (body) => () => { const e = new Encoder(1); e.buf = body; e.offset = body.length; return Promise.resolve(e); };
      // kafkajs's own framing, written out: size, api key, version, correlation id, client id, body.
      const expected = (clientId, body) => {
        const head = new Encoder().writeInt16(0).writeInt16(7).writeInt32(42).writeString(clientId);
        const all = Buffer.concat([head.buffer, body]);
        const size = Buffer.alloc(4); size.writeInt32BE(all.length);
        return Buffer.concat([size, all]);
      };
      (async () => {
        const out = {};
        for (const [name, clientId] of [['short', 'gongkai-gateway'], ['long', 'c'.repeat(200)]]) {
          const body = encodeProduceRequest(args);
          const copy = Buffer.from(body);
          const framed = (await frame({ correlationId: 42, clientId, request: { apiKey: 0, apiVersion: 7, encode: payload(body) } })).buffer;
          const copied = (await frame({ correlationId: 42, clientId, request: { apiKey: 0, apiVersion: 7, encode: payload(copy) } })).buffer;
          out[name] = { same: framed.equals(expected(clientId, copy)), copiedSame: copied.equals(framed), inPlace: framed.buffer === body.buffer };
        }
        process.stdout.write(JSON.stringify(out));
      })();
    `);
    expect(result).toEqual({ short: { same: true, copiedSame: true, inPlace: true }, long: { same: true, copiedSame: true, inPlace: false } });
  });

  it('says so, and changes nothing, when kafkajs already loaded its own Produce request module', () => {
    const result = run(`
      const own = require(process.env.REQUEST_PATH);
      const { useFastProduceEncoding } = require(process.env.DIST + '/kafkajs-produce.js');
      process.stdout.write(JSON.stringify({ state: useFastProduceEncoding(), unchanged: require(process.env.REQUEST_PATH) === own }));
    `);
    expect(result).toEqual({ state: 'kafkajs-loaded-first', unchanged: true });
  });
});
