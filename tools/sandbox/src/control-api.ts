import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './cms-api';
import { InvalidFaultError } from './errors';
import { readBody, sendJson } from './http-messages';
import type { WebsiteSandbox } from './website-sandbox';

/**
 * The control API: JSON over HTTP on its own port, a thin layer over the in-process
 * `WebsiteSandbox` so that a test in another process (or a person with curl) can do what an
 * in-process test does. It stays up while the CMS port is down.
 */

const CONTROL_BODY_LIMIT = 64 * 1024;

type Route = (sandbox: WebsiteSandbox, req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | null> {
  const read = await readBody(req, CONTROL_BODY_LIMIT);
  if (read.kind === 'aborted') return null;
  if (read.kind === 'too-large') {
    sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `control requests are at most ${CONTROL_BODY_LIMIT} bytes`));
    return null;
  }
  try {
    return { value: JSON.parse(read.body.toString('utf8')) as unknown };
  } catch {
    sendJson(res, 400, errorBody('INVALID_JSON', 'the body is not valid JSON'));
    return null;
  }
}

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  '/healthz': {
    GET: async (sandbox, _req, res) => sendJson(res, 200, { status: 'ok', website: sandbox.faults().down ? 'down' : 'up' }),
  },
  '/_sandbox/articles': {
    GET: async (sandbox, _req, res) => sendJson(res, 200, { articles: sandbox.articles(), tombstones: sandbox.tombstones() }),
  },
  '/_sandbox/requests': {
    GET: async (sandbox, _req, res) => sendJson(res, 200, { requests: sandbox.requests() }),
    DELETE: async (sandbox, _req, res) => sendJson(res, 200, { cleared: sandbox.clearRequests() }),
  },
  '/_sandbox/faults': {
    GET: async (sandbox, _req, res) => sendJson(res, 200, sandbox.faults()),
    POST: async (sandbox, req, res) => {
      const body = await jsonBody(req, res);
      if (!body) return;
      try {
        // parseFault inside injectFault checks the shape; the cast only gets it there.
        sendJson(res, 201, await sandbox.injectFault(body.value as Parameters<WebsiteSandbox['injectFault']>[0]));
      } catch (err) {
        if (!(err instanceof InvalidFaultError)) throw err;
        sendJson(res, 400, errorBody(err.code, err.message, { errors: err.errors }));
      }
    },
    DELETE: async (sandbox, _req, res) => sendJson(res, 200, await sandbox.clearFaults()),
  },
  '/_sandbox/reset': {
    POST: async (sandbox, _req, res) => {
      await sandbox.reset();
      sendJson(res, 200, { reset: true });
    },
  },
};

/** Answers one control request; never rejects (a failure becomes a 500 with its message). */
export async function handleControlRequest(sandbox: WebsiteSandbox, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  const methods = ROUTES[path];
  if (!methods) {
    sendJson(res, 404, errorBody('ROUTE_NOT_FOUND', `no control endpoint at ${path}`));
    return;
  }
  const route = methods[req.method ?? 'GET'];
  if (!route) {
    const allow = Object.keys(methods).join(', ');
    sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here; use ${allow}`), { allow });
    return;
  }
  try {
    await route(sandbox, req, res);
  } catch (err) {
    const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : 'CONTROL_FAILED';
    sendJson(res, 500, errorBody(code, err instanceof Error ? err.message : String(err)));
  }
}
