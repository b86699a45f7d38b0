import { InvalidFaultError, type FieldProblem } from './errors';

/**
 * Faults a test injects into a sandbox: what a downstream system does on a bad day. Every
 * kind but `down` acts on API requests (one per request, in queue order); `down` closes the
 * whole port at once.
 */

/** Restricts a fault to some requests; both criteria must hold when given. */
export interface FaultMatch {
  /** HTTP method, any case. */
  readonly method?: string;
  /** The request path (with query) starts with this, e.g. `/api/v1/articles/`. */
  readonly pathPrefix?: string;
}

interface PerRequest {
  /** How many matching requests it affects; every one until cleared when absent. */
  readonly count?: number;
  readonly match?: FaultMatch;
}

export type RequestFault =
  /** Answer this status with a JSON error instead of handling the request. */
  | (PerRequest & { readonly kind: 'status'; readonly status: number })
  /** Answer 429 with `Retry-After`. */
  | (PerRequest & { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number })
  /** Read the request and never answer; the client has to give up. */
  | (PerRequest & { readonly kind: 'timeout' })
  /** Handle the request normally after a delay (even if the client has gone by then). */
  | (PerRequest & { readonly kind: 'slow'; readonly delayMs: number })
  /** Destroy the connection without answering. */
  | (PerRequest & { readonly kind: 'reset' });

/** Close the listener so connections are refused; reopen after `forMs`, or when faults are cleared. */
export interface DownFault {
  readonly kind: 'down';
  readonly forMs?: number;
}

export type Fault = RequestFault | DownFault;
export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = ['status', 'rate-limit', 'timeout', 'slow', 'reset', 'down'];

/** A request fault waiting in the queue. */
export interface QueuedFault {
  readonly id: number;
  readonly fault: RequestFault;
  /** Requests it will still affect; null for every one until cleared. */
  readonly remaining: number | null;
}

const MAX_DELAY_MS = 10 * 60_000;
const MAX_DOWN_MS = 24 * 3_600_000;
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const ALLOWED_FIELDS: Record<FaultKind, readonly string[]> = {
  status: ['kind', 'status', 'count', 'match'],
  'rate-limit': ['kind', 'retryAfterSeconds', 'count', 'match'],
  timeout: ['kind', 'count', 'match'],
  slow: ['kind', 'delayMs', 'count', 'match'],
  reset: ['kind', 'count', 'match'],
  down: ['kind', 'forMs'],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wholeNumber(errors: FieldProblem[], field: string, value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    errors.push({ field, message: `must be a whole number from ${min} to ${max}` });
    return undefined;
  }
  return value;
}

/**
 * Checks a fault description (from JSON or from a test) and returns it in normal form.
 * Throws `InvalidFaultError` naming every field that is wrong; unknown fields are refused so
 * that a misspelt option does not silently do nothing.
 */
export function parseFault(value: unknown): Fault {
  const errors: FieldProblem[] = [];
  if (!isObject(value)) throw new InvalidFaultError([{ field: '', message: 'must be a JSON object with a kind' }]);
  const kind = value.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidFaultError([{ field: 'kind', message: `must be one of ${FAULT_KINDS.join(', ')}` }]);
  }
  const k = kind as FaultKind;
  for (const field of Object.keys(value)) {
    if (!ALLOWED_FIELDS[k].includes(field)) errors.push({ field, message: `is not an option of a ${k} fault` });
  }
  if (k === 'down') {
    const forMs = value.forMs === undefined ? undefined : wholeNumber(errors, 'forMs', value.forMs, 1, MAX_DOWN_MS);
    if (errors.length > 0) throw new InvalidFaultError(errors);
    return forMs === undefined ? { kind: 'down' } : { kind: 'down', forMs };
  }

  const common: { count?: number; match?: FaultMatch } = {};
  if (value.count !== undefined) common.count = wholeNumber(errors, 'count', value.count, 1, Number.MAX_SAFE_INTEGER);
  if (value.match !== undefined) {
    const match = value.match;
    if (!isObject(match)) errors.push({ field: 'match', message: 'must be an object {method?, pathPrefix?}' });
    else {
      const out: { method?: string; pathPrefix?: string } = {};
      for (const field of Object.keys(match)) {
        if (field !== 'method' && field !== 'pathPrefix') errors.push({ field: `match.${field}`, message: 'is not a match criterion' });
      }
      if (match.method !== undefined) {
        if (typeof match.method !== 'string' || !HTTP_TOKEN.test(match.method)) errors.push({ field: 'match.method', message: 'must be an HTTP method' });
        else out.method = match.method.toUpperCase();
      }
      if (match.pathPrefix !== undefined) {
        if (typeof match.pathPrefix !== 'string' || !match.pathPrefix.startsWith('/')) errors.push({ field: 'match.pathPrefix', message: 'must be a path starting with /' });
        else out.pathPrefix = match.pathPrefix;
      }
      common.match = out;
    }
  }

  let fault: RequestFault | undefined;
  switch (k) {
    case 'status': {
      const status = wholeNumber(errors, 'status', value.status, 400, 599);
      if (status !== undefined) fault = { kind: 'status', status, ...common };
      break;
    }
    case 'rate-limit': {
      const retryAfterSeconds = wholeNumber(errors, 'retryAfterSeconds', value.retryAfterSeconds, 0, 86_400);
      if (retryAfterSeconds !== undefined) fault = { kind: 'rate-limit', retryAfterSeconds, ...common };
      break;
    }
    case 'slow': {
      const delayMs = wholeNumber(errors, 'delayMs', value.delayMs, 0, MAX_DELAY_MS);
      if (delayMs !== undefined) fault = { kind: 'slow', delayMs, ...common };
      break;
    }
    case 'timeout':
    case 'reset':
      fault = { kind: k, ...common };
      break;
  }
  if (errors.length > 0 || !fault) throw new InvalidFaultError(errors);
  return fault;
}

function matches(fault: RequestFault, method: string, path: string): boolean {
  const match = fault.match;
  if (!match) return true;
  if (match.method !== undefined && match.method !== method.toUpperCase()) return false;
  if (match.pathPrefix !== undefined && !path.startsWith(match.pathPrefix)) return false;
  return true;
}

/**
 * Request faults in the order they were injected. Each request takes the first fault that
 * matches it; a fault with a count leaves the queue when its count is used up.
 */
export class FaultQueue {
  private queue: { id: number; fault: RequestFault; remaining: number | null }[] = [];
  private nextId = 1;

  add(fault: RequestFault): QueuedFault {
    const queued = { id: this.nextId++, fault, remaining: fault.count ?? null };
    this.queue.push(queued);
    return { ...queued };
  }

  /** The fault that applies to this request, used up by one; null when none does. */
  take(method: string, path: string): RequestFault | null {
    const index = this.queue.findIndex((q) => matches(q.fault, method, path));
    const queued = this.queue[index];
    if (!queued) return null;
    if (queued.remaining !== null) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.queue.splice(index, 1);
    }
    return queued.fault;
  }

  list(): readonly QueuedFault[] {
    return this.queue.map((q) => ({ ...q }));
  }

  get size(): number {
    return this.queue.length;
  }

  /** Empties the queue; returns how many faults were in it. */
  clear(): number {
    const cleared = this.queue.length;
    this.queue = [];
    return cleared;
  }
}
