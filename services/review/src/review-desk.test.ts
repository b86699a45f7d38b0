import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { decodeEvent, encodeEvent, TOPICS, type HubEvent } from '@gongkai/contracts';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { createLogger } from '@gongkai/runtime';
import { validateChannelLimits } from './deadlines';
import { DecisionRefusedError, HeldItemNotFoundError, InvalidRequestError, ReviewUnavailableError } from './errors';
import { HeldItems, heldFromRecord } from './held-items';
import type { Operator } from './operator-registry';
import { ReviewDesk } from './review-desk';
import { processAccepted, type OutgoingRecord } from './review-processor';
import { loadRouting } from './routing';
import { WorkingCalendar } from './working-calendar';

const config = { routing: loadRouting(resolve(__dirname, '../config/routing.yaml')), calendar: WorkingCalendar.fromDirectory(), limits: validateChannelLimits({}) };
const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
const reviewer: Operator = { id: 'dev-reviewer', name: 'r', roles: ['reviewer'] };

/** A desk over a read model holding one document with an identity number; writes are recorded, and may be made to fail. */
function desk(options: { ready?: boolean } = {}) {
  const base = sampleEvents()['document.published'];
  const encoded = encodeEvent({ type: 'document.published', source: '/oa', id: 'evt-1', data: { ...base, publicationId: 'lc-1', body: `${base.body} 身份证 370102199003071238` } });
  const [heldRecord] = processAccepted(decodeEvent(encoded), { value: encoded.value, headers: encoded.headers }, config);
  const items = new HeldItems();
  const { held, original } = heldFromRecord(heldRecord!);
  items.hold(held, original);
  const written: OutgoingRecord[][] = [];
  const state = { failWrites: false, catchUps: 0 };
  const source = {
    items,
    ready: options.ready ?? true,
    catchUp: async () => void state.catchUps++,
  };
  const writeDecision = async (records: readonly OutgoingRecord[]) => {
    if (state.failWrites) throw new Error('broker down');
    written.push([...records]);
  };
  return { desk: new ReviewDesk({ source, writeDecision, processor: config, logger, now: () => new Date('2025-06-30T02:00:00Z') }), items, written, state };
}

function retraction(): HubEvent<'publication.retracted'> {
  const encoded = encodeEvent({ type: 'publication.retracted', source: '/oa', id: 'retract-1', data: { publicationId: 'lc-1', reasonCode: 'PUBLISHED_IN_ERROR', reason: '误发', requestedBy: '办公室', retractedAt: new Date() } });
  return decodeEvent(encoded) as HubEvent<'publication.retracted'>;
}

describe('ReviewDesk', () => {
  it('lists, shows and decides a held event, once', async () => {
    const { desk: d, written, state } = desk();
    expect(d.list().map((i) => i.held.eventId)).toEqual(['evt-1']);
    const outcome = await d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-1', decision: 'OPERATOR_DECISION_APPROVE' });
    expect(state.catchUps).toBe(1);
    expect(written).toEqual([outcome.records]);
    expect(written[0]!.map((r) => r.topic)).toEqual([TOPICS.released, TOPICS.reviewDecisions]);
    expect(d.list()).toEqual([]);
    expect(d.get('lc-1')[0]?.decision).toMatchObject({ decision: 'APPROVED', decidedBy: 'dev-reviewer' });
    await expect(d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-1', decision: 'REJECT', note: 'x' })).rejects.toThrow(DecisionRefusedError);
    expect(written).toHaveLength(1);
  });

  it('answers bad requests and unknown publications without writing', async () => {
    const { desk: d, written } = desk();
    await expect(d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-1', decision: 'REJECT' })).rejects.toThrow(InvalidRequestError);
    await expect(d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-9', decision: 'APPROVE' })).rejects.toThrow(HeldItemNotFoundError);
    expect(() => d.get('lc-9')).toThrow(HeldItemNotFoundError);
    expect(written).toEqual([]);
  });

  it('leaves the event waiting when Kafka does not take the decision', async () => {
    const { desk: d, state } = desk();
    state.failWrites = true;
    await expect(d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-1', decision: 'APPROVE' })).rejects.toThrow(ReviewUnavailableError);
    expect(d.list()).toHaveLength(1);
  });

  it('is unavailable until the held events are read back', () => {
    expect(() => desk({ ready: false }).desk.list()).toThrow(ReviewUnavailableError);
  });

  it('lets a retraction in progress finish before a decision on the same publication, which it then refuses', async () => {
    const { desk: d, written } = desk();
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const event = retraction();
    const retracting = d.retract(event, (waiting) => processAccepted(event, { value: Buffer.alloc(0), headers: {} }, config, waiting), async (records) => {
      await gate;
      written.push([...records]);
    });
    const deciding = d.decide(reviewer, { publicationId: 'lc-1', eventId: 'evt-1', decision: 'APPROVE' });
    const settled = deciding.then(
      () => 'decided',
      (err: unknown) => err,
    );
    release();
    const records = await retracting;
    expect(records.map((r) => r.topic)).toEqual([TOPICS.reviewDecisions, TOPICS.released]);
    const refused = await settled;
    expect(refused).toBeInstanceOf(DecisionRefusedError);
    expect((refused as DecisionRefusedError).refusal).toBe('CANCELLED_BY_RETRACTION');
    expect(written).toHaveLength(1);
  });
});
