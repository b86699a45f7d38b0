/**
 * Bearer tokens as the hub's APIs take them: `authorization: Bearer <token>` metadata, checked
 * against a registry that stores only each token's SHA-256 (a leaked registry file gives no
 * one access). Each service keeps its own registry file and errors; this module holds what
 * they share: hashing, reading the header, and a lookup that compares in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** What a registry file must hold for a token: its SHA-256 as 64 hex characters. */
export const TOKEN_SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;

/** SHA-256 of a token, lower-case hex: what a registry stores (`printf '%s' "$TOKEN" | sha256sum`). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `authorization` value of the form `Bearer <token>`; null for any other form. */
export function bearerTokenOf(authorization: string): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match ? match[1]! : null;
}

/**
 * Holders of tokens, found by the token a call presents. Every registered hash is compared,
 * in constant time, so the time taken tells nothing about which hash was closest.
 */
export class TokenRegistry<T> {
  private readonly entries: readonly (readonly [Buffer, T])[];

  /** @param entries each holder with the SHA-256 (hex, either case) of its token. */
  constructor(entries: Iterable<readonly [tokenSha256: string, holder: T]>) {
    this.entries = [...entries].map(([hash, holder]) => {
      if (!TOKEN_SHA256_PATTERN.test(hash)) throw new RangeError('a token hash must be 64 hex characters');
      return [Buffer.from(hash, 'hex'), holder] as const;
    });
  }

  /** The holder of `token`, or undefined when no registered hash matches. */
  lookup(token: string): T | undefined {
    const presented = Buffer.from(hashToken(token), 'hex');
    let found: T | undefined;
    for (const [hash, holder] of this.entries) {
      if (timingSafeEqual(presented, hash) && found === undefined) found = holder;
    }
    return found;
  }
}
