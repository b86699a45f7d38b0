/**
 * The signed HTTP client channel adapters call their downstream systems with.
 *
 * Every request carries the hub's signature headers (signed afresh, with the current time, on
 * each attempt) and the delivery's `Idempotency-Key`. Answers are sorted once, here: what the
 * adapter can act on comes back as `{ status, headers, json }`; everything else becomes a
 * `TargetFailure` whose `retriable` flag tells the engine to retry or dead-letter:
 *
 * | what happened | code | retriable |
 * |---|---|---|
 * | connection refused, host unknown or unreachable | `CONNECTION_REFUSED` | yes |
 * | connection reset or closed before the answer was complete | `CONNECTION_RESET` | yes |
 * | no complete answer within `timeoutMs` | `TIMEOUT` | yes |
 * | an answer that is not HTTP | `MALFORMED_ANSWER` | yes |
 * | 429 | `RATE_LIMITED` (with `retryAfterMs` from `Retry-After`) | yes |
 * | 408, 5xx | `HTTP_<status>` (503 with `retryAfterMs` from `Retry-After`) | yes |
 * | 401, 403 | `HTTP_<status>`, the message naming the downstream's `code` | no |
 * | other 3xx and 4xx | `HTTP_<status>` | no |
 * | an answer larger than `maxAnswerBytes` | `ANSWER_TOO_LARGE` | no |
 *
 * unless the caller lists the status in `accept` (e.g. 409 or 404), in which case the answer
 * is returned. When the caller's `signal` aborts, the call rejects with a `DOMException` named
 * `AbortError` (its `cause` is the signal's reason), never with a `TargetFailure`, so the
 * engine can tell its own shutdown or deadline from the target's slowness.
 *
 * Messages name the channel, target, method, path and status, and the downstream's error code
 * when it sent one; never the secret, the signature or either body.
 *
 * Connections are kept alive and pooled per origin by an undici `Agent` (one shared by default;
 * an adapter may bring its own from {@link createTargetAgent} and close it at shutdown).
 */
import { SIGNATURE_HEADERS, signRequest, type SigningKey } from '@gongkai/contracts';
import { Agent, type Dispatcher } from 'undici';
import { TargetFailure } from './errors';

/** One call on a downstream target. */
export interface TargetCall {
  /** Origin of the downstream API, optionally with a path prefix: `http://127.0.0.1:8081`, `https://cms.example/hub`. */
  readonly baseUrl: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query under `baseUrl`, already percent-encoded, e.g. `/api/v1/articles/lc-2025-1`. */
  readonly path: string;
  /** JSON text or bytes; sent as `application/json`, exactly as signed. */
  readonly body?: Buffer | string;
  /** The delivery's `{eventId}:{target}`. */
  readonly idempotencyKey: string;
  readonly key: SigningKey;
  /** The whole exchange, connecting to the last byte of the answer, must fit in this. */
  readonly timeoutMs: number;
  /** The engine's signal: aborts on shutdown or when the engine gives up on the delivery. */
  readonly signal: AbortSignal;
  /** For errors: the channel and target this call delivers to. */
  readonly channel: string;
  readonly target: string;
  /** Statuses outside 2xx to hand back instead of failing, e.g. `[409]` for a stale revision. */
  readonly accept?: readonly number[];
  /** Connection pool; the module's shared keep-alive agent when absent. */
  readonly dispatcher?: Dispatcher;
  /** Largest answer body read; default {@link DEFAULT_MAX_ANSWER_BYTES}. */
  readonly maxAnswerBytes?: number;
}

/** An answer the caller acts on: 2xx, or a status it listed in `accept`. */
export interface TargetAnswer {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON; `null` when it was empty or not JSON. */
  readonly json: unknown;
}

/** Options of {@link createTargetAgent}. */
export interface TargetAgentOptions {
  /** Most sockets open to one origin at a time; requests beyond wait in the pool. Default 64. */
  readonly connections?: number;
  /** How long an idle socket is kept for reuse, unless the server says less. Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Longest wait for a TCP (and TLS) connection. Default 10 s. */
  readonly connectTimeoutMs?: number;
}

/** Answers larger than this are refused (`ANSWER_TOO_LARGE`) rather than buffered. */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;

/** A keep-alive connection pool for downstream targets. Close it (`await agent.close()`) at shutdown. */
export function createTargetAgent(options: TargetAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs ?? 30_000, 600_000),
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    pipelining: 1,
  });
}

let sharedAgent: Agent | undefined;

function defaultDispatcher(): Agent {
  sharedAgent ??= createTargetAgent();
  return sharedAgent;
}

/**
 * Parses `Retry-After`: delta-seconds or an HTTP date, as milliseconds from `now` (never
 * negative). `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  // HTTP dates always name the weekday or month in letters; this keeps out bare numbers Date.parse would take.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether an error is the rejection of a call aborted through its `signal`. */
export function isAbortError(err: unknown): err is Error {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const DOWNSTREAM_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Why an exchange ended early, as this module saw it. */
type Interruption = 'timeout' | 'caller';

/**
 * Sends one signed request and sorts its answer. Resolves for 2xx and the statuses in
 * `accept`; rejects with `TargetFailure` when the target failed, with an `AbortError` when
 * `signal` aborted, and with the error itself for a mistake in the call (e.g. a path that is
 * not percent-encoded), which the engine treats as an adapter bug.
 */
export async function callTarget(call: TargetCall): Promise<TargetAnswer> {
  const what = `${call.channel} target ${call.target}: ${call.method} ${call.path}`;
  if (call.signal.aborted) throw abortError(what, call.signal.reason);

  const base = new URL(call.baseUrl);
  const path = `${base.pathname.replace(/\/+$/, '')}${call.path}`;
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? Buffer.from(call.body, 'utf8') : call.body;
  const headers: Record<string, string> = {
    ...signRequest(call.key, { method: call.method, path, body }),
    [SIGNATURE_HEADERS.idempotencyKey]: call.idempotencyKey,
    accept: 'application/json',
    'user-agent': 'gongkai-hub-delivery',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';

  const controller = new AbortController();
  let interruption: Interruption | undefined;
  const timer = setTimeout(() => {
    interruption ??= 'timeout';
    controller.abort();
  }, call.timeoutMs);
  const onCallerAbort = (): void => {
    interruption ??= 'caller';
    controller.abort();
  };
  call.signal.addEventListener('abort', onCallerAbort, { once: true });

  try {
    const response = await (call.dispatcher ?? defaultDispatcher()).request({
      origin: base.origin,
      path,
      method: call.method,
      headers,
      body,
      signal: controller.signal,
      // Our own timer bounds the whole exchange; these only back it up.
      headersTimeout: call.timeoutMs + 1000,
      bodyTimeout: call.timeoutMs + 1000,
    });
    const text = await readAnswer(response.body, call.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES, what, call);
    const answer: TargetAnswer = { status: response.statusCode, headers: flattenHeaders(response.headers), json: parseJson(text) };
    if ((answer.status >= 200 && answer.status < 300) || call.accept?.includes(answer.status)) return answer;
    throw statusFailure(answer, what, call);
  } catch (err) {
    if (err instanceof TargetFailure) throw err;
    if (interruption === 'caller') throw abortError(what, call.signal.reason);
    if (interruption === 'timeout') {
      throw new TargetFailure(`${what}: no answer within ${call.timeoutMs} ms`, failureOptions(call, 'TIMEOUT', true, { cause: err }));
    }
    throw transportFailure(err, what, call, base);
  } finally {
    clearTimeout(timer);
    call.signal.removeEventListener('abort', onCallerAbort);
  }
}

async function readAnswer(body: Dispatcher.ResponseData['body'], limit: number, what: string, call: TargetCall): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > limit) {
      body.destroy();
      throw new TargetFailure(`${what}: the answer is larger than ${limit} bytes`, failureOptions(call, 'ANSWER_TOO_LARGE', false));
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The downstream's own error code, when its JSON answer has a plausible one. */
function downstreamCode(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const code = (json as { code?: unknown }).code;
  return typeof code === 'string' && DOWNSTREAM_CODE.test(code) ? code : undefined;
}

function statusFailure(answer: TargetAnswer, what: string, call: TargetCall): TargetFailure {
  const { status } = answer;
  const code = downstreamCode(answer.json);
  const said = `${what} answered ${status}${code === undefined ? '' : ` ${code}`}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
    return new TargetFailure(
      `${said}: rate limited${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
      failureOptions(call, 'RATE_LIMITED', true, { status, retryAfterMs }),
    );
  }
  if (status === 408 || status >= 500) {
    const retryAfterMs = status === 503 ? parseRetryAfter(answer.headers['retry-after']) : undefined;
    return new TargetFailure(
      `${said}${retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`}`,
      failureOptions(call, `HTTP_${status}`, true, { status, retryAfterMs }),
    );
  }
  if (status === 401 || status === 403) {
    return new TargetFailure(`${said}: the target refused the hub's credentials`, failureOptions(call, `HTTP_${status}`, false, { status }));
  }
  return new TargetFailure(said, failureOptions(call, `HTTP_${status}`, false, { status }));
}

function errorCodes(err: unknown): string[] {
  // Duck-typed: errors from Node's own modules may come from another realm than this module's `Error`.
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, errors } = e as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    // Happy-eyeballs connects report each address's failure inside an AggregateError.
    if (Array.isArray(errors)) codes.push(...errors.flatMap(errorCodes));
  }
  return codes;
}

function transportFailure(err: unknown, what: string, call: TargetCall, base: URL): unknown {
  const codes = errorCodes(err);
  const first = (set: ReadonlySet<string>): string | undefined => codes.find((c) => set.has(c));
  const refused = first(CONNECT_CODES);
  if (refused !== undefined) {
    return new TargetFailure(`${what}: cannot connect to ${base.host} (${refused})`, failureOptions(call, 'CONNECTION_REFUSED', true, { cause: err }));
  }
  const timedOut = first(TIMEOUT_CODES);
  if (timedOut !== undefined) {
    return new TargetFailure(`${what}: no answer from ${base.host} in time (${timedOut})`, failureOptions(call, 'TIMEOUT', true, { cause: err }));
  }
  const reset = first(RESET_CODES);
  if (reset !== undefined) {
    return new TargetFailure(`${what}: connection to ${base.host} lost before the answer was complete (${reset})`, failureOptions(call, 'CONNECTION_RESET', true, { cause: err }));
  }
  const parse = codes.find((c) => c.startsWith('HPE_'));
  if (parse !== undefined) {
    return new TargetFailure(`${what}: ${base.host} did not answer in HTTP (${parse})`, failureOptions(call, 'MALFORMED_ANSWER', true, { cause: err }));
  }
  return err;
}

function failureOptions(
  call: TargetCall,
  code: string,
  retriable: boolean,
  extra: { status?: number; retryAfterMs?: number | undefined; cause?: unknown } = {},
): ConstructorParameters<typeof TargetFailure>[1] {
  return {
    code,
    retriable,
    channel: call.channel,
    target: call.target,
    ...(extra.status === undefined ? {} : { status: extra.status }),
    ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  };
}

function abortError(what: string, reason: unknown): DOMException {
  return new DOMException(`${what}: aborted by the caller`, { name: 'AbortError', cause: reason });
}
