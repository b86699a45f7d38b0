import { Metadata, status } from '@grpc/grpc-js';
import { EventFileError, MissingTokenError, UsageError } from './errors';
import { failureJson, reportCallFailure, reportLocalFailure } from './error-report';
import { ExitCode, exitCodeForStatus } from './exit-codes';
import { encodeStatusDetails, type StatusDetails } from './status-details';

function failure(code: status, details: string, rich?: Partial<StatusDetails>) {
  const metadata = new Metadata();
  if (rich) metadata.set('grpc-status-details-bin', encodeStatusDetails(code, details, rich));
  return { code, details, metadata };
}

const context = { gateway: '127.0.0.1:50051', eventId: 'evt-1', retryCommand: 'hubctl publish doc.yaml --event-id evt-1' };

describe('exit codes', () => {
  it.each([
    [status.OK, ExitCode.OK, 0],
    [status.INVALID_ARGUMENT, ExitCode.INVALID_INPUT, 3],
    [status.UNAUTHENTICATED, ExitCode.AUTH, 4],
    [status.PERMISSION_DENIED, ExitCode.AUTH, 4],
    [status.ALREADY_EXISTS, ExitCode.CONFLICT, 5],
    [status.FAILED_PRECONDITION, ExitCode.CONFLICT, 5],
    [status.NOT_FOUND, ExitCode.NOT_FOUND, 6],
    [status.UNAVAILABLE, ExitCode.UNAVAILABLE, 7],
    [status.DEADLINE_EXCEEDED, ExitCode.UNAVAILABLE, 7],
    [status.INTERNAL, ExitCode.FAILURE, 1],
    [status.UNKNOWN, ExitCode.FAILURE, 1],
  ])('status %s exits with %s', (code, exitCode, number) => {
    expect(exitCodeForStatus(code)).toBe(exitCode);
    expect(exitCode).toBe(number);
  });

  it('gives usage 2, a bad file 3 and a missing token 4', () => {
    expect(new UsageError('x').exitCode).toBe(2);
    expect(new EventFileError('f', []).exitCode).toBe(3);
    expect(new MissingTokenError().exitCode).toBe(4);
  });
});

describe('error reports', () => {
  it('lists each field violation of INVALID_ARGUMENT on its own line', () => {
    const report = reportCallFailure(
      failure(status.INVALID_ARGUMENT, 'invalid event', {
        fieldViolations: [
          { field: 'document.issuingBody.creditCode', description: 'credit-code-check-character: the check character should be T' },
          { field: 'document.title', description: 'title-length: at most 200 characters' },
        ],
      }),
      context,
    );
    expect(report.exitCode).toBe(3);
    expect(report.code).toBe('INVALID_ARGUMENT');
    expect(report.lines).toEqual([
      'refused (INVALID_ARGUMENT): the event breaks 2 rules:',
      '  document.issuingBody.creditCode: credit-code-check-character: the check character should be T',
      '  document.title: title-length: at most 200 characters',
    ]);
    expect(failureJson(report)).toEqual({
      ok: false,
      exitCode: 3,
      code: 'INVALID_ARGUMENT',
      message: 'invalid event',
      eventId: 'evt-1',
      fieldViolations: report.fieldViolations,
    });
  });

  it('shows the rule name when the server puts it in the violation\'s reason', () => {
    const report = reportCallFailure(failure(status.INVALID_ARGUMENT, 'invalid event', { fieldViolations: [{ field: 'document.title', description: 'at most 200 characters', reason: 'TITLE_LENGTH' }] }), context);
    expect(report.lines[1]).toBe('  document.title: TITLE_LENGTH: at most 200 characters');
    expect(report.fieldViolations).toEqual([{ field: 'document.title', description: 'at most 200 characters', reason: 'TITLE_LENGTH' }]);
  });

  it('falls back to the message when INVALID_ARGUMENT has no details', () => {
    expect(reportCallFailure(failure(status.INVALID_ARGUMENT, 'name the publication'), context).lines).toEqual(['refused (INVALID_ARGUMENT): name the publication']);
  });

  it('tells how to pass a token on UNAUTHENTICATED', () => {
    const report = reportCallFailure(failure(status.UNAUTHENTICATED, 'no valid bearer token'), context);
    expect(report.exitCode).toBe(4);
    expect(report.lines.join('\n')).toMatch(/--token .* HUB_TOKEN/);
  });

  it('points at the grant on PERMISSION_DENIED', () => {
    const report = reportCallFailure(failure(status.PERMISSION_DENIED, 'request-desk may not publish document.published'), context);
    expect(report.exitCode).toBe(4);
    expect(report.lines[1]).toContain('not granted this event type or issuing body');
  });

  it('asks for a new event id on ALREADY_EXISTS', () => {
    const report = reportCallFailure(failure(status.ALREADY_EXISTS, "event id 'evt-1' was already used"), context);
    expect(report.exitCode).toBe(5);
    expect(report.lines[1]).toContain('the event id evt-1 was used before for a different event');
  });

  it('says NOT_FOUND plainly', () => {
    expect(reportCallFailure(failure(status.NOT_FOUND, "no publication 'x'"), { gateway: '127.0.0.1:50051' }).exitCode).toBe(6);
  });

  it('on UNAVAILABLE names the gateway and Kafka and gives the command that retries with the same event id', () => {
    const report = reportCallFailure(failure(status.UNAVAILABLE, 'Kafka did not take the event', { fieldViolations: [], retryDelayMs: 1000 }), context);
    expect(report.exitCode).toBe(7);
    expect(report.retryAfterMs).toBe(1000);
    expect(report.lines).toEqual([
      'unavailable (UNAVAILABLE): Kafka did not take the event',
      '  the gateway at 127.0.0.1:50051 or its Kafka could not be reached; nothing was acknowledged',
      '  retry after 1 s with the same event id — the hub accepts it at most once:',
      '    hubctl publish doc.yaml --event-id evt-1',
    ]);
  });

  it('on DEADLINE_EXCEEDED says the outcome is unknown and a retry is safe', () => {
    const report = reportCallFailure(failure(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), context);
    expect(report.exitCode).toBe(7);
    expect(report.lines.join('\n')).toContain('may or may not have been accepted');
    expect(report.lines.join('\n')).toContain('--event-id evt-1');
  });

  it('reports anything else with its status name and exit code 1', () => {
    const report = reportCallFailure(failure(status.INTERNAL, 'internal error'), context);
    expect(report).toMatchObject({ exitCode: 1, code: 'INTERNAL', lines: ['failed (INTERNAL): internal error'] });
  });

  it('ignores a details trailer it cannot decode', () => {
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff]));
    expect(reportCallFailure({ code: status.INVALID_ARGUMENT, details: 'bad', metadata }, context).lines).toEqual(['refused (INVALID_ARGUMENT): bad']);
  });

  it('lists the problems of an event file under its name', () => {
    const report = reportLocalFailure(
      new EventFileError('doc.yaml', [
        { path: 'data.importance', problem: 'must be one of NORMAL, IMPORTANT' },
        { path: 'data.titel', problem: "not a field; did you mean 'title'?" },
      ]),
    );
    expect(report.exitCode).toBe(3);
    expect(report.lines).toEqual(['doc.yaml: 2 problems:', '  data.importance: must be one of NORMAL, IMPORTANT', "  data.titel: not a field; did you mean 'title'?"]);
  });
});
