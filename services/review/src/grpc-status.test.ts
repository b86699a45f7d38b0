import { status } from '@grpc/grpc-js';
import { readStatusDetails } from '@gongkai/contracts';
import { DecisionRefusedError, FindingMismatchError, InvalidRequestError, ReviewUnavailableError, UnauthenticatedError } from './errors';
import { toGrpcStatus } from './grpc-status';

describe('toGrpcStatus', () => {
  it('gives bad input its field violations', () => {
    const mapped = toGrpcStatus(new InvalidRequestError([{ field: 'note', rule: 'NOTE_REQUIRED', description: 'a rejection must say why' }]));
    expect(mapped.code).toBe(status.INVALID_ARGUMENT);
    expect(readStatusDetails(mapped.metadata).fieldViolations).toEqual([{ field: 'note', reason: 'NOTE_REQUIRED', description: 'a rejection must say why' }]);
  });

  it('says in a precondition violation why an event cannot be decided', () => {
    const mapped = toGrpcStatus(new DecisionRefusedError('CANCELLED_BY_RETRACTION', 'lc-1', 'evt-1', 'cancelled by retraction r-1'));
    expect(mapped.code).toBe(status.FAILED_PRECONDITION);
    expect(readStatusDetails(mapped.metadata).preconditionViolations).toEqual([
      { type: 'CANCELLED_BY_RETRACTION', subject: 'review.held/lc-1/evt-1', description: 'cancelled by retraction r-1' },
    ]);
  });

  it('gives UNAVAILABLE a retry delay, and hides what it does not know', () => {
    const unavailable = toGrpcStatus(new ReviewUnavailableError('Kafka is down', 2000));
    expect([unavailable.code, readStatusDetails(unavailable.metadata).retryDelayMs]).toEqual([status.UNAVAILABLE, 2000]);
    expect(toGrpcStatus(new UnauthenticatedError('no token')).code).toBe(status.UNAUTHENTICATED);
    const internal = toGrpcStatus(new FindingMismatchError('document.body', 'mobile-number', 'offsets outside the field'));
    expect([internal.code, internal.details]).toEqual([status.INTERNAL, 'internal error; nothing was decided']);
  });
});
