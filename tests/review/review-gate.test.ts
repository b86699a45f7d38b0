import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { HUB_HEADERS, TOPICS, eventDataToProto, type EventData } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { loadReviewConfig, startReview } from '@gongkai/review';
import { createLogger } from '@gongkai/runtime';
import { auth, call, startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { brokers, eventually, unique } from '../support/kafka';
import { readUntil, type ReadRecord } from '../support/review';

type Doc = EventData<'document.published'>;

/**
 * Records on `topic` whose key is one of `keys`, once `expected` have come and half a second
 * more has passed without surprises (an extra record would show up in that time).
 */
async function readTopic(topic: string, keys: Set<string>, expected: number): Promise<ReadRecord[]> {
  let enoughAt: number | undefined;
  return readUntil(
    topic,
    keys,
    (found) => {
      if (found.length < expected) return false;
      enoughAt ??= Date.now();
      return Date.now() - enoughAt >= 500;
    },
    `${expected} records on ${topic}`,
  );
}

describe('review: nothing reaches a channel unreviewed', () => {
  let gw: RunningGateway;
  let review: { stop(): Promise<void> };

  beforeAll(async () => {
    gw = await startTestGateway();
    const logger = createLogger({ service: 'review', level: 'silent', destination: new Writable({ write: (_c, _e, d) => d() }) });
    review = await startReview(
      loadReviewConfig({ KAFKA_BROKERS: brokers().join(','), REVIEW_GROUP_ID: unique('review'), REVIEW_GRPC_PORT: '0', REVIEW_STATE_DIR: mkdtempSync(join(tmpdir(), 'review-')) }),
      logger,
    );
  }, 60_000);
  afterAll(async () => {
    await review?.stop();
    await gw?.close();
  });

  const publish = (doc: Doc) =>
    call(gw.client, gw.client.Publish, { eventId: unique('evt'), document: eventDataToProto('document.published', doc) }, auth(TOKENS.docs));

  it('releases a clean document with its routing plan and due dates, and holds one with personal data', async () => {
    const base = sampleEvents()['document.published'];
    const clean: Doc = { ...base, publicationId: unique('clean') };
    const personal: Doc = { ...base, publicationId: unique('held'), body: `${base.body}\n联系人：张三，身份证号码 370102199003071238，电话 13812345678。` };
    await publish(clean);
    await publish(personal);

    const released = await readTopic(TOPICS.released, new Set([clean.publicationId, personal.publicationId]), 1);
    expect(released.map((r) => r.key)).toEqual([clean.publicationId]);
    const plan = JSON.parse(released[0]!.headers[HUB_HEADERS.route]!) as { channel: string; target: string; dueOn: string | null }[];
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.map((p) => p.channel)).toContain('website');
    expect(plan.every((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.dueOn ?? ''))).toBe(true);
    expect(released[0]!.headers[HUB_HEADERS.channels]!.split(',')).toEqual([...new Set(plan.map((p) => p.channel))]);

    const held = await readTopic(TOPICS.reviewHeld, new Set([clean.publicationId, personal.publicationId]), 1);
    expect(held.map((r) => r.key)).toEqual([personal.publicationId]);
    const findings = JSON.parse(held[0]!.headers[HUB_HEADERS.findings]!) as { kind: string; field: string; excerpt: string }[];
    expect(findings.map((f) => f.kind).sort()).toEqual(['MOBILE_NUMBER', 'RESIDENT_ID']);
    expect(findings.every((f) => f.field === 'document.body')).toBe(true);
    const raw = JSON.stringify(findings);
    expect(raw).not.toContain('370102199003071238');
    expect(raw).not.toContain('13812345678');

    // The gateway follows what review did: GetPublication tells the caller which is which.
    const stateOf = async (publicationId: string): Promise<string> =>
      (await call<never, { state: string }>(gw.client, gw.client.GetPublication, { publicationId } as never, auth(TOKENS.docs))).state;
    await eventually(async () => (await stateOf(clean.publicationId)) === 'PUBLICATION_STATE_RELEASED', 30_000, 'the clean document RELEASED in GetPublication');
    await eventually(async () => (await stateOf(personal.publicationId)) === 'PUBLICATION_STATE_HELD', 30_000, 'the held document HELD in GetPublication');
  });

  it('never holds a retraction: it is released at once to the channels', async () => {
    const base = sampleEvents()['document.published'];
    const doc: Doc = { ...base, publicationId: unique('retract') };
    await publish(doc);
    const retraction = eventDataToProto('publication.retracted', {
      publicationId: doc.publicationId,
      reasonCode: 'PERSONAL_DATA',
      reason: '含有个人信息 370102199003071238',
      requestedBy: '市政府办公室',
      retractedAt: new Date(),
    });
    await call(gw.client, gw.client.Retract, { eventId: unique('evt'), retraction }, auth(TOKENS.docs));
    const released = await readTopic(TOPICS.released, new Set([doc.publicationId]), 2);
    expect(released).toHaveLength(2);
    const channels = released[1]!.headers[HUB_HEADERS.channels]!.split(',');
    expect(channels).toEqual(expect.arrayContaining(['website']));
  });

  it('holds an interpretation of a policy the hub has not seen, and releases one of a known policy', async () => {
    const base = sampleEvents()['interpretation.published'];
    const policy: Doc = { ...sampleEvents()['document.published'], publicationId: unique('policy'), needsInterpretation: true };
    await publish(policy);
    await readTopic(TOPICS.released, new Set([policy.publicationId]), 1); // the policy is reviewed first
    const known = { ...base, publicationId: unique('interp'), policyPublicationId: policy.publicationId };
    const orphan = { ...base, publicationId: unique('interp'), policyPublicationId: unique('no-such-policy') };
    for (const interpretation of [known, orphan]) {
      await call(gw.client, gw.client.Publish, { eventId: unique('evt'), interpretation: eventDataToProto('interpretation.published', interpretation) }, auth(TOKENS.docs));
    }
    const released = await readTopic(TOPICS.released, new Set([known.publicationId, orphan.publicationId]), 1);
    expect(released.map((r) => r.key)).toEqual([known.publicationId]);
    const held = await readTopic(TOPICS.reviewHeld, new Set([known.publicationId, orphan.publicationId]), 1);
    expect(held.map((r) => r.key)).toEqual([orphan.publicationId]);
    expect(JSON.parse(held[0]!.headers[HUB_HEADERS.findings]!)).toEqual([
      expect.objectContaining({ field: 'interpretation.policyPublicationId', rule: 'policy-unknown' }),
    ]);
  });
});
