import { resolve } from 'node:path';
import { decodeEvent, encodeEvent, HUB_HEADERS, TOPICS, type EventData } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { validateChannelLimits } from './deadlines';
import { DecisionRefusedError, HeldItemNotFoundError, InvalidRequestError } from './errors';
import { HeldItems, decisionFromRecord, heldFromRecord } from './held-items';
import { checkDecisionRequest, decideHeld } from './operator-decisions';
import { processAccepted } from './review-processor';
import { loadRouting } from './routing';
import { WorkingCalendar } from './working-calendar';

const IDENTITY = '370102199003071238';
const config = { routing: loadRouting(resolve(__dirname, '../config/routing.yaml')), calendar: WorkingCalendar.fromDirectory(), limits: validateChannelLimits({}) };
const NOW = new Date('2025-06-30T02:00:00Z');

/** A read model holding one document with an identity number in its title and body and a mobile number in its body. */
function heldDocument(publicationId = 'lc-1', eventId = 'evt-1') {
  const base = sampleEvents()['document.published'];
  const data: EventData<'document.published'> = {
    ...base,
    publicationId,
    title: `关于${IDENTITY}号居民的公示`,
    body: `${base.body}\n联系电话 138-1234-5678（或 13812345678），身份证号码 ${IDENTITY}。`,
  };
  const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: eventId, data });
  const records = processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, config);
  const items = new HeldItems();
  const { held, original } = heldFromRecord({ ...records[0]!, timestamp: String(NOW.getTime() - 60_000) });
  items.hold(held, original);
  return { items, encoded, decide: (choice: string, note = '') => decideHeld(items.find(publicationId, eventId), items.original(publicationId, eventId), checkDecisionRequest({ publicationId, eventId, decision: choice, note }), 'dev-reviewer', NOW, config) };
}

function refusal(run: () => unknown): DecisionRefusedError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecisionRefusedError) return err;
    throw err;
  }
  throw new Error('the decision was taken');
}

describe('checkDecisionRequest', () => {
  it('names every missing field and rule at once', () => {
    let error: InvalidRequestError | undefined;
    try {
      checkDecisionRequest({ publicationId: ' ', decision: 'OPERATOR_DECISION_UNSPECIFIED' });
    } catch (err) {
      error = err as InvalidRequestError;
    }
    expect(error?.violations.map((v) => `${v.field}:${v.rule}`)).toEqual(['publicationId:REQUIRED', 'eventId:REQUIRED', 'decision:DECISION_REQUIRED']);
  });

  it('asks a rejection for a note, takes decisions with or without their proto prefix, and bounds the note', () => {
    expect(() => checkDecisionRequest({ publicationId: 'p', eventId: 'e', decision: 'REJECT', note: '  ' })).toThrow(/note: a rejection must say why/);
    expect(checkDecisionRequest({ publicationId: 'p', eventId: 'e', decision: 'OPERATOR_DECISION_REJECT', note: ' 含个人信息 ' })).toEqual({
      publicationId: 'p',
      eventId: 'e',
      choice: 'REJECT',
      note: '含个人信息',
    });
    expect(checkDecisionRequest({ publicationId: 'p', eventId: 'e', decision: 'APPROVE' }).note).toBeNull();
    expect(() => checkDecisionRequest({ publicationId: 'p', eventId: 'e', decision: 'APPROVE', note: '长'.repeat(2001) })).toThrow(/at most 2000 characters/);
  });
});

describe('decideHeld', () => {
  it('approves: releases the event byte for byte with its routing plan and due dates, and records who and when', () => {
    const { decide, encoded } = heldDocument();
    const outcome = decide('APPROVE', '已核实可公开');
    const [released, decided] = outcome.records;
    expect(released).toMatchObject({ topic: TOPICS.released, key: 'lc-1' });
    expect(released!.value.equals(encoded.value)).toBe(true);
    expect(released!.headers[HUB_HEADERS.findings]).toBeUndefined();
    const plan = JSON.parse(released!.headers[HUB_HEADERS.route]!) as { channel: string; dueOn: string | null }[];
    expect(plan.map((p) => p.channel)).toContain('website');
    expect(plan.every((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.dueOn ?? ''))).toBe(true);
    expect(outcome.channels).toEqual(released!.headers[HUB_HEADERS.channels]!.split(','));
    expect(decided!.topic).toBe(TOPICS.reviewDecisions);
    expect(decisionFromRecord(decided!)).toMatchObject({ subject: 'lc-1', eventId: 'evt-1', decision: 'APPROVED', decidedBy: 'dev-reviewer', decidedAt: NOW, note: '已核实可公开' });
    expect(decisionFromRecord(decided!)!.findings).toHaveLength(4);
    expect(outcome.releasedEventId).toBe('evt-1');
  });

  it('approves with masking: releases a copy under a new id with the identity and mobile numbers masked in title and body', () => {
    const { decide } = heldDocument();
    const outcome = decide('APPROVE_WITH_MASKING');
    const released = decodeEvent(outcome.records[0]!);
    expect(released).toMatchObject({ id: 'evt-1:masked', subject: 'lc-1', source: '/liaocheng/oa', type: 'document.published' });
    const data = released.data as EventData<'document.published'>;
    expect(data.title).toBe('关于370102********1238号居民的公示');
    expect(data.body).toContain('联系电话 138-****-5678（或 138****5678），身份证号码 370102********1238。');
    expect(JSON.stringify(data)).not.toContain(IDENTITY);
    expect(JSON.stringify(data)).not.toMatch(/1234-?5678/);
    expect(outcome.records[0]!.headers[HUB_HEADERS.route]).toBeDefined();
    expect(decisionFromRecord(outcome.records[1]!)).toMatchObject({ eventId: 'evt-1', decision: 'APPROVED_MASKED' });
    expect(outcome.releasedEventId).toBe('evt-1:masked');
  });

  it('rejects: releases nothing and records the note', () => {
    const { decide } = heldDocument();
    const outcome = decide('REJECT', '涉及个人隐私');
    expect(outcome.records.map((r) => r.topic)).toEqual([TOPICS.reviewDecisions]);
    expect(decisionFromRecord(outcome.records[0]!)).toMatchObject({ decision: 'REJECTED', note: '涉及个人隐私' });
    expect([outcome.releasedEventId, outcome.channels]).toEqual([null, []]);
  });

  it('refuses an event never held, one decided already, and one a retraction cancelled', () => {
    const { items, decide } = heldDocument();
    expect(() => decideHeld(undefined, undefined, checkDecisionRequest({ publicationId: 'lc-9', eventId: 'e', decision: 'APPROVE' }), 'r', NOW, config)).toThrow(HeldItemNotFoundError);

    items.decide(decisionFromRecord(decide('APPROVE').records[1]!)!);
    const again = refusal(() => decide('REJECT', 'late'));
    expect([again.refusal, again.message]).toEqual(['ALREADY_DECIDED', 'event evt-1 of publication lc-1 was already decided: APPROVED by dev-reviewer at 2025-06-30T02:00:00.000Z']);

    const other = heldDocument('lc-2', 'evt-2');
    const retraction = encodeEvent({ type: 'publication.retracted', source: '/liaocheng/oa', id: 'retract-1', data: { publicationId: 'lc-2', reasonCode: 'PERSONAL_DATA', reason: `含 ${IDENTITY}`, requestedBy: '市政府办公室', retractedAt: NOW } });
    const waiting = other.items.awaitingOf('lc-2').map((i) => i.held);
    const records = processAccepted(decodeEvent(retraction), { value: retraction.value, headers: retraction.headers }, config, waiting);
    expect(records.map((r) => r.topic)).toEqual([TOPICS.reviewDecisions, TOPICS.released]);
    const cancellation = decisionFromRecord(records[0]!)!;
    expect(cancellation).toMatchObject({ eventId: 'evt-2', decision: 'REJECTED', decidedBy: 'retraction', note: 'cancelled by retraction retract-1 (PERSONAL_DATA)' });
    other.items.decide(cancellation);
    const cancelled = refusal(() => other.decide('APPROVE'));
    expect(cancelled.refusal).toBe('CANCELLED_BY_RETRACTION');
    expect(cancelled.message).toContain('cancelled by retraction retract-1');
  });

  it('a newer revision supersedes older held revisions of its publication, never newer ones or other publications', () => {
    const held = heldDocument('lc-4', 'evt-4');
    const base = sampleEvents()['document.published'];
    const revise = (id: string, revision: number, body = base.body) => {
      const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id, data: { ...base, publicationId: 'lc-4', revision, body } });
      return processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, { ...config, now: () => NOW }, held.items.awaitingOf('lc-4').map((i) => i.held));
    };
    // The same event again (a redelivery) supersedes nothing.
    expect(revise('evt-4', 1, `${base.body}\n身份证号码 ${IDENTITY}。`).map((r) => r.topic)).toEqual([TOPICS.reviewHeld, TOPICS.reviewDecisions]);

    const records = revise('evt-5', 2);
    expect(records.map((r) => r.topic)).toEqual([TOPICS.reviewDecisions, TOPICS.released]);
    const supersession = decisionFromRecord(records[0]!)!;
    expect(supersession).toMatchObject({ subject: 'lc-4', eventId: 'evt-4', revision: 1, decision: 'REJECTED', decidedBy: 'revision', note: 'superseded by revision 2 (event evt-5)' });
    held.items.decide(supersession);
    const refused = refusal(() => held.decide('APPROVE'));
    expect([refused.refusal, refused.message]).toEqual([
      'SUPERSEDED_BY_REVISION',
      'event evt-4 of publication lc-4 was superseded by revision 2 (event evt-5) at 2025-06-30T02:00:00.000Z; decide the newer revision instead',
    ]);

    // A held revision 3 supersedes a held revision 2, and its own hold comes after the supersession.
    const later = heldDocument('lc-5', 'evt-6');
    const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: 'evt-7', data: { ...base, publicationId: 'lc-5', revision: 3, body: `${base.body}\n电话 13812345678` } });
    const waiting = later.items.awaitingOf('lc-5').map((i) => ({ ...i.held, revision: 2 }));
    const newer = processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, config, waiting);
    expect(newer.map((r) => r.topic)).toEqual([TOPICS.reviewDecisions, TOPICS.reviewHeld, TOPICS.reviewDecisions]);
    expect(decisionFromRecord(newer[0]!)).toMatchObject({ eventId: 'evt-6', decidedBy: 'revision' });
    expect(decisionFromRecord(newer[2]!)).toMatchObject({ eventId: 'evt-7', decision: 'HELD' });
    // An older revision arriving late does not supersede a newer held one.
    const older = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: 'evt-8', data: { ...base, publicationId: 'lc-5', revision: 1 } });
    expect(processAccepted(decodeEvent(older), { value: older.value, headers: older.headers }, config, waiting).map((r) => r.topic)).toEqual([TOPICS.released]);
  });

  it('refuses to approve what it cannot give due dates, rather than guess', () => {
    const base = sampleEvents()['document.published'];
    const data = { ...base, publicationId: 'lc-3', formedOn: '2031-03-02', body: `${base.body}\n身份证 ${IDENTITY}` };
    const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: 'evt-3', data });
    const records = processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, config);
    const items = new HeldItems();
    const { held, original } = heldFromRecord(records[0]!);
    items.hold(held, original);
    const request = checkDecisionRequest({ publicationId: 'lc-3', eventId: 'evt-3', decision: 'APPROVE' });
    const refused = refusal(() => decideHeld(items.find('lc-3', 'evt-3'), items.original('lc-3', 'evt-3'), request, 'r', NOW, config));
    expect(refused.refusal).toBe('DEADLINE_UNKNOWN');
    expect(refused.message).toMatch(/no working calendar for 2031/);
    // Rejecting needs no due dates.
    expect(decideHeld(items.find('lc-3', 'evt-3'), items.original('lc-3', 'evt-3'), { ...request, choice: 'REJECT', note: 'x' }, 'r', NOW, config).records).toHaveLength(1);
  });
});
