import { status, type ServiceError } from '@grpc/grpc-js';
import { HUB_HEADERS, TOPICS, eventDataToProto, readStatusDetails, type EventData, type reviewApi } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { auth, call, startTestGateway, TOKENS, type RunningGateway } from '../support/gateway';
import { eventually, unique } from '../support/kafka';
import { OPERATOR_TOKENS, REVIEWER_ID, readUntil, startTestReview, type RunningReview } from '../support/review';

type Doc = EventData<'document.published'>;

const IDENTITY = '370102199003071238';
const MASKED_IDENTITY = '370102********1238';
const MOBILE = '13812345678';

describe('review: operators decide held events', () => {
  let gw: RunningGateway;
  let review: RunningReview;

  beforeAll(async () => {
    gw = await startTestGateway();
    review = await startTestReview();
  }, 90_000);
  afterAll(async () => {
    await review?.close();
    await gw?.close();
  });

  /** Publishes a document with an identity number in its title and body and a mobile number in its body: the gate holds it. */
  async function publishHeld(): Promise<{ publicationId: string; eventId: string; doc: Doc }> {
    const base = sampleEvents()['document.published'];
    const publicationId = unique('held');
    const doc: Doc = { ...base, publicationId, title: `关于居民${IDENTITY}的公示`, body: `${base.body}\n联系人电话 ${MOBILE}，身份证号码 ${IDENTITY}。` };
    const eventId = unique('evt');
    await call(gw.client, gw.client.Publish, { eventId, document: eventDataToProto('document.published', doc) }, auth(TOKENS.docs));
    return { publicationId, eventId, doc };
  }

  async function retract(publicationId: string): Promise<string> {
    const eventId = unique('retract');
    const retraction = eventDataToProto('publication.retracted', {
      publicationId,
      reasonCode: 'PERSONAL_DATA',
      reason: `含有个人信息 ${IDENTITY}`,
      requestedBy: '市政府办公室',
      retractedAt: new Date(),
    });
    await call(gw.client, gw.client.Retract, { eventId, retraction }, auth(TOKENS.docs));
    return eventId;
  }

  const getHeld = (publicationId: string, token: string = OPERATOR_TOKENS.reviewer) =>
    call<reviewApi.GetHeldRequest, reviewApi.HeldPublication__Output>(review.client, review.client.GetHeld, { publicationId }, auth(token));

  const decide = (publicationId: string, eventId: string, decision: reviewApi.OperatorDecision, note = '', token: string = OPERATOR_TOKENS.reviewer) =>
    call<reviewApi.DecideRequest, reviewApi.RecordedDecision__Output>(review.client, review.client.Decide, { publicationId, eventId, decision, note }, auth(token));

  /** The publication's held items once the review API knows the first of them. */
  async function waitHeld(publicationId: string, until: (items: reviewApi.HeldItem__Output[]) => boolean = (items) => items.length > 0): Promise<reviewApi.HeldItem__Output[]> {
    let items: reviewApi.HeldItem__Output[] = [];
    await eventually(
      async () => {
        try {
          items = (await getHeld(publicationId)).items;
        } catch (err) {
          if ((err as ServiceError).code === status.NOT_FOUND) return false;
          throw err;
        }
        return until(items);
      },
      60_000,
      `${publicationId} in the review API`,
    );
    return items;
  }

  async function failure(call: Promise<unknown>): Promise<ServiceError> {
    try {
      await call;
    } catch (err) {
      return err as ServiceError;
    }
    throw new Error('the call succeeded');
  }

  it('shows a held event with personal data masked, and approving it releases the original with its plan', async () => {
    const { publicationId, eventId, doc } = await publishHeld();
    const [item] = await waitHeld(publicationId);
    expect(item).toMatchObject({ publicationId, eventId, eventType: 'document.published', revision: 1, state: 'REVIEW_DECISION_HELD', decision: null });
    expect(item!.title).toBe(`关于居民${MASKED_IDENTITY}的公示`);
    expect(item!.issuingBodyCreditCode).toBe(doc.issuingBody.creditCode);
    expect(item!.findings.map((f) => `${f.kind} ${f.field}`).sort()).toEqual([
      'FINDING_KIND_MOBILE_NUMBER document.body',
      'FINDING_KIND_RESIDENT_ID document.body',
      'FINDING_KIND_RESIDENT_ID document.title',
    ]);
    const listed = await call<reviewApi.ListHeldRequest, reviewApi.ListHeldResponse__Output>(review.client, review.client.ListHeld, {}, auth(OPERATOR_TOKENS.reviewer));
    expect(listed.items.filter((i) => i.publicationId === publicationId).map((i) => i.eventId)).toEqual([eventId]);
    for (const shown of [JSON.stringify(item), JSON.stringify(listed)]) {
      expect(shown).not.toContain(IDENTITY);
      expect(shown).not.toContain(MOBILE);
    }

    const recorded = await decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE', '核实后同意公开');
    expect(recorded).toMatchObject({ publicationId, eventId, decision: 'REVIEW_DECISION_APPROVED', decidedBy: REVIEWER_ID, note: '核实后同意公开', releasedEventId: eventId });
    expect(recorded.channels).toContain('website');

    const released = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.length >= 1, `${publicationId} released`);
    expect(released.map((r) => r.event.id)).toEqual([eventId]);
    expect((released[0]!.event.data as Doc).title).toBe(doc.title);
    expect(released[0]!.headers[HUB_HEADERS.findings]).toBeUndefined();
    const plan = JSON.parse(released[0]!.headers[HUB_HEADERS.route]!) as { channel: string; dueOn: string | null }[];
    expect(plan.map((p) => p.channel)).toEqual(expect.arrayContaining(recorded.channels));
    expect(plan.every((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.dueOn ?? ''))).toBe(true);

    const decisions = await readUntil(TOPICS.reviewDecisions, new Set([publicationId]), (r) => r.some((d) => d.event.type === 'review.decided' && d.event.data.decision === 'APPROVED'), 'the approval');
    expect(decisions.map((d) => (d.event.type === 'review.decided' ? `${d.event.data.decision} by ${d.event.data.decidedBy}` : d.event.type))).toEqual([
      'HELD by review-gate',
      `APPROVED by ${REVIEWER_ID}`,
    ]);
    const approval = decisions[1]!.event.data as { decidedAt: Date; findings: unknown[] };
    expect(Math.abs(approval.decidedAt.getTime() - Date.now())).toBeLessThan(120_000);
    expect(approval.findings).toHaveLength(3);
    expect((await waitHeld(publicationId))[0]).toMatchObject({ state: 'REVIEW_DECISION_APPROVED', decision: { decidedBy: REVIEWER_ID } });
  });

  it('approving with masking releases a copy with the identity and mobile numbers masked in title and body', async () => {
    const { publicationId, eventId } = await publishHeld();
    await waitHeld(publicationId);
    const recorded = await decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE_WITH_MASKING');
    expect(recorded).toMatchObject({ decision: 'REVIEW_DECISION_APPROVED_MASKED', releasedEventId: `${eventId}:masked` });

    const [released] = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.length >= 1, `${publicationId} released`);
    expect(released!.event).toMatchObject({ id: `${eventId}:masked`, subject: publicationId, type: 'document.published' });
    const data = released!.event.data as Doc;
    expect(data.title).toBe(`关于居民${MASKED_IDENTITY}的公示`);
    expect(data.body).toContain(`联系人电话 138****5678，身份证号码 ${MASKED_IDENTITY}。`);
    expect(JSON.stringify(data)).not.toContain(IDENTITY);
    expect(JSON.stringify(data)).not.toContain(MOBILE);
    expect(released!.headers[HUB_HEADERS.route]).toBeDefined();
  });

  it('rejecting releases nothing: the publication’s next release is its retraction', async () => {
    const { publicationId, eventId } = await publishHeld();
    await waitHeld(publicationId);
    const recorded = await decide(publicationId, eventId, 'OPERATOR_DECISION_REJECT', '含有个人隐私，不予公开');
    expect(recorded).toMatchObject({ decision: 'REVIEW_DECISION_REJECTED', decidedBy: REVIEWER_ID, releasedEventId: '', channels: [] });

    // A rejection's release, had there been one, was in Kafka before Decide answered; the
    // retraction comes after it on the same partition.
    await retract(publicationId);
    const released = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.some((x) => x.event.type === 'publication.retracted'), 'the retraction');
    expect(released.map((r) => r.event.type)).toEqual(['publication.retracted']);
    expect((await getHeld(publicationId)).items[0]).toMatchObject({ state: 'REVIEW_DECISION_REJECTED', decision: { decidedBy: REVIEWER_ID, note: '含有个人隐私，不予公开' } });
  });

  it('decides an event once: a second decision is FAILED_PRECONDITION naming the first, bad input is INVALID_ARGUMENT', async () => {
    const { publicationId, eventId } = await publishHeld();
    await waitHeld(publicationId);
    const noNote = await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_REJECT'));
    expect(noNote.code).toBe(status.INVALID_ARGUMENT);
    expect(readStatusDetails(noNote.metadata).fieldViolations).toEqual([{ field: 'note', reason: 'NOTE_REQUIRED', description: 'a rejection must say why' }]);
    const unknown = await failure(decide(publicationId, 'no-such-event', 'OPERATOR_DECISION_APPROVE'));
    expect(unknown.code).toBe(status.NOT_FOUND);

    await decide(publicationId, eventId, 'OPERATOR_DECISION_REJECT', '不予公开');
    const twice = await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE'));
    expect(twice.code).toBe(status.FAILED_PRECONDITION);
    expect(twice.details).toContain(`already decided: REJECTED by ${REVIEWER_ID}`);
    expect(readStatusDetails(twice.metadata).preconditionViolations).toEqual([
      { type: 'ALREADY_DECIDED', subject: `review.held/${publicationId}/${eventId}`, description: twice.details },
    ]);
  });

  it('a retraction cancels a held event, which can no longer be approved; the retraction itself is released', async () => {
    const { publicationId, eventId } = await publishHeld();
    await waitHeld(publicationId);
    const retractionId = await retract(publicationId);
    const [item] = await waitHeld(publicationId, (items) => items[0]?.state === 'REVIEW_DECISION_REJECTED');
    expect(item!.decision).toMatchObject({ decidedBy: 'retraction', note: `cancelled by retraction ${retractionId} (PERSONAL_DATA)` });
    expect(JSON.stringify(item)).not.toContain(IDENTITY);

    const refused = await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE'));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(readStatusDetails(refused.metadata).preconditionViolations[0]?.type).toBe('CANCELLED_BY_RETRACTION');

    const released = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.some((x) => x.event.type === 'publication.retracted'), 'the retraction');
    expect(released.map((r) => r.event.id)).toEqual([retractionId]);
    const listed = await call<reviewApi.ListHeldRequest, reviewApi.ListHeldResponse__Output>(review.client, review.client.ListHeld, {}, auth(OPERATOR_TOKENS.reviewer));
    expect(listed.items.map((i) => i.publicationId)).not.toContain(publicationId);
  });

  /** Publishes another revision of a publication: clean, or held for a mobile number in its body. */
  async function publishRevision(doc: Doc, revision: number, held: boolean): Promise<string> {
    const eventId = unique(`rev${revision}`);
    const base = sampleEvents()['document.published'];
    const next: Doc = { ...doc, revision, title: `${base.title}（第${revision}次修订）`, body: held ? `${base.body}\n联系人电话 ${MOBILE}。` : base.body };
    await call(gw.client, gw.client.Publish, { eventId, document: eventDataToProto('document.published', next) }, auth(TOKENS.docs));
    return eventId;
  }

  it('a newer clean revision is released and supersedes the older held one, which can no longer be approved', async () => {
    const { publicationId, eventId, doc } = await publishHeld();
    await waitHeld(publicationId);
    const revision2 = await publishRevision(doc, 2, false);

    const [item] = await waitHeld(publicationId, (items) => items[0]?.state === 'REVIEW_DECISION_REJECTED');
    expect(item).toMatchObject({ eventId, revision: 1, decision: { decidedBy: 'revision', note: `superseded by revision 2 (event ${revision2})` } });
    const refused = await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE'));
    expect(refused.code).toBe(status.FAILED_PRECONDITION);
    expect(readStatusDetails(refused.metadata).preconditionViolations[0]?.type).toBe('SUPERSEDED_BY_REVISION');
    expect(refused.details).toContain('decide the newer revision instead');

    // The retraction marks the end of what was released for the publication: revision 2 alone before it.
    await retract(publicationId);
    const released = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.some((x) => x.event.type === 'publication.retracted'), 'the retraction');
    expect(released.map((r) => (r.event.type === 'document.published' ? `revision ${r.event.data.revision}` : r.event.type))).toEqual(['revision 2', 'publication.retracted']);
  });

  it('two held revisions published back to back: the older is superseded, approving the newer releases it alone', async () => {
    const { publicationId, eventId, doc } = await publishHeld();
    const revision2 = await publishRevision(doc, 2, true);
    const items = await waitHeld(publicationId, (all) => all.length === 2 && all.some((i) => i.state === 'REVIEW_DECISION_REJECTED'));
    expect(items.map((i) => `${i.eventId} ${i.state}`).sort()).toEqual([`${eventId} REVIEW_DECISION_REJECTED`, `${revision2} REVIEW_DECISION_HELD`].sort());
    const listed = await call<reviewApi.ListHeldRequest, reviewApi.ListHeldResponse__Output>(review.client, review.client.ListHeld, {}, auth(OPERATOR_TOKENS.reviewer));
    expect(listed.items.filter((i) => i.publicationId === publicationId).map((i) => i.eventId)).toEqual([revision2]);

    await decide(publicationId, revision2, 'OPERATOR_DECISION_APPROVE');
    expect((await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE'))).code).toBe(status.FAILED_PRECONDITION);
    await retract(publicationId);
    const released = await readUntil(TOPICS.released, new Set([publicationId]), (r) => r.some((x) => x.event.type === 'publication.retracted'), 'the retraction');
    expect(released.map((r) => r.event.id)).toEqual([revision2, expect.stringMatching(/^retract/)]);
  });

  it('refuses callers without a registered token, and operators who are not reviewers', async () => {
    const { publicationId, eventId } = await publishHeld();
    await waitHeld(publicationId);
    const list = (token: string | undefined) => call(review.client, review.client.ListHeld, {}, auth(token));
    expect((await failure(list(undefined))).code).toBe(status.UNAUTHENTICATED);
    expect((await failure(list(TOKENS.docs))).code).toBe(status.UNAUTHENTICATED);
    const viewer = await failure(list(OPERATOR_TOKENS.viewer));
    expect([viewer.code, viewer.details]).toEqual([status.PERMISSION_DENIED, 'operator test-viewer does not have the role `reviewer`']);
    expect((await failure(getHeld(publicationId, OPERATOR_TOKENS.viewer))).code).toBe(status.PERMISSION_DENIED);
    expect((await failure(decide(publicationId, eventId, 'OPERATOR_DECISION_APPROVE', '', OPERATOR_TOKENS.viewer))).code).toBe(status.PERMISSION_DENIED);
    expect((await getHeld(publicationId)).items[0]?.state).toBe('REVIEW_DECISION_HELD');
  });
});
