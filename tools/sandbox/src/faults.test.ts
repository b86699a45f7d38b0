import { InvalidFaultError } from './errors';
import { FaultQueue, parseFault, type RequestFault } from './faults';

const problems = (value: unknown): string[] => {
  try {
    parseFault(value);
  } catch (err) {
    if (err instanceof InvalidFaultError) return err.errors.map((e) => e.field);
    throw err;
  }
  return [];
};

describe('parseFault', () => {
  it('accepts each kind', () => {
    expect(parseFault({ kind: 'status', status: 503, count: 2 })).toEqual({ kind: 'status', status: 503, count: 2 });
    expect(parseFault({ kind: 'rate-limit', retryAfterSeconds: 30 })).toEqual({ kind: 'rate-limit', retryAfterSeconds: 30 });
    expect(parseFault({ kind: 'timeout', match: { method: 'put', pathPrefix: '/api/' } })).toEqual({ kind: 'timeout', match: { method: 'PUT', pathPrefix: '/api/' } });
    expect(parseFault({ kind: 'slow', delayMs: 250 })).toEqual({ kind: 'slow', delayMs: 250 });
    expect(parseFault({ kind: 'reset', count: 1 })).toEqual({ kind: 'reset', count: 1 });
    expect(parseFault({ kind: 'down', forMs: 1000 })).toEqual({ kind: 'down', forMs: 1000 });
    expect(parseFault({ kind: 'down' })).toEqual({ kind: 'down' });
  });

  it('names what is wrong', () => {
    expect(problems(null)).toEqual(['']);
    expect(problems({ kind: 'flood' })).toEqual(['kind']);
    expect(problems({ kind: 'status', status: 302 })).toEqual(['status']);
    expect(problems({ kind: 'status' })).toEqual(['status']);
    expect(problems({ kind: 'slow', delayMs: -5, count: 1.5 })).toEqual(['count', 'delayMs']);
    expect(problems({ kind: 'timeout', match: { method: 'P U T', path: '/x', pathPrefix: 'api' } })).toEqual(['match.path', 'match.method', 'match.pathPrefix']);
    expect(problems({ kind: 'down', match: {}, forMs: 0 })).toEqual(['match', 'forMs']);
  });
});

describe('FaultQueue', () => {
  const status = (code: number, extra: Partial<RequestFault> = {}): RequestFault => ({ kind: 'status', status: code, ...extra }) as RequestFault;

  it('gives each request the first matching fault and uses up counts', () => {
    const queue = new FaultQueue();
    queue.add(status(500, { count: 1 }));
    queue.add(status(502, { count: 2 }));
    const taken = [1, 2, 3, 4].map(() => queue.take('PUT', '/api/v1/articles/a'));
    expect(taken.map((f) => (f?.kind === 'status' ? f.status : null))).toEqual([500, 502, 502, null]);
    expect(queue.size).toBe(0);
  });

  it('skips faults that do not match, leaving them queued', () => {
    const queue = new FaultQueue();
    queue.add(status(500, { match: { method: 'DELETE' } }));
    queue.add(status(503, { match: { pathPrefix: '/api/v1/articles/b' }, count: 1 }));
    expect(queue.take('PUT', '/api/v1/articles/a')).toBeNull();
    expect(queue.take('put', '/api/v1/articles/b1')).toMatchObject({ status: 503 });
    expect(queue.take('delete', '/api/v1/articles/a')).toMatchObject({ status: 500 });
    expect(queue.list()).toEqual([{ id: 1, fault: expect.objectContaining({ status: 500 }), remaining: null }]);
  });
});
