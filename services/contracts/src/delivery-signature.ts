import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How the hub signs what it sends to a downstream system, and how that system checks it.
 *
 * The signed text is four lines: the timestamp (Unix milliseconds), the HTTP method, the
 * request path with its query, and the hex SHA-256 of the body bytes (of the empty body when
 * there is none):
 *
 * ```
 * 1764290000000\nPUT\n/api/v1/articles/abc\n9f86d0…
 * ```
 *
 * The signature is the hex HMAC of that text with the secret the two sides share, under
 * HMAC-SHA256 by default or HMAC-SM3 (GB/T 32905) for systems that require national
 * algorithms. It travels in three headers beside the idempotency key:
 *
 * | header | value |
 * |---|---|
 * | `X-Gk-Timestamp` | the timestamp in the signed text |
 * | `X-Gk-Key-Id` | which shared secret signed it (so secrets can rotate) |
 * | `X-Gk-Signature` | `hmac-sha256=<hex>` or `hmac-sm3=<hex>` |
 * | `Idempotency-Key` | `{eventId}:{target}` |
 *
 * A receiver refuses a timestamp further than its tolerance from its own clock (replays), an
 * unknown key id, an algorithm it does not accept, and a signature that does not match.
 */
export const SIGNATURE_HEADERS = Object.freeze({
  timestamp: 'x-gk-timestamp',
  keyId: 'x-gk-key-id',
  signature: 'x-gk-signature',
  idempotencyKey: 'idempotency-key',
} as const);

/** The HMAC algorithms a signature may use. */
export const SIGNATURE_ALGORITHMS = Object.freeze(['hmac-sha256', 'hmac-sm3'] as const);
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Whether a string names a signature algorithm the hub speaks. */
export function isSignatureAlgorithm(value: string): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

/** Default tolerance between the signer's and the receiver's clocks. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export interface SigningKey {
  readonly keyId: string;
  readonly secret: string | Buffer;
  readonly algorithm: SignatureAlgorithm;
}

export interface SignedRequestParts {
  readonly method: string;
  /** Path and query as sent, e.g. `/api/v1/articles/abc?x=1`. */
  readonly path: string;
  readonly body: Buffer | string | null | undefined;
}

/** The text a signature covers. */
export function signedText(timestamp: number, parts: SignedRequestParts): string {
  const body = parts.body ?? '';
  const digest = createHash('sha256').update(body).digest('hex');
  return `${timestamp}\n${parts.method.toUpperCase()}\n${parts.path}\n${digest}`;
}

function hmacHex(algorithm: SignatureAlgorithm, secret: string | Buffer, text: string): string {
  return createHmac(algorithm === 'hmac-sm3' ? 'sm3' : 'sha256', secret)
    .update(text)
    .digest('hex');
}

/** The signature headers (without the idempotency key) for a request signed at `timestamp`. */
export function signRequest(key: SigningKey, parts: SignedRequestParts, timestamp: number = Date.now()): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.keyId]: key.keyId,
    [SIGNATURE_HEADERS.signature]: `${key.algorithm}=${hmacHex(key.algorithm, key.secret, signedText(timestamp, parts))}`,
  };
}

/** Why a receiver refused a signature; `null` from `verifySignature` means it holds. */
export type SignatureProblem =
  | { readonly code: 'SIGNATURE_MISSING'; readonly message: string }
  | { readonly code: 'SIGNATURE_MALFORMED'; readonly message: string }
  | { readonly code: 'SIGNATURE_EXPIRED'; readonly message: string }
  | { readonly code: 'SIGNATURE_UNKNOWN_KEY'; readonly message: string }
  | { readonly code: 'SIGNATURE_ALGORITHM_REFUSED'; readonly message: string }
  | { readonly code: 'SIGNATURE_MISMATCH'; readonly message: string };

export interface VerifyOptions {
  /** Secrets by key id, each with the one algorithm it may be used with. */
  readonly keys: ReadonlyMap<string, SigningKey> | Readonly<Record<string, SigningKey>>;
  readonly now?: number;
  readonly toleranceMs?: number;
}

/**
 * Checks a request's signature headers (names in lower case, as Node gives them) against its
 * method, path and body. Returns what is wrong, or `null` when the signature holds.
 */
export function verifySignature(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  parts: SignedRequestParts,
  options: VerifyOptions,
): SignatureProblem | null {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const timestampText = one(SIGNATURE_HEADERS.timestamp);
  const keyId = one(SIGNATURE_HEADERS.keyId);
  const signature = one(SIGNATURE_HEADERS.signature);
  if (timestampText === undefined || keyId === undefined || signature === undefined) {
    const missing = [SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.keyId, SIGNATURE_HEADERS.signature].filter((h) => one(h) === undefined);
    return { code: 'SIGNATURE_MISSING', message: `missing ${missing.join(', ')}` };
  }
  if (!/^\d{1,15}$/.test(timestampText)) return { code: 'SIGNATURE_MALFORMED', message: `${SIGNATURE_HEADERS.timestamp} is not Unix milliseconds` };
  const match = /^([a-z0-9-]+)=([0-9a-f]+)$/.exec(signature);
  if (!match) return { code: 'SIGNATURE_MALFORMED', message: `${SIGNATURE_HEADERS.signature} is not <algorithm>=<hex>` };
  const [, algorithm = '', hex = ''] = match;
  const timestamp = Number(timestampText);
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  if (Math.abs(now - timestamp) > tolerance) {
    return { code: 'SIGNATURE_EXPIRED', message: `timestamp is ${Math.round((now - timestamp) / 1000)} s from the receiver's clock (tolerance ${tolerance / 1000} s)` };
  }
  const keys: ReadonlyMap<string, SigningKey> = options.keys instanceof Map ? options.keys : new Map(Object.entries(options.keys as Readonly<Record<string, SigningKey>>));
  const key = keys.get(keyId);
  if (!key) return { code: 'SIGNATURE_UNKNOWN_KEY', message: `unknown key id ${JSON.stringify(keyId.slice(0, 64))}` };
  if (algorithm !== key.algorithm) return { code: 'SIGNATURE_ALGORITHM_REFUSED', message: `key ${keyId} signs with ${key.algorithm}, not ${algorithm}` };
  const expected = Buffer.from(hmacHex(key.algorithm, key.secret, signedText(timestamp, parts)), 'hex');
  const given = Buffer.from(hex, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { code: 'SIGNATURE_MISMATCH', message: 'signature does not match the request' };
  }
  return null;
}
