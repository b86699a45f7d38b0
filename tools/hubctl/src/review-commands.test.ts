import { Metadata, status } from '@grpc/grpc-js';
import type { reviewApi } from '@gongkai/contracts';
import { runHubctl, type HubctlContext } from './commands';
import type { ReviewCalls } from './review-client';
import { encodeStatusDetails, type StatusDetails } from './status-details';
import type { CallSettings } from './unary-call';

interface Run {
  code: number;
  out: string[];
  err: string[];
  address?: string;
  calls: { method: string; request: unknown; settings: CallSettings }[];
}

/** Runs hubctl against a fake review service whose answer to each call is `answer`. */
async function hubctl(argv: string[], answer: (method: string, request: unknown) => unknown, env: Record<string, string> = { HUB_TOKEN: 'dev-reviewer-token' }): Promise<Run> {
  const run: Run = { code: -1, out: [], err: [], calls: [] };
  const call = (method: string) => async (request: unknown, settings: CallSettings) => {
    run.calls.push({ method, request, settings });
    const result = answer(method, request);
    if (result instanceof Error) throw result;
    return result as never;
  };
  const client: ReviewCalls = { listHeld: call('listHeld'), getHeld: call('getHeld'), decide: call('decide'), close: () => undefined };
  const context: HubctlContext = {
    env,
    out: (l) => run.out.push(l),
    err: (l) => run.err.push(l),
    connect: () => {
      throw new Error('review commands must not call the gateway');
    },
    connectReview: (address) => {
      run.address = address;
      return client;
    },
  };
  run.code = await runHubctl(argv, context);
  return run;
}

function grpcError(code: status, details: string, rich: Partial<StatusDetails> = {}): Error {
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', encodeStatusDetails(code, details, rich));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

const at = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });

function item(eventId: string, decision: reviewApi.RecordedDecision__Output | null = null): reviewApi.HeldItem__Output {
  return {
    publicationId: 'lc-1',
    eventId,
    eventType: 'document.published',
    revision: 1,
    title: '关于居民370102********1238的公示',
    issuingBodyName: '聊城市人民政府办公室',
    issuingBodyCreditCode: '11371500004310437T',
    heldAt: at('2025-06-27T01:30:00Z'),
    findings: [
      { kind: 'FINDING_KIND_RESIDENT_ID', field: 'document.title', excerpt: '370102********1238', rule: 'resident-identity-number' },
      { kind: 'FINDING_KIND_RESIDENT_ID', field: 'document.body', excerpt: '370102********1238', rule: 'resident-identity-number' },
      { kind: 'FINDING_KIND_MOBILE_NUMBER', field: 'document.body', excerpt: '138****5678', rule: 'mobile-number' },
    ],
    state: decision ? decision.decision : 'REVIEW_DECISION_HELD',
    decision,
  };
}

function recorded(decision: reviewApi.ReviewDecision__Output, extra: Partial<reviewApi.RecordedDecision__Output> = {}): reviewApi.RecordedDecision__Output {
  return {
    publicationId: 'lc-1',
    eventId: 'evt-1',
    eventType: 'document.published',
    revision: 1,
    decision,
    decidedBy: 'dev-reviewer',
    decidedAt: at('2025-06-27T02:00:00Z'),
    findings: [],
    note: '',
    releasedEventId: '',
    channels: [],
    ...extra,
  };
}

/** A fake service holding `items` of lc-1 that answers Decide with `decided`. */
function service(items: reviewApi.HeldItem__Output[], decided?: reviewApi.RecordedDecision__Output | Error) {
  return (method: string) => {
    if (method === 'getHeld') return { publicationId: 'lc-1', items };
    if (method === 'listHeld') return { items };
    return decided;
  };
}

describe('hubctl review list and show', () => {
  it('lists held events with their masked title and what was found, on the default review service', async () => {
    const run = await hubctl(['review', 'list'], service([item('evt-1')]));
    expect(run.code).toBe(0);
    expect(run.address).toBe('127.0.0.1:50052');
    expect(run.calls[0]?.settings.token).toBe('dev-reviewer-token');
    expect(run.out).toEqual([
      '1 held event waiting for a decision, the longest-waiting first:',
      '  lc-1  关于居民370102********1238的公示',
      '    event evt-1 (document.published, revision 1), held 2025-06-27T01:30:00.000Z, 聊城市人民政府办公室',
      '    found: RESIDENT_ID ×2, MOBILE_NUMBER',
    ]);
    expect((await hubctl(['review', 'list'], service([]))).out).toEqual(['no held events wait for a decision']);
  });

  it('shows a publication’s held events with each finding and the decision', async () => {
    const decided = item('evt-1', recorded('REVIEW_DECISION_APPROVED_MASKED', { releasedEventId: 'evt-1:masked', note: '已脱敏' }));
    const run = await hubctl(['review', 'show', 'lc-1', '--review-service', 'review.local:6000'], service([decided]));
    expect(run.address).toBe('review.local:6000');
    expect(run.calls[0]?.request).toEqual({ publicationId: 'lc-1' });
    expect(run.out).toEqual([
      'lc-1: 1 held event',
      '  event evt-1 (document.published, revision 1)',
      '    title:         关于居民370102********1238的公示',
      '    issuing body:  聊城市人民政府办公室 (11371500004310437T)',
      '    held at:       2025-06-27T01:30:00.000Z',
      '    state:         APPROVED_MASKED by dev-reviewer at 2025-06-27T02:00:00.000Z, released evt-1:masked',
      '    note:          已脱敏',
      '    findings:',
      '      RESIDENT_ID in document.title: 370102********1238 (resident-identity-number)',
      '      RESIDENT_ID in document.body: 370102********1238 (resident-identity-number)',
      '      MOBILE_NUMBER in document.body: 138****5678 (mobile-number)',
    ]);
  });

  it('prints one JSON object with --json, and takes the address from HUB_REVIEW_SERVICE', async () => {
    const run = await hubctl(['review', 'list', '--json'], service([item('evt-1')]), { HUB_TOKEN: 't', HUB_REVIEW_SERVICE: '10.0.0.1:50052' });
    expect(run.address).toBe('10.0.0.1:50052');
    const printed = JSON.parse(run.out[0]!) as { ok: boolean; items: Record<string, unknown>[] };
    expect(printed.ok).toBe(true);
    expect(printed.items[0]).toMatchObject({ eventId: 'evt-1', state: 'HELD', heldAt: '2025-06-27T01:30:00.000Z', decision: null });
  });
});

describe('hubctl review approve and reject', () => {
  it('approves the one held event waiting, and says where it went', async () => {
    const run = await hubctl(['review', 'approve', 'lc-1'], service([item('evt-0', recorded('REVIEW_DECISION_REJECTED')), item('evt-1')], recorded('REVIEW_DECISION_APPROVED', { releasedEventId: 'evt-1', channels: ['website', 'newmedia'] })));
    expect(run.code).toBe(0);
    expect(run.calls.map((c) => c.method)).toEqual(['getHeld', 'decide']);
    expect(run.calls[1]?.request).toEqual({ publicationId: 'lc-1', eventId: 'evt-1', decision: 'OPERATOR_DECISION_APPROVE', note: '' });
    expect(run.out).toEqual(['approved evt-1 of lc-1: released as accepted to website, newmedia', '  decided by dev-reviewer at 2025-06-27T02:00:00.000Z']);
  });

  it('approves with masking under --mask, for the event named', async () => {
    const run = await hubctl(['review', 'approve', 'lc-1', '--mask', '--event-id', 'evt-7', '--note', '已脱敏'], service([], recorded('REVIEW_DECISION_APPROVED_MASKED', { releasedEventId: 'evt-1:masked', channels: ['website'], note: '已脱敏' })));
    expect(run.calls.map((c) => c.method)).toEqual(['decide']);
    expect(run.calls[0]?.request).toEqual({ publicationId: 'lc-1', eventId: 'evt-7', decision: 'OPERATOR_DECISION_APPROVE_WITH_MASKING', note: '已脱敏' });
    expect(run.out[0]).toBe('approved with masking evt-1 of lc-1: released the masked copy evt-1:masked to website');
  });

  it('rejects with the note, and asks for one without calling', async () => {
    const run = await hubctl(['review', 'reject', 'lc-1', '--note', '涉及个人隐私'], service([item('evt-1')], recorded('REVIEW_DECISION_REJECTED', { note: '涉及个人隐私' })));
    expect(run.calls[1]?.request).toMatchObject({ decision: 'OPERATOR_DECISION_REJECT', note: '涉及个人隐私' });
    expect(run.out).toEqual(['rejected evt-1 of lc-1: nothing released', '  decided by dev-reviewer at 2025-06-27T02:00:00.000Z: 涉及个人隐私']);
    const noNote = await hubctl(['review', 'reject', 'lc-1'], service([item('evt-1')]));
    expect([noNote.code, noNote.calls]).toEqual([2, []]);
    expect(noNote.err[0]).toBe('hubctl: hubctl review reject needs --note saying why');
  });

  it('asks which event when more than one waits', async () => {
    const run = await hubctl(['review', 'approve', 'lc-1'], service([item('evt-1'), item('evt-2')]));
    expect(run.code).toBe(2);
    expect(run.calls.map((c) => c.method)).toEqual(['getHeld']);
    expect(run.err[0]).toBe('hubctl: publication lc-1 has 2 held events waiting (evt-1, evt-2); name one with --event-id');
  });

  it('exits 5 when the event no longer waits, passing on why', async () => {
    const refused = grpcError(status.FAILED_PRECONDITION, 'event evt-1 of publication lc-1 was cancelled at 2025-06-27T02:00:00.000Z: cancelled by retraction r-1 (PERSONAL_DATA); it can no longer be approved', {
      preconditionViolations: [{ type: 'CANCELLED_BY_RETRACTION', subject: 'review.held/lc-1/evt-1', description: 'cancelled' }],
    });
    const run = await hubctl(['review', 'approve', 'lc-1'], service([item('evt-1', recorded('REVIEW_DECISION_REJECTED', { decidedBy: 'retraction' }))], refused));
    expect(run.code).toBe(5);
    expect(run.calls[1]?.request).toMatchObject({ eventId: 'evt-1' });
    expect(run.err).toEqual([
      'hubctl: refused (FAILED_PRECONDITION): event evt-1 of publication lc-1 was cancelled at 2025-06-27T02:00:00.000Z: cancelled by retraction r-1 (PERSONAL_DATA); it can no longer be approved',
      '  CANCELLED_BY_RETRACTION: review.held/lc-1/evt-1',
    ]);
    const json = await hubctl(['review', 'approve', 'lc-1', '--event-id', 'evt-1', '--json'], service([], refused));
    expect(JSON.parse(json.out[0]!)).toMatchObject({ ok: false, exitCode: 5, code: 'FAILED_PRECONDITION', eventId: 'evt-1', preconditionViolations: [{ type: 'CANCELLED_BY_RETRACTION' }] });
  });
});

describe('hubctl review failures', () => {
  it('exits 4 without a token, naming the operator’s token, and for a caller who is not a reviewer', async () => {
    const noToken = await hubctl(['review', 'list'], service([]), {});
    expect([noToken.code, noToken.calls]).toEqual([4, []]);
    expect(noToken.err[0]).toBe("hubctl: no token: pass the operator's token with --token or set HUB_TOKEN");
    const denied = await hubctl(['review', 'list'], () => grpcError(status.PERMISSION_DENIED, 'operator dev-viewer does not have the role `reviewer`'));
    expect(denied.code).toBe(4);
    expect(denied.err[1]).toContain("roles are in the review service's operator registry");
  });

  it('exits 7 naming the review service when it cannot be reached', async () => {
    const run = await hubctl(['review', 'list'], () => grpcError(status.UNAVAILABLE, 'No connection established', { retryDelayMs: 2000 }));
    expect(run.code).toBe(7);
    expect(run.err).toEqual([
      'hubctl: unavailable (UNAVAILABLE): No connection established',
      '  the review service at 127.0.0.1:50052 or its Kafka could not be reached; nothing was decided',
      '  try again after 2 s',
    ]);
  });

  it.each([
    [['review'], 'hubctl review needs one of list, show, approve, reject'],
    [['review', 'lst'], "unknown review command 'lst'"],
    [['review', 'show'], 'hubctl review show needs <publicationId>'],
    [['review', 'list', 'lc-1'], 'hubctl review list takes no arguments; unexpected: lc-1'],
    [['review', 'show', 'lc-1', 'lc-2'], 'unexpected: lc-2'],
    [['review', 'list', '--gateway', '127.0.0.1:50051'], '--gateway does not apply to hubctl review'],
    [['review', 'show', 'lc-1', '--mask'], '--mask does not apply to hubctl review show'],
    [['review', 'reject', 'lc-1', '--mask', '--note', 'n'], '--mask does not apply to hubctl review reject'],
    [['review', 'list', '--reason', 'r'], '--reason does not apply to hubctl review'],
    [['review', 'list', '--review-service', 'nowhere'], '--review-service must be host:port'],
    [['get', 'lc-1', '--mask'], '--mask does not apply to hubctl get'],
  ])('hubctl %j exits 2: %s', async (argv, message) => {
    const run = await hubctl(argv, service([]));
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain(message);
    expect(run.calls).toEqual([]);
  });
});
