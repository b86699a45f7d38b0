import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Largest request body the CMS reads: 5 MiB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Past this many bytes an oversized body is no longer drained: the connection is cut. */
const DRAIN_LIMIT_FACTOR = 4;

export type BodyRead =
  | { readonly kind: 'body'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'aborted' };

/**
 * Reads a request body up to `limit` bytes. An oversized body is drained (up to a bound) rather
 * than cut off, so the client is not still sending when the 413 arrives and sees the answer
 * instead of a broken pipe.
 */
export function readBody(req: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    let settled = false;
    const settle = (read: BodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(read);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (received > limit * DRAIN_LIMIT_FACTOR) {
          req.destroy();
          settle({ kind: 'aborted' });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'body', body: Buffer.concat(chunks, received) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}

/** Whether an answer can still be written (the client may have gone, a fault may have cut it). */
export function canAnswer(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

/** Sends a JSON answer; `body` given as a string is sent exactly (replays need the same bytes). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  if (!canAnswer(res)) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Pages for visitors. The policy lets the page's own styles through and nothing else: no
 * script runs even if something slipped past the escaping.
 */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: OutgoingHttpHeaders = {}): void {
  if (!canAnswer(res)) return;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(html);
}
