import { status } from '@grpc/grpc-js';
import { ConflictingEventError, InvalidEventError, UnavailableError } from './errors';
import { readStatusDetails, toGrpcStatus } from './grpc-status';

describe('toGrpcStatus', () => {
  it('carries field violations as google.rpc.BadRequest', () => {
    const mapped = toGrpcStatus(
      new InvalidEventError([
        { field: 'document.issuingBody.creditCode', rule: 'credit-code-check-character', description: 'the check character should be T' },
        { field: 'document.title', rule: 'required', description: 'is empty' },
      ]),
    );
    expect(mapped.code).toBe(status.INVALID_ARGUMENT);
    expect(readStatusDetails(mapped.metadata).fieldViolations).toEqual([
      { field: 'document.issuingBody.creditCode', description: 'the check character should be T', reason: 'CREDIT_CODE_CHECK_CHARACTER' },
      { field: 'document.title', description: 'is empty', reason: 'REQUIRED' },
    ]);
  });

  it('carries a retry delay with UNAVAILABLE', () => {
    const mapped = toGrpcStatus(new UnavailableError('Kafka down', 1500));
    expect(mapped.code).toBe(status.UNAVAILABLE);
    expect(readStatusDetails(mapped.metadata).retryDelayMs).toBe(1500);
  });

  it('maps a reused id to ALREADY_EXISTS and hides unexpected errors behind INTERNAL', () => {
    expect(toGrpcStatus(new ConflictingEventError({ caller: 'a', eventId: 'e1' })).code).toBe(status.ALREADY_EXISTS);
    const internal = toGrpcStatus(new Error('SQLITE_CORRUPT at /var/lib/secret/path'));
    expect(internal.code).toBe(status.INTERNAL);
    expect(internal.details).not.toContain('/var/lib');
  });
});
