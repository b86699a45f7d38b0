import { resolve } from 'node:path';
import { decodeEvent, encodeEvent, EventDecodeError, EVENT_HEADERS, HUB_HEADERS, TOPICS, type ReviewDecided } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { validateChannelLimits } from './deadlines';
import { HeldItems, decisionFromRecord, heldFromRecord, type HeldEvent } from './held-items';
import { processAccepted } from './review-processor';
import { loadRouting } from './routing';
import { WorkingCalendar } from './working-calendar';

const IDENTITY = '370102199003071238';
const MOBILE = '13812345678';
const config = { routing: loadRouting(resolve(__dirname, '../config/routing.yaml')), calendar: WorkingCalendar.fromDirectory(), limits: validateChannelLimits({}) };

/** What the review service writes when it holds a document with an identity number and a mobile number in its title and body. */
function holdDocument(publicationId: string, eventId: string) {
  const base = sampleEvents()['document.published'];
  const data = { ...base, publicationId, title: `关于${IDENTITY}号居民的公示`, body: `${base.body}\n联系电话 138-1234-5678，身份证号码 ${IDENTITY}。` };
  const encoded = encodeEvent({ type: 'document.published', source: '/liaocheng/oa', id: eventId, data });
  const records = processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, config);
  return { held: records.find((r) => r.topic === TOPICS.reviewHeld)!, decision: records.find((r) => r.topic === TOPICS.reviewDecisions)!, encoded };
}

function heldEvent(publicationId: string, eventId: string, heldAt: number): HeldEvent {
  return { publicationId, eventId, eventType: 'document.published', revision: 1, title: 't', issuingBody: null, heldAt: new Date(heldAt), findings: [] };
}

function decision(publicationId: string, eventId: string, outcome: ReviewDecided['decision'], decidedBy = 'dev-reviewer'): ReviewDecided {
  return { subject: publicationId, eventId, eventType: 'document.published', revision: 1, decision: outcome, decidedBy, decidedAt: new Date('2025-06-27T03:00:00Z'), findings: [], note: null };
}

const original = { value: Buffer.from('x'), headers: {} };

describe('heldFromRecord', () => {
  it('shows a held document with its title masked, its findings, and when it was held', () => {
    const { held: record, encoded } = holdDocument('lc-1', 'evt-1');
    const { held, original: kept } = heldFromRecord({ ...record, timestamp: '1750993800000' });
    expect(held).toMatchObject({
      publicationId: 'lc-1',
      eventId: 'evt-1',
      eventType: 'document.published',
      revision: 1,
      title: '关于370102********1238号居民的公示',
      issuingBody: { name: '聊城市人民政府办公室', creditCode: '11371500004310437T' },
      heldAt: new Date(1750993800000),
    });
    expect(held.findings.map((f) => `${f.kind} ${f.field}`).sort()).toEqual([
      'MOBILE_NUMBER document.body',
      'RESIDENT_ID document.body',
      'RESIDENT_ID document.title',
    ]);
    expect(JSON.stringify(held)).not.toContain(IDENTITY);
    expect(JSON.stringify(held)).not.toContain('1234-5678');
    // What an approval releases is the event as accepted, without the findings header.
    expect(kept.value.equals(encoded.value)).toBe(true);
    expect(kept.headers[HUB_HEADERS.findings]).toBeDefined();
  });

  it('reads the HELD decision beside it, and nothing from another event type', () => {
    const { decision: record, encoded } = holdDocument('lc-1', 'evt-1');
    expect(decisionFromRecord(record)).toMatchObject({ subject: 'lc-1', eventId: 'evt-1', decision: 'HELD', decidedBy: 'review-gate' });
    expect(decisionFromRecord(encoded)).toBeNull();
  });

  it('keeps a finding it cannot fully read as UNKNOWN, never dropping it, and masks a clear value in an old excerpt', () => {
    const { held: record } = holdDocument('lc-1', 'evt-1');
    const headers = { ...record.headers, [HUB_HEADERS.findings]: JSON.stringify([{ kind: 'NEW_KIND', field: 'document.body', excerpt: `电话 ${MOBILE}` }]) };
    const { held } = heldFromRecord({ ...record, headers });
    expect(held.findings).toEqual([{ kind: 'UNKNOWN', field: 'document.body', excerpt: '电话 [masked]', rule: null }]);
  });
});

describe('heldFromRecord, for a hold this process wrote', () => {
  it('reads the event the record carries instead of decoding its value again, and shows the same hold', () => {
    const { held: record } = holdDocument('lc-1', 'evt-1');
    const fromValue = heldFromRecord({ ...record, event: undefined, timestamp: '1750993800000' });
    const unreadable = Buffer.from('not an Avro event');
    expect(heldFromRecord({ ...record, value: unreadable, timestamp: '1750993800000' }).held).toEqual(fromValue.held);
    // Without the event the value is all there is: proof the line above never read it.
    let thrown: unknown;
    try {
      heldFromRecord({ ...record, value: unreadable, event: undefined });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EventDecodeError);
  });
});

describe('HeldItems', () => {
  it('knows from its key and ce_id alone whether a review.held record brings a hold it has', () => {
    const items = new HeldItems();
    const { held: record } = holdDocument('lc-1', 'evt-1');
    const readBack = { key: Buffer.from(record.key), value: Buffer.from('never decoded'), headers: { ...record.headers } };
    expect(items.hasHoldOf(readBack)).toBe(false);
    const { held, original: kept } = heldFromRecord(record);
    items.hold(held, kept);
    expect(items.hasHoldOf(readBack)).toBe(true);
    expect(items.hasHoldOf({ ...readBack, key: Buffer.from('lc-2') })).toBe(false);
    expect(items.hasHoldOf({ ...readBack, headers: { ...record.headers, [EVENT_HEADERS.id]: Buffer.from('evt-2') } })).toBe(false);
    expect(items.hasHoldOf({ ...readBack, headers: { ...record.headers, [EVENT_HEADERS.id]: undefined } })).toBe(false);
    expect(items.hasHoldOf({ ...readBack, key: null })).toBe(false);
    // A decision alone is not a hold.
    items.decide(decision('lc-3', 'evt-3', 'APPROVED'));
    expect(items.hasHoldOf({ ...readBack, key: 'lc-3', headers: { ...record.headers, [EVENT_HEADERS.id]: 'evt-3' } })).toBe(false);
  });

  it('lists a held event as waiting until a final decision, which takes its bytes away', () => {
    const items = new HeldItems();
    items.hold(heldEvent('lc-1', 'evt-1', 1000), original);
    expect(items.decide(decision('lc-1', 'evt-1', 'HELD'))).toBe(false);
    expect(items.awaiting().map((i) => i.held.eventId)).toEqual(['evt-1']);
    expect(items.original('lc-1', 'evt-1')).toBe(original);

    expect(items.decide(decision('lc-1', 'evt-1', 'APPROVED'))).toBe(true);
    expect(items.awaiting()).toEqual([]);
    expect(items.find('lc-1', 'evt-1')?.decision).toMatchObject({ decision: 'APPROVED', decidedBy: 'dev-reviewer' });
    expect(items.original('lc-1', 'evt-1')).toBeUndefined();
  });

  it('keeps the first final decision: a later one, or the same event held again, changes nothing', () => {
    const items = new HeldItems();
    items.hold(heldEvent('lc-1', 'evt-1', 1000), original);
    items.decide(decision('lc-1', 'evt-1', 'REJECTED', 'retraction'));
    expect(items.decide(decision('lc-1', 'evt-1', 'APPROVED'))).toBe(false);
    items.hold(heldEvent('lc-1', 'evt-1', 5000), original);
    expect(items.find('lc-1', 'evt-1')).toMatchObject({ held: { heldAt: new Date(1000) }, decision: { decision: 'REJECTED', decidedBy: 'retraction' } });
    expect(items.awaitingOf('lc-1')).toEqual([]);
  });

  it('takes a decision that arrives before its hold (the topics are read side by side)', () => {
    const items = new HeldItems();
    items.decide(decision('lc-1', 'evt-1', 'APPROVED_MASKED'));
    expect(items.find('lc-1', 'evt-1')).toBeUndefined();
    items.hold(heldEvent('lc-1', 'evt-1', 1000), original);
    expect(items.find('lc-1', 'evt-1')?.decision?.decision).toBe('APPROVED_MASKED');
    expect(items.original('lc-1', 'evt-1')).toBeUndefined();
    expect(items.awaiting()).toEqual([]);
  });

  it('answers per publication, oldest first, and keeps publications apart even with the same event id', () => {
    const items = new HeldItems();
    items.hold(heldEvent('lc-1', 'rev-2', 3000), original);
    items.hold(heldEvent('lc-1', 'rev-1', 1000), original);
    items.hold(heldEvent('lc-2', 'rev-1', 2000), original);
    items.decide(decision('lc-1', 'rev-1', 'REJECTED'));
    expect(items.ofPublication('lc-1').map((i) => [i.held.eventId, i.decision?.decision ?? 'waiting'])).toEqual([
      ['rev-1', 'REJECTED'],
      ['rev-2', 'waiting'],
    ]);
    expect(items.awaitingOf('lc-1').map((i) => i.held.eventId)).toEqual(['rev-2']);
    expect(items.awaiting().map((i) => `${i.held.publicationId}/${i.held.eventId}`)).toEqual(['lc-2/rev-1', 'lc-1/rev-2']);
    expect(items.ofPublication('lc-3')).toEqual([]);
  });
});
