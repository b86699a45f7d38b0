import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADERS, type SigningKey } from '@gongkai/contracts';
import { ArticleStore, type StoredArticle, type Tombstone } from './article-store';
import { CmsApi, errorBody, type ApiAnswer, type ApiRequest } from './cms-api';
import { handleControlRequest } from './control-api';
import { InvalidSandboxOptionsError, ListenError } from './errors';
import { FaultQueue, parseFault, type Fault, type QueuedFault, type RequestFault } from './faults';
import { readBody, sendHtml, sendJson } from './http-messages';
import { IdempotencyLedger } from './idempotency-ledger';
import { RequestLog, type RequestLogEntry } from './request-log';
import { articlePath, visitorPage } from './visitor-pages';

export interface WebsiteSandboxOptions {
  /** Port of the CMS (API and visitor pages); 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Port of the control API; 0 picks a free one. Default 0. */
  readonly controlPort?: number;
  /** Address both servers listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** The keys whose signatures the CMS accepts. */
  readonly keys: readonly SigningKey[];
  /** How far a request's timestamp may be from the CMS clock. Default 5 minutes. */
  readonly signatureToleranceMs?: number;
  /** The CMS clock (Unix ms), for signatures and timestamps. Default `Date.now`. */
  readonly now?: () => number;
  /** API calls kept in the request log. Default 10,000. */
  readonly requestLogLimit?: number;
  /** Idempotency keys remembered before the oldest is forgotten. Default 1,000,000. */
  readonly idempotencyKeyLimit?: number;
  /** Called with each request log entry as it is recorded (for a CLI's log); must not throw. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

/** Faults in force: the request-fault queue and whether the CMS port is down. */
export interface FaultState {
  readonly queue: readonly QueuedFault[];
  /** Null while the CMS port is up; `until` is null when it stays down until cleared. */
  readonly down: { readonly since: string; readonly until: string | null } | null;
}

/** A running website CMS sandbox. */
export interface WebsiteSandbox {
  /** Base URL of the CMS, e.g. `http://127.0.0.1:8081`; article URLs start with it. */
  readonly url: string;
  /** Base URL of the control API. */
  readonly controlUrl: string;
  /**
   * Injects a fault (validated like the control API's; throws `InvalidFaultError`). For
   * `down`, resolves once the CMS port is closed.
   */
  injectFault(fault: Fault): Promise<FaultState>;
  /** Clears every fault, cuts requests held by `timeout`, and resolves once the CMS port is up again. */
  clearFaults(): Promise<FaultState>;
  faults(): FaultState;
  /** Articles on the site, in the order they were first stored. */
  articles(): readonly StoredArticle[];
  article(articleId: string): StoredArticle | undefined;
  /** Removals, oldest first. */
  tombstones(): readonly Tombstone[];
  /** The request log, oldest first. */
  requests(): readonly RequestLogEntry[];
  /** Empties the request log; returns how many entries it had. */
  clearRequests(): number;
  /** Forgets all articles, tombstones, idempotency keys, requests and faults. */
  reset(): Promise<void>;
  /** Closes both servers and every connection, including those held by `timeout`. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, name: 'website' | 'control', host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.removeListener('listening', onListening);
      reject(new ListenError(name, host, port, { cause: err }));
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops listening and cuts every open connection (keep-alive ones too, as a crash would). */
function shut(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `{code, message}` for an injected error status: the code is the reason phrase, e.g. SERVICE_UNAVAILABLE. */
function faultStatusBody(status: number): string {
  const phrase = STATUS_CODES[status] ?? `HTTP ${status}`;
  return errorBody(phrase.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), `${phrase} (fault injected by the sandbox)`);
}

function checkOptions(options: WebsiteSandboxOptions): void {
  if (options.keys.length === 0) throw new InvalidSandboxOptionsError('keys', 'at least one signing key is needed');
  const ids = new Set<string>();
  for (const key of options.keys) {
    if (ids.has(key.keyId)) throw new InvalidSandboxOptionsError('keys', `key id ${key.keyId} is given twice`);
    ids.add(key.keyId);
  }
  for (const [name, port] of [['port', options.port], ['controlPort', options.controlPort]] as const) {
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new InvalidSandboxOptionsError(name, 'must be a TCP port 0..65535');
  }
  if (options.port && options.port === options.controlPort) throw new InvalidSandboxOptionsError('controlPort', 'must differ from port');
  for (const [name, limit] of [['requestLogLimit', options.requestLogLimit], ['idempotencyKeyLimit', options.idempotencyKeyLimit]] as const) {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw new InvalidSandboxOptionsError(name, 'must be a whole number of at least 1');
  }
}

class RunningWebsiteSandbox implements WebsiteSandbox {
  url = '';
  controlUrl = '';
  private readonly now: () => number;
  private readonly host: string;
  private readonly store: ArticleStore;
  private readonly ledger: IdempotencyLedger;
  private readonly log: RequestLog;
  private readonly api: CmsApi;
  private readonly queue = new FaultQueue();
  private readonly site: Server;
  private readonly control: Server;
  private sitePort = 0;
  private down: { since: number; until: number | null } | null = null;
  private reopenTimer: NodeJS.Timeout | undefined;
  /** Down/up changes run one after another. */
  private transition: Promise<void> = Promise.resolve();
  /** Answers held open by `timeout` faults, cut on clear and close. */
  private readonly held = new Set<ServerResponse>();
  private readonly slowTimers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: WebsiteSandboxOptions) {
    this.now = options.now ?? Date.now;
    this.host = options.host ?? '127.0.0.1';
    this.store = new ArticleStore((column, articleId) => `${this.url}${articlePath(column, articleId)}`, this.now);
    this.ledger = new IdempotencyLedger(options.idempotencyKeyLimit);
    this.log = new RequestLog(options.requestLogLimit);
    this.api = new CmsApi({
      store: this.store,
      ledger: this.ledger,
      keys: new Map(options.keys.map((k) => [k.keyId, k])),
      signatureToleranceMs: options.signatureToleranceMs,
      now: this.now,
    });
    this.site = createServer((req, res) => this.onSiteRequest(req, res));
    this.control = createServer((req, res) => void handleControlRequest(this, req, res));
  }

  async start(): Promise<void> {
    this.sitePort = await listen(this.site, 'website', this.host, this.options.port ?? 0);
    try {
      const controlPort = await listen(this.control, 'control', this.host, this.options.controlPort ?? 0);
      this.url = `http://${urlHost(this.host)}:${this.sitePort}`;
      this.controlUrl = `http://${urlHost(this.host)}:${controlPort}`;
    } catch (err) {
      await shut(this.site);
      throw err;
    }
  }

  // ---- the CMS port ----

  private onSiteRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    if (path.startsWith('/api/')) {
      this.onApiRequest(req, res, path).catch((err: unknown) => {
        // A bug in the sandbox, not a behaviour of the CMS: say so rather than hang.
        sendJson(res, 500, errorBody('SANDBOX_BUG', err instanceof Error ? err.message : String(err)));
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendHtml(res, 405, '', { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const page = visitorPage(this.store, path);
    sendHtml(res, page.status, page.html, page.location ? { location: page.location } : {});
  }

  private async onApiRequest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const method = (req.method ?? 'GET').toUpperCase();
    const keyHeader = req.headers[SIGNATURE_HEADERS.idempotencyKey];
    const idempotencyKey = (Array.isArray(keyHeader) ? keyHeader[0] : keyHeader) ?? null;
    const read = await readBody(req);
    const request: ApiRequest = { method, path, headers: req.headers, body: read.kind === 'body' ? read.body : Buffer.alloc(0) };
    const problem = read.kind === 'body' ? this.api.verify(request) : null;
    const verdict: RequestLogEntry['signature'] = read.kind === 'body' ? (problem?.code ?? null) : 'NOT_CHECKED';
    const entry = (status: number | null, fault: RequestFault | null, replayed = false): Omit<RequestLogEntry, 'seq'> => ({
      at, method, path, idempotencyKey, status, signature: verdict, replayed, fault: fault?.kind ?? null,
    });
    if (read.kind === 'aborted') {
      this.record(entry(null, null));
      return;
    }

    const fault = this.queue.take(method, path);
    const handle = (): ApiAnswer =>
      read.kind === 'too-large'
        ? { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'the body is larger than 5 MiB'), headers: {}, replayed: false }
        : this.api.handle(request, problem);
    const answer = (a: ApiAnswer): void => {
      sendJson(res, a.status, a.body, a.headers);
      this.record(entry(a.status, fault, a.replayed));
    };

    switch (fault?.kind) {
      case undefined:
        answer(handle());
        return;
      case 'status':
        sendJson(res, fault.status, faultStatusBody(fault.status));
        this.record(entry(fault.status, fault));
        return;
      case 'rate-limit':
        sendJson(res, 429, errorBody('RATE_LIMITED', `too many requests; retry after ${fault.retryAfterSeconds} s`), { 'retry-after': String(fault.retryAfterSeconds) });
        this.record(entry(429, fault));
        return;
      case 'timeout':
        this.held.add(res);
        res.once('close', () => this.held.delete(res));
        this.record(entry(null, fault));
        return;
      case 'reset':
        // A TCP RST, as a crashing proxy sends: the client sees ECONNRESET, not a clean close.
        res.socket?.resetAndDestroy();
        this.record(entry(null, fault));
        return;
      case 'slow': {
        // Handled after the delay even if the client gave up: what it sent was received.
        const timer = setTimeout(() => {
          this.slowTimers.delete(timer);
          answer(handle());
        }, fault.delayMs);
        this.slowTimers.add(timer);
        return;
      }
    }
  }

  private record(entry: Omit<RequestLogEntry, 'seq'>): void {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.log.record(full);
    try {
      this.options.onRequest?.(full);
    } catch {
      // An observer's failure is not the CMS's.
    }
  }

  // ---- faults ----

  async injectFault(fault: Fault): Promise<FaultState> {
    const checked = parseFault(fault);
    if (checked.kind === 'down') await this.goDown(checked.forMs);
    else this.queue.add(checked);
    return this.faults();
  }

  async clearFaults(): Promise<FaultState> {
    this.queue.clear();
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    await this.comeUp();
    return this.faults();
  }

  faults(): FaultState {
    const down = this.down && {
      since: new Date(this.down.since).toISOString(),
      until: this.down.until === null ? null : new Date(this.down.until).toISOString(),
    };
    return { queue: this.queue.list(), down };
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private goDown(forMs: number | undefined): Promise<void> {
    return this.serially(async () => {
      if (this.closing) return;
      clearTimeout(this.reopenTimer);
      const since = this.now();
      this.down = { since, until: forMs === undefined ? null : since + forMs };
      await shut(this.site);
      if (forMs !== undefined) this.scheduleReopen(forMs);
    });
  }

  private scheduleReopen(delayMs: number): void {
    this.reopenTimer = setTimeout(() => {
      this.comeUp().catch(() => {
        // The port is taken for now: stay down and try again.
        if (!this.closing) this.scheduleReopen(500);
      });
    }, delayMs);
  }

  private comeUp(): Promise<void> {
    return this.serially(async () => {
      clearTimeout(this.reopenTimer);
      if (this.closing || this.site.listening) {
        this.down = null;
        return;
      }
      await listen(this.site, 'website', this.host, this.sitePort);
      this.down = null;
    });
  }

  // ---- state ----

  articles(): readonly StoredArticle[] {
    return this.store.all();
  }

  article(articleId: string): StoredArticle | undefined {
    return this.store.get(articleId);
  }

  tombstones(): readonly Tombstone[] {
    return this.store.tombstones();
  }

  requests(): readonly RequestLogEntry[] {
    return this.log.entries();
  }

  clearRequests(): number {
    return this.log.clear();
  }

  async reset(): Promise<void> {
    await this.clearFaults();
    this.store.clear();
    this.ledger.clear();
    this.log.clear();
    this.seq = 0;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.reopenTimer);
      for (const timer of this.slowTimers) clearTimeout(timer);
      this.slowTimers.clear();
      await this.transition;
      await Promise.all([shut(this.site), shut(this.control)]);
      this.held.clear();
    })();
    return this.closing;
  }
}

/**
 * Starts a website CMS sandbox: the CMS (article API and visitor pages) on `port`, the control
 * API on `controlPort`. Tests use port 0 and read `url` and `controlUrl`.
 */
export async function startWebsiteSandbox(options: WebsiteSandboxOptions): Promise<WebsiteSandbox> {
  checkOptions(options);
  const sandbox = new RunningWebsiteSandbox(options);
  await sandbox.start();
  return sandbox;
}
