import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { FINDING_KINDS, REVIEW_DECISIONS } from './events/review-decided';
import type { DecideRequest, DecideRequest__Output } from './generated/gongkai/hub/v1/DecideRequest';
import type { HeldItem } from './generated/gongkai/hub/v1/HeldItem';
import { decodeStatusDetails, readStatusDetails, richStatus } from './grpc-status-details';
import { loadReviewPackageDefinition, loadReviewService } from './review-service';

interface EnumDescriptor {
  value: { name: string; number: number }[];
}

const definition = loadReviewPackageDefinition();

describe('review service', () => {
  it('loads ReviewService with its three calls', () => {
    const service = loadReviewService().gongkai.hub.v1.ReviewService.service;
    expect(Object.keys(service).sort()).toEqual(['Decide', 'GetHeld', 'ListHeld']);
    expect(service.Decide.path).toBe('/gongkai.hub.v1.ReviewService/Decide');
  });

  it('carries a decision request and a held item with the generated types’ conventions', () => {
    const { Decide, ListHeld } = loadReviewService().gongkai.hub.v1.ReviewService.service;
    const request: DecideRequest = { publicationId: 'lc-1', eventId: 'evt-1', decision: 'OPERATOR_DECISION_APPROVE_WITH_MASKING' };
    const received: DecideRequest__Output = Decide.requestDeserialize(Decide.requestSerialize(request));
    expect(received).toEqual({ publicationId: 'lc-1', eventId: 'evt-1', decision: 'OPERATOR_DECISION_APPROVE_WITH_MASKING', note: '' });

    const item: HeldItem = {
      publicationId: 'lc-1',
      eventId: 'evt-1',
      eventType: 'document.published',
      findings: [{ kind: 'FINDING_KIND_RESIDENT_ID', field: 'document.body', excerpt: '370102********1238', rule: 'resident-identity-number' }],
      state: 'REVIEW_DECISION_HELD',
      heldAt: { seconds: '1750987800', nanos: 0 },
    };
    const back = ListHeld.responseDeserialize(ListHeld.responseSerialize({ items: [item] }));
    expect(back.items[0]).toMatchObject({ eventId: 'evt-1', state: 'REVIEW_DECISION_HELD', decision: null, heldAt: { seconds: '1750987800' } });
    expect(back.items[0]?.revision).toBeUndefined();
  });

  it('offers every type generated from review.proto in the reviewApi namespace', () => {
    const barrel = readFileSync(path.join(__dirname, 'review-api-types.ts'), 'utf8');
    const dir = path.join(__dirname, 'generated/gongkai/hub/v1');
    const generated = readdirSync(dir)
      .filter((f) => readFileSync(path.join(dir, f), 'utf8').startsWith('// Original file: ../../protos/gongkai/hub/v1/review.proto'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(generated).toContain('HeldItem');
    for (const name of generated) expect(barrel).toContain(`'./generated/gongkai/hub/v1/${name}'`);
  });

  it.each([
    ['ReviewDecision', REVIEW_DECISIONS, 'REVIEW_DECISION'],
    ['FindingKind', FINDING_KINDS, 'FINDING_KIND'],
  ] as const)('mirrors the Avro enum %s of review.decided', (name, symbols, prefix) => {
    const proto = definition[`gongkai.hub.v1.${name}`]!.type as EnumDescriptor;
    expect(proto.value.map((v) => `${v.name}=${v.number}`)).toEqual(symbols.map((s, i) => `${prefix}_${s === 'UNKNOWN' ? 'UNSPECIFIED' : s}=${i}`));
  });
});

describe('rich status details', () => {
  it('carries field violations, precondition violations and a retry delay through the trailer', () => {
    const answer = richStatus(status.FAILED_PRECONDITION, 'already decided', {
      fieldViolations: [{ field: 'note', description: 'a rejection needs a note', reason: 'NOTE_REQUIRED' }, { field: 'eventId', description: 'required' }],
      preconditionViolations: [{ type: 'ALREADY_DECIDED', subject: 'review.held/lc-1/evt-1', description: 'approved by reviewer-1' }],
      retryDelayMs: 1500,
    });
    expect(answer.code).toBe(status.FAILED_PRECONDITION);
    expect(answer.details).toBe('already decided');
    expect(readStatusDetails(answer.metadata)).toEqual({
      fieldViolations: [{ field: 'note', description: 'a rejection needs a note', reason: 'NOTE_REQUIRED' }, { field: 'eventId', description: 'required' }],
      preconditionViolations: [{ type: 'ALREADY_DECIDED', subject: 'review.held/lc-1/evt-1', description: 'approved by reviewer-1' }],
      retryDelayMs: 1500,
    });
  });

  it('reads nothing from a status without details, and does not throw on a garbled trailer', () => {
    expect(readStatusDetails(richStatus(status.NOT_FOUND, 'no such item').metadata)).toEqual({ fieldViolations: [], preconditionViolations: [] });
    expect(readStatusDetails(undefined)).toEqual({ fieldViolations: [], preconditionViolations: [] });
    const garbled = richStatus(status.INTERNAL, 'x').metadata;
    garbled.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff]));
    expect(readStatusDetails(garbled)).toEqual({ fieldViolations: [], preconditionViolations: [] });
    expect(() => decodeStatusDetails(Buffer.from([0xff, 0xff, 0xff]))).toThrow();
  });
});
