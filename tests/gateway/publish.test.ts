import { connect } from 'node:http2';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { decodeEvent, encodeEvent, eventDataToProto, TOPICS, type EventData } from '@gongkai/contracts';
import { sampleEvents as sampleEventsForTests } from '@gongkai/contracts/dist/testing/sample-events';
import { readStatusDetails } from '@gongkai/gateway';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { auth, call, COUNTY_CREDIT_CODE, startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { eventually, testKafka, unique } from '../support/kafka';

type Doc = EventData<'document.published'>;

function document(overrides: Partial<Doc> = {}): Doc {
  return { ...sampleEventsForTests()['document.published'], publicationId: unique('pub'), ...overrides };
}

function publishRequest(eventId: string, doc: Doc) {
  return { eventId, document: eventDataToProto('document.published', doc) };
}

async function refused(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the call was accepted but should have been refused');
}

/** Every message on `disclosure` whose key is one of `keys`, read from the beginning. */
async function disclosed(keys: Set<string>, expected: number): Promise<{ key: string; id: string; traceparent?: string; data: unknown }[]> {
  const clients = testKafka();
  const found: { key: string; id: string; traceparent?: string; data: unknown }[] = [];
  const consumer = clients.consumer({ groupId: unique('read') });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.disclosure, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      if (keys.has(key)) {
        const event = decodeEvent(message);
        found.push({ key, id: event.id, ...(event.traceparent ? { traceparent: event.traceparent } : {}), data: event.data });
      }
    },
  });
  try {
    await eventually(() => found.length >= expected, 30_000, `${expected} events on disclosure`);
    await new Promise((r) => setTimeout(r, 1000)); // room for an unexpected extra copy to show up
  } finally {
    await consumer.disconnect();
  }
  return found;
}

describe('gateway: Publish', () => {
  let gw: RunningGateway;
  const tracing = new NodeTracerProvider();
  beforeAll(async () => {
    tracing.register(); // as the gateway's main.ts does
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  type Answer = { eventId: string; topic: string; partition: number; offset: string; duplicate: boolean };
  /** `null` sends no credentials at all. */
  const publish = (request: unknown, token: string | null = TOKENS.docs): Promise<Answer> =>
    call<never, Answer>(gw.client, gw.client.Publish, request as never, auth(token ?? undefined));

  it('answers with topic, partition and offset once Kafka has the event, and the event is on the topic', async () => {
    const doc = document();
    const res = await publish(publishRequest(unique('evt'), doc));
    expect(res).toMatchObject({ topic: 'disclosure', duplicate: false });
    expect(Number(res.offset)).toBeGreaterThanOrEqual(0);
    const found = await disclosed(new Set([doc.publicationId]), 1);
    expect(found).toHaveLength(1);
    // The document took the transcoder's road (decision 008): what Kafka has reads back as sent.
    expect(found[0]!.data).toEqual(doc);
  });

  it("continues the caller's trace: the event's traceparent carries the caller's trace id", async () => {
    const doc = document();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metadata = auth(TOKENS.docs);
    metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    await call(gw.client, gw.client.Publish, publishRequest(unique('evt'), doc) as never, metadata);
    const [found] = await disclosed(new Set([doc.publicationId]), 1);
    expect(found?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(found?.traceparent).not.toContain('00f067aa0ba902b7'); // the gateway's own span is the parent
  });

  describe('who may call', () => {
    it('refuses a call without credentials: UNAUTHENTICATED', async () => {
      const err = await refused(publish(publishRequest(unique('evt'), document()), null));
      expect(err.code).toBe(status.UNAUTHENTICATED);
      expect(err.details).toMatch(/no credentials/);
    });

    it('refuses an unknown token, and the token never reaches a log line', async () => {
      const token = 'not-a-registered-token-5f3e';
      const err = await refused(publish(publishRequest(unique('evt'), document()), token));
      expect(err.code).toBe(status.UNAUTHENTICATED);
      await publish(publishRequest(unique('evt'), document()));
      const logs = gw.logLines.join('');
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(TOKENS.docs);
    });

    it('refuses an event type outside the grant: PERMISSION_DENIED', async () => {
      const err = await refused(publish(publishRequest(unique('evt'), document()), TOKENS.procurement));
      expect(err.code).toBe(status.PERMISSION_DENIED);
      expect(err.details).toContain('may not publish document.published');
    });

    it('refuses an issuing body outside the grant, and accepts its own', async () => {
      const foreign = await refused(publish(publishRequest(unique('evt'), document()), TOKENS.county));
      expect(foreign.code).toBe(status.PERMISSION_DENIED);
      expect(foreign.details).toContain('may not publish for issuing body');
      const own = document({
        issuingBody: { name: '东昌府区人民政府办公室', creditCode: COUNTY_CREDIT_CODE, code: null },
        indexNumber: `${COUNTY_CREDIT_CODE}/2025-00031`,
      });
      await expect(publish(publishRequest(unique('evt'), own), TOKENS.county)).resolves.toMatchObject({ duplicate: false });
    });
  });

  describe('bad input', () => {
    it('names every broken field in google.rpc.BadRequest, and nothing reaches Kafka', async () => {
      const doc = document({
        issuingBody: { name: '聊城市人民政府办公室', creditCode: '11371500004310437K', code: null },
        title: '',
        formedOn: '2025-07-01',
      });
      const err = await refused(publish(publishRequest(unique('evt'), doc)));
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      const fields = readStatusDetails(err.metadata).fieldViolations.map((v) => v.field);
      expect(fields).toEqual(expect.arrayContaining(['document.issuingBody.creditCode', 'document.title', 'document.formedOn']));
      const marker = document();
      await publish(publishRequest(unique('evt'), marker));
      const found = await disclosed(new Set([doc.publicationId, marker.publicationId]), 1);
      expect(found.map((f) => f.key)).toEqual([marker.publicationId]);
    });

    it('refuses a procurement notice without its supervising department', async () => {
      const sample = sampleEventsForTests()['procurement.published'];
      const proto = eventDataToProto('procurement.published', { ...sample, publicationId: unique('proc') });
      delete proto.supervisingDepartment;
      const err = await refused(call(gw.client, gw.client.Publish, { eventId: unique('evt'), procurement: proto }, auth(TOKENS.procurement)));
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(readStatusDetails(err.metadata).fieldViolations.map((v) => v.field)).toContain('procurement.supervisingDepartment');
    });

    it('refuses a request without an event or an event id', async () => {
      const none = await refused(publish({ eventId: unique('evt') }));
      expect(readStatusDetails(none.metadata).fieldViolations[0]?.field).toBe('event');
      const noId = await refused(publish(publishRequest('', document())));
      expect(readStatusDetails(noId.metadata).fieldViolations[0]?.field).toBe('eventId');
    });

    it('refuses hostile text: control characters, huge strings, invalid UTF-8', async () => {
      const control = await refused(publish(publishRequest(unique('evt'), document({ title: '关于\u0007通知' }))));
      expect(readStatusDetails(control.metadata).fieldViolations).toEqual([expect.objectContaining({ field: 'document.title' })]);

      const huge = await refused(publish(publishRequest(unique('evt'), document({ title: '长'.repeat(100_000) }))));
      expect(huge.code).toBe(status.INVALID_ARGUMENT);
      expect(readStatusDetails(huge.metadata).fieldViolations.map((v) => v.field)).toContain('document.title');

      // The client serialises a valid request; the bytes of its title are then broken on the wire.
      const doc = document({ title: 'QQQQ测试' });
      const publishDef = gw.client.Publish as unknown as { path: string; requestSerialize: (r: unknown) => Buffer; responseDeserialize: (b: Buffer) => unknown };
      const bytes = Buffer.from(publishDef.requestSerialize(publishRequest(unique('evt'), doc)));
      const at = bytes.indexOf(Buffer.from('QQQQ'));
      bytes.set([0xff, 0xfe, 0xc3, 0x28], at);
      const broken = await refused(
        new Promise((resolve, reject) =>
          gw.client.makeUnaryRequest('/gongkai.hub.v1.IngestService/Publish', (b: Buffer) => b, publishDef.responseDeserialize, bytes, auth(TOKENS.docs), (e, r) => (e ? reject(e) : resolve(r))),
        ),
      );
      expect(broken.code).toBe(status.INVALID_ARGUMENT);
      expect(readStatusDetails(broken.metadata).fieldViolations).toEqual([expect.objectContaining({ field: 'document.title', reason: 'INVALID_UTF8' })]);
    });

    it('refuses an oversized call before parsing it', async () => {
      const small = await startTestGateway({ env: { GATEWAY_MAX_MESSAGE_BYTES: '65536' } });
      try {
        const err = await refused(call(small.client, small.client.Publish, publishRequest(unique('evt'), document({ body: '正文'.repeat(40_000) })) as never, auth(TOKENS.docs)));
        expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
      } finally {
        await small.close();
      }
    });
  });

  describe('idempotency', () => {
    it('gives a retried event id the original answer, writes it once, and refuses the id with another payload', async () => {
      const id = unique('evt');
      const doc = document();
      const first = await publish(publishRequest(id, doc));
      const again = await publish(publishRequest(id, doc));
      expect(again).toEqual({ ...first, duplicate: true });
      const conflict = await refused(publish(publishRequest(id, { ...doc, title: `${doc.title}（修订）` })));
      expect(conflict.code).toBe(status.ALREADY_EXISTS);
      const found = await disclosed(new Set([doc.publicationId]), 1);
      expect(found.map(({ key, id: eventId }) => ({ key, eventId }))).toEqual([{ key: doc.publicationId, eventId: id }]);
    });

    it('remembers ids across a gateway restart', async () => {
      const id = unique('evt');
      const doc = document();
      const first = await publish(publishRequest(id, doc));
      await gw.restart();
      const again = await publish(publishRequest(id, doc));
      expect(again).toEqual({ ...first, duplicate: true });
      const conflict = await refused(publish(publishRequest(id, { ...doc, revision: doc.revision + 1 })));
      expect(conflict.code).toBe(status.ALREADY_EXISTS);
      expect(await disclosed(new Set([doc.publicationId]), 1)).toHaveLength(1);
    });

    it('refuses to start a second gateway on the same state dir', async () => {
      // Two writers would interleave lines of the accepted-events log.
      await expect(startTestGateway({ stateDir: gw.stateDir })).rejects.toThrow(`accepted-events log ${join(gw.stateDir, 'accepted')} is already open in this process`);
      const id = unique('evt');
      expect(await publish(publishRequest(id, document()))).toMatchObject({ eventId: id, duplicate: false });
    });

    it('sends concurrent retries of one id to Kafka once', async () => {
      const id = unique('evt');
      const doc = document();
      const answers = await Promise.all(Array.from({ length: 10 }, () => publish(publishRequest(id, doc))));
      expect(new Set(answers.map((a) => a.offset)).size).toBe(1);
      expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
      expect(await disclosed(new Set([doc.publicationId]), 1)).toHaveLength(1);
    });

    it('refuses a concurrent call that reuses an id in flight with another payload', async () => {
      const id = unique('evt');
      const doc = document();
      const [first, clash] = await Promise.allSettled([publish(publishRequest(id, doc)), publish(publishRequest(id, { ...doc, title: `${doc.title}（另一版）` }))]);
      expect(first).toMatchObject({ status: 'fulfilled', value: { duplicate: false } });
      expect(clash).toMatchObject({ status: 'rejected', reason: { code: status.ALREADY_EXISTS } });
      expect(await disclosed(new Set([doc.publicationId]), 1)).toHaveLength(1);
    });
  });

  it('opens HTTP/2 receive windows of GATEWAY_RECEIVE_WINDOW_BYTES (4 MiB, a quarter per call), not 64 KiB', async () => {
    const session = connect(`http://127.0.0.1:${gw.app.port}`);
    try {
      await new Promise<void>((resolve, reject) => {
        session.once('remoteSettings', () => resolve());
        session.once('error', reject);
      });
      // The connection window grows by a WINDOW_UPDATE after the SETTINGS; a ping's answer comes after it.
      await new Promise<void>((resolve, reject) => session.ping((err) => (err ? reject(err) : resolve())));
      expect({ stream: session.remoteSettings.initialWindowSize, connection: session.state.remoteWindowSize }).toEqual({ stream: 1024 * 1024, connection: 4 * 1024 * 1024 });
    } finally {
      session.close();
    }
  });

  it('PublishBatch gives a result per item: one bad item fails only itself', async () => {
    const good1 = document();
    const bad = document({ title: '' });
    const good2 = document();
    const res = await call(gw.client, gw.client.PublishBatch, { items: [publishRequest(unique('evt'), good1), publishRequest(unique('evt'), bad), publishRequest(unique('evt'), good2)] }, auth(TOKENS.docs));
    const results = (res as { results: { index: number; outcome: string; error?: { code: string; fieldViolations: { field: string; reason: string }[] } }[] }).results;
    expect(results.map((r) => [r.index, r.outcome])).toEqual([
      [0, 'published'],
      [1, 'error'],
      [2, 'published'],
    ]);
    expect(results[1]!.error!.code).toBe('INVALID_ARGUMENT');
    expect(results[1]!.error!.fieldViolations[0]).toMatchObject({ field: 'document.title', reason: 'REQUIRED' });
    const found = await disclosed(new Set([good1.publicationId, bad.publicationId, good2.publicationId]), 2);
    expect(found.map((f) => f.key).sort()).toEqual([good1.publicationId, good2.publicationId].sort());
  });

  it('PublishBatch answers each document for itself: its own body, a foreign body, bad input and an id repeated in the call', async () => {
    const own = (): ReturnType<typeof document> =>
      document({ issuingBody: { name: '东昌府区人民政府办公室', creditCode: COUNTY_CREDIT_CODE, code: null }, indexNumber: `${COUNTY_CREDIT_CODE}/2025-00032` });
    const first = own();
    const foreign = document();
    const bad = own();
    const last = own();
    const firstId = unique('evt');
    const items = [publishRequest(firstId, first), publishRequest(unique('evt'), foreign), publishRequest(unique('evt'), { ...bad, title: '\u0007' }), publishRequest(firstId, first), publishRequest(unique('evt'), last)];
    const res = await call(gw.client, gw.client.PublishBatch, { items }, auth(TOKENS.county));
    type Result = { index: number; outcome: string; published?: Answer; error?: { code: string; message: string; fieldViolations: { field: string }[] } };
    const results = (res as { results: Result[] }).results;
    expect(results.map((r) => [r.index, r.outcome, r.error?.code ?? r.published?.duplicate])).toEqual([
      [0, 'published', false],
      [1, 'error', 'PERMISSION_DENIED'],
      [2, 'error', 'INVALID_ARGUMENT'],
      [3, 'published', true],
      [4, 'published', false],
    ]);
    expect(results[1]!.error!.message).toContain('may not publish for issuing body');
    expect(results[2]!.error!.fieldViolations.map((v) => v.field)).toContain('document.title');
    expect(results[3]!.published).toEqual(results[0]!.published ? { ...results[0]!.published, duplicate: true } : undefined);
    // Only what was accepted reaches Kafka, once per id.
    const found = await disclosed(new Set([first.publicationId, foreign.publicationId, bad.publicationId, last.publicationId]), 2);
    expect(found.map((f) => f.key).sort()).toEqual([first.publicationId, last.publicationId].sort());
  });

  it('works the same with the Kafka producer on the gRPC thread (GATEWAY_PRODUCER_THREAD=false), restart included', async () => {
    const single = await startTestGateway({ env: { GATEWAY_PRODUCER_THREAD: 'false' } });
    try {
      const publishTo = (request: unknown): Promise<Answer> => call<never, Answer>(single.client, single.client.Publish, request as never, auth(TOKENS.docs));
      const id = unique('evt');
      const doc = document();
      const first = await publishTo(publishRequest(id, doc));
      expect(first).toMatchObject({ topic: 'disclosure', duplicate: false });
      await single.restart();
      expect(await publishTo(publishRequest(id, doc))).toEqual({ ...first, duplicate: true });
      const batchDoc = document();
      const res = await call(single.client, single.client.PublishBatch, { items: [publishRequest(unique('evt'), batchDoc), publishRequest(id, doc)] }, auth(TOKENS.docs));
      const results = (res as { results: { outcome: string; published?: Answer }[] }).results;
      expect(results.map((r) => [r.outcome, r.published?.duplicate])).toEqual([
        ['published', false],
        ['published', true],
      ]);
      expect(await disclosed(new Set([doc.publicationId, batchDoc.publicationId]), 2)).toHaveLength(2);
    } finally {
      await single.close();
    }
  });

  it('GetPublication tells what review decided and what each channel target did, as they report it on Kafka', async () => {
    const doc = document();
    await publish(publishRequest(unique('evt'), doc));
    type Pub = { state: string; deliveries: { channel: string; target: string; outcome: string; attempts: number; channelReference: string; errorCode: string }[] };
    const get = (): Promise<Pub> => call<never, Pub>(gw.client, gw.client.GetPublication, { publicationId: doc.publicationId } as never, auth(TOKENS.docs));
    expect(await get()).toMatchObject({ state: 'PUBLICATION_STATE_PENDING_REVIEW', deliveries: [] });

    // What the review service and the website channel write, as they write it.
    const samples = sampleEventsForTests();
    const producer = testKafka().producer();
    await producer.connect();
    try {
      const send = async (topic: string, event: Parameters<typeof encodeEvent>[0]): Promise<void> => {
        const { key, value, headers } = encodeEvent(event);
        await producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
      };
      const about = { subject: doc.publicationId, eventId: 'e', eventType: 'document.published', revision: 1 } as const;
      await send(TOPICS.reviewDecisions, { type: 'review.decided', source: '/gongkai/review', id: unique('rd'), data: { ...samples['review.decided'], ...about, decision: 'APPROVED', decidedAt: new Date() } });
      await send(TOPICS.delivery, {
        type: 'delivery.outcome',
        source: '/gongkai/delivery/website',
        id: unique('do'),
        data: { ...samples['delivery.outcome'], ...about, attempt: 1, outcome: 'PUBLISHED', attemptedAt: new Date(), channelReference: '/zfxxgk/zcwj/a.html', error: null },
      });
    } finally {
      await producer.disconnect();
    }
    let pub: Pub | undefined;
    await eventually(async () => {
      pub = await get();
      return pub.state === 'PUBLICATION_STATE_RELEASED' && pub.deliveries.length === 1;
    }, 30_000, 'the decision and the delivery in GetPublication');
    expect(pub!.deliveries[0]).toMatchObject({ channel: 'website', target: 'zfxxgk/zcwj', outcome: 'DELIVERY_OUTCOME_KIND_PUBLISHED', attempts: 1, channelReference: '/zfxxgk/zcwj/a.html', errorCode: '' });
  });

  it('Retract publishes a retraction of a known publication, and GetPublication shows it retracted', async () => {
    const doc = document();
    await publish(publishRequest(unique('evt'), doc));
    const retraction = eventDataToProto('publication.retracted', {
      publicationId: doc.publicationId,
      reasonCode: 'PUBLISHED_IN_ERROR',
      reason: '误发',
      requestedBy: '市政府办公室',
      retractedAt: new Date(),
    });
    await call(gw.client, gw.client.Retract, { eventId: unique('evt'), retraction }, auth(TOKENS.docs));
    const pub = await call(gw.client, gw.client.GetPublication, { publicationId: doc.publicationId }, auth(TOKENS.docs));
    expect(pub).toMatchObject({ publicationId: doc.publicationId, state: 'PUBLICATION_STATE_RETRACTED', title: doc.title });
    const unknown = await refused(call(gw.client, gw.client.Retract, { eventId: unique('evt'), retraction: { ...retraction, publicationId: unique('nope') } }, auth(TOKENS.docs)));
    expect(unknown.code).toBe(status.NOT_FOUND);
  });
});
