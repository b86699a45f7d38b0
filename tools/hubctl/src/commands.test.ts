import { join } from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import type { ingestApi } from '@gongkai/contracts';
import { runHubctl, type HubctlContext } from './commands';
import type { CallSettings, IngestCalls } from './ingest-client';
import { encodeStatusDetails } from './status-details';

const EXAMPLE = join(__dirname, '..', 'examples', 'document-published.yaml');

interface Run {
  code: number;
  out: string[];
  err: string[];
  calls: { method: string; request: unknown; settings: CallSettings }[];
}

/** Runs hubctl against a fake gateway whose answer to every call is `answer`. */
async function hubctl(argv: string[], answer: (method: string, request: unknown) => unknown, env: Record<string, string> = { HUB_TOKEN: 'dev-docs-token' }): Promise<Run> {
  const run: Run = { code: -1, out: [], err: [], calls: [] };
  const call = (method: string) => async (request: unknown, settings: CallSettings) => {
    run.calls.push({ method, request, settings });
    const result = answer(method, request);
    if (result instanceof Error) throw result;
    return result as never;
  };
  const client: IngestCalls = { publish: call('publish'), publishBatch: call('publishBatch'), retract: call('retract'), getPublication: call('getPublication'), close: () => undefined };
  const context: HubctlContext = { env, out: (l) => run.out.push(l), err: (l) => run.err.push(l), connect: () => client, newEventId: () => 'generated-1', now: () => new Date('2025-06-27T03:05:00Z') };
  run.code = await runHubctl(argv, context);
  return run;
}

function grpcError(code: status, details: string, violations: { field: string; description: string }[] = []): Error {
  const metadata = new Metadata();
  if (violations.length > 0) metadata.set('grpc-status-details-bin', encodeStatusDetails(code, details, { fieldViolations: violations }));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

const published = (eventId: string, duplicate = false): ingestApi.PublishResponse__Output => ({ eventId, topic: 'disclosure', partition: 2, offset: '145', duplicate });

describe('hubctl publish', () => {
  it('publishes the file with a made-up event id, says so, and prints where the event went', async () => {
    const run = await hubctl(['publish', EXAMPLE], () => published('generated-1'));
    expect(run.code).toBe(0);
    expect(run.out).toEqual(['accepted generated-1 → disclosure[2]@145']);
    expect(run.err).toEqual(['event id generated-1 (made up; pass --event-id generated-1 to retry this same event)']);
    const [call] = run.calls;
    expect(call?.method).toBe('publish');
    expect(call?.settings.token).toBe('dev-docs-token');
    expect(call?.request).toMatchObject({ eventId: 'generated-1', source: '/liaocheng/zfbgs/oa', document: { documentNumber: '聊政办字〔2025〕12号', importance: 'IMPORTANCE_IMPORTANT' } });
  });

  it('says when the id was accepted before', async () => {
    const run = await hubctl(['publish', EXAMPLE, '--event-id', 'evt-1', '--token', 't'], () => published('evt-1', true));
    expect(run.out).toEqual(['already accepted (duplicate) evt-1 → disclosure[2]@145; nothing new was written']);
    expect(run.err).toEqual([]);
    expect(run.calls[0]?.settings.token).toBe('t');
  });

  it('prints one JSON object with --json', async () => {
    const run = await hubctl(['publish', EXAMPLE, '--json', '--event-id', 'evt-1'], () => published('evt-1'));
    expect(run.out.map((l) => JSON.parse(l) as unknown)).toEqual([{ ok: true, eventId: 'evt-1', topic: 'disclosure', partition: 2, offset: '145', duplicate: false }]);
    expect(run.err).toEqual([]);
  });

  it('exits 3 listing each field violation on its own line', async () => {
    const run = await hubctl(['publish', EXAMPLE, '--event-id', 'evt-1'], () =>
      grpcError(status.INVALID_ARGUMENT, 'invalid event', [{ field: 'document.issuingBody.creditCode', description: 'credit-code-check-character: should end in T' }]),
    );
    expect(run.code).toBe(3);
    expect(run.err).toEqual(['hubctl: refused (INVALID_ARGUMENT): the event breaks a rule:', '  document.issuingBody.creditCode: credit-code-check-character: should end in T']);
  });

  it('exits 7 on UNAVAILABLE with the command that retries the same event', async () => {
    const run = await hubctl(['publish', EXAMPLE], () => grpcError(status.UNAVAILABLE, 'No connection established'));
    expect(run.code).toBe(7);
    expect(run.err.at(-1)).toBe(`    hubctl publish ${EXAMPLE} --event-id generated-1`);
  });

  it('exits 4 without calling when there is no token', async () => {
    const run = await hubctl(['publish', EXAMPLE], () => published('x'), {});
    expect(run.code).toBe(4);
    expect(run.calls).toEqual([]);
    expect(run.err).toEqual(['hubctl: no token: pass the caller token with --token or set HUB_TOKEN']);
  });

  it('exits 2 for a file that is not there and 3 for one that is no event', async () => {
    expect((await hubctl(['publish', 'no-such-file.yaml'], () => published('x'))).code).toBe(2);
    const run = await hubctl(['publish', join(__dirname, '..', 'package.json')], () => published('x'));
    expect(run.code).toBe(3);
    expect(run.err[0]).toMatch(/package\.json: \d+ problems:/);
  });
});

describe('hubctl usage', () => {
  it.each([
    [[], 'name a command'],
    [['publsh', 'a.yaml'], "unknown command 'publsh'"],
    [['publish'], 'hubctl publish needs <file>'],
    [['publish', 'a.yaml', 'b.yaml'], 'unexpected: b.yaml'],
    [['get', 'x', '--reason', 'r'], '--reason does not apply to hubctl get'],
    [['get', 'x', '--tokn', 't'], "Unknown option '--tokn'"],
    [['get', 'x', '--gateway', 'localhost'], '--gateway must be host:port'],
    [['get', 'x', '--timeout', 'soon'], '--timeout must be a number of seconds'],
    [['retract', 'lc-1', '--reason', 'r'], 'hubctl retract needs --reason-code, --requested-by'],
    [['retract', 'lc-1', '--reason-code', 'OOPS', '--reason', 'r', '--requested-by', 'op'], '--reason-code: must be one of PUBLISHED_IN_ERROR'],
  ])('hubctl %j exits 2: %s', async (argv, message) => {
    const run = await hubctl(argv, () => published('x'));
    expect(run.code).toBe(2);
    expect(run.err.join('\n')).toContain(message);
    expect(run.calls).toEqual([]);
  });

  it('prints help and exits 0', async () => {
    const run = await hubctl(['--help'], () => published('x'));
    expect(run.code).toBe(0);
    expect(run.out[0]).toContain('hubctl publish <event.json|event.yaml>');
  });
});

describe('hubctl publish-batch', () => {
  it('prints each item, exits with the first refused item’s code, and counts', async () => {
    const file = join(__dirname, '..', 'examples', 'batch.json');
    const items = [
      { type: 'document.published', eventId: 'a', data: { publicationId: 'lc-1' } },
      { type: 'document.published', data: { publicationId: 'lc-2' } },
      { type: 'document.published', eventId: 'c', data: { publicationId: 'lc-3' } },
    ];
    const run = await runBatch(file, items, {
      results: [
        { index: 0, outcome: 'published', published: published('a') },
        { index: 1, outcome: 'error', error: { code: 'INVALID_ARGUMENT', message: 'invalid event: document.title: give a title', fieldViolations: [{ field: 'document.title', description: 'give a title', reason: 'REQUIRED' }] } },
        { index: 2, outcome: 'published', published: published('c', true) },
      ],
    });
    expect(run.code).toBe(3);
    expect(run.err).toEqual([`event ids made up for items without one (to retry the same events, put them in ${file} as eventId):`, '  [1] generated-1']);
    expect(run.out).toEqual([
      '[0] accepted a → disclosure[2]@145',
      '[1] refused generated-1 (INVALID_ARGUMENT): the event breaks a rule:',
      '      document.title: REQUIRED: give a title',
      '[2] already accepted (duplicate) c → disclosure[2]@145; nothing new was written',
      '2 accepted (1 already before), 1 refused',
    ]);
  });

  async function runBatch(file: string, items: unknown[], response: unknown): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [], calls: [] };
    const client: IngestCalls = {
      publish: () => Promise.reject(new Error('not expected')),
      retract: () => Promise.reject(new Error('not expected')),
      getPublication: () => Promise.reject(new Error('not expected')),
      publishBatch: async (request, settings) => {
        run.calls.push({ method: 'publishBatch', request, settings });
        return response as ingestApi.PublishBatchResponse__Output;
      },
      close: () => undefined,
    };
    run.code = await runHubctl(['publish-batch', file], {
      env: { HUB_TOKEN: 't' },
      out: (l) => run.out.push(l),
      err: (l) => run.err.push(l),
      connect: () => client,
      readFile: () => items,
      newEventId: () => 'generated-1',
    });
    return run;
  }
});

describe('hubctl retract and get', () => {
  it('retracts with the time it was asked and gives a retry command that repeats that time', async () => {
    const run = await hubctl(['retract', 'lc-zfbgs-2025-000123', '--reason-code', 'PUBLISHED_IN_ERROR', '--reason', '误发,撤回', '--requested-by', 'operator:wang.li'], () =>
      grpcError(status.UNAVAILABLE, 'Kafka did not take the event'),
    );
    expect(run.code).toBe(7);
    expect(run.calls[0]?.request).toMatchObject({ eventId: 'generated-1', retraction: { publicationId: 'lc-zfbgs-2025-000123', reasonCode: 'RETRACTION_REASON_PUBLISHED_IN_ERROR' } });
    expect(run.err.at(-1)).toBe(
      "    hubctl retract lc-zfbgs-2025-000123 --reason-code PUBLISHED_IN_ERROR --reason '误发,撤回' --requested-by operator:wang.li --retracted-at 2025-06-27T03:05:00.000Z --event-id generated-1",
    );
  });

  it('prints a publication for people, and exits 6 when there is none', async () => {
    const publication: ingestApi.Publication__Output = {
      publicationId: 'lc-zfbgs-2025-000123',
      eventType: 'document.published',
      latestRevision: 1,
      title: '聊城市人民政府办公室关于印发2025年聊城市政务公开工作要点的通知',
      state: 'PUBLICATION_STATE_PENDING_REVIEW',
      updatedAt: { seconds: String(Date.parse('2025-06-27T01:30:00Z') / 1000), nanos: 0 },
      deliveries: [
        { channel: 'website', target: 'zfxxgk/zcwj', revision: 1, outcome: 'DELIVERY_OUTCOME_KIND_PUBLISHED', attempts: 2, channelReference: 'https://www.liaocheng.gov.cn/a/1', updatedAt: null, errorCode: '', errorMessage: '' },
      ],
    };
    const run = await hubctl(['get', 'lc-zfbgs-2025-000123'], () => publication);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      'lc-zfbgs-2025-000123  聊城市人民政府办公室关于印发2025年聊城市政务公开工作要点的通知',
      '  latest event:  document.published, revision 1',
      '  state:         PENDING_REVIEW',
      '  updated at:    2025-06-27T01:30:00.000Z',
      '  deliveries:',
      '    website zfxxgk/zcwj: PUBLISHED, revision 1, 2 attempts, ref https://www.liaocheng.gov.cn/a/1',
    ]);
    const missing = await hubctl(['get', 'nope', '--json'], () => grpcError(status.NOT_FOUND, "no publication 'nope' has been accepted"));
    expect(missing.code).toBe(6);
    expect(JSON.parse(missing.out[0] ?? '')).toMatchObject({ ok: false, code: 'NOT_FOUND', exitCode: 6 });
  });
});
