import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { PermissionDeniedError, UnauthenticatedError } from './errors';

/** An upstream system allowed to call the gateway, and what it may publish. */
export interface Caller {
  readonly id: string;
  readonly name: string;
  /** SHA-256 (hex) of the caller's bearer token; the token itself is never stored. */
  readonly tokenSha256?: string;
  /** Subject common name of the client certificate, for callers that use mutual TLS. */
  readonly tlsCommonName?: string;
  readonly grant: {
    /** Event types, e.g. `document.published`; `*` for all. */
    readonly eventTypes: readonly string[];
    /** Issuing bodies by unified social credit code; `*` for any. */
    readonly issuingBodies: readonly string[];
  };
}

export class CallerRegistryError extends Error {
  override readonly name = 'CallerRegistryError';
  readonly code = 'CALLER_REGISTRY_INVALID';
  readonly retriable = false;
  constructor(readonly file: string, readonly line: number | undefined, reason: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Who may call, loaded once at start-up from a YAML file (see deploy/dev/callers.yaml). */
export class CallerRegistry {
  private readonly byTokenHash = new Map<string, Caller>();
  private readonly byCommonName = new Map<string, Caller>();

  constructor(readonly callers: readonly Caller[]) {
    for (const caller of callers) {
      if (caller.tokenSha256) this.byTokenHash.set(caller.tokenSha256.toLowerCase(), caller);
      if (caller.tlsCommonName) this.byCommonName.set(caller.tlsCommonName, caller);
    }
  }

  static fromFile(file: string): CallerRegistry {
    return CallerRegistry.fromYaml(readFileSync(file, 'utf8'), file);
  }

  static fromYaml(text: string, file = '<callers>'): CallerRegistry {
    const doc = parseDocument(text, { keepSourceTokens: false });
    const lineOf = (offset: number | undefined): number | undefined =>
      offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      throw new CallerRegistryError(file, first.linePos?.[0]?.line, first.message);
    }
    const root = doc.toJS() as { callers?: unknown } | null;
    if (!root || !Array.isArray(root.callers)) throw new CallerRegistryError(file, 1, 'expected a top-level `callers:` list');
    const items = (doc.get('callers') as { items: { range?: [number, number, number] }[] }).items;
    const seen = new Set<string>();
    const callers = root.callers.map((raw: unknown, i: number) => {
      const line = lineOf(items[i]?.range?.[0]);
      const fail = (reason: string): never => {
        throw new CallerRegistryError(file, line, `caller #${i + 1}: ${reason}`);
      };
      const c = raw as Record<string, unknown>;
      if (typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(c.id)) fail('`id` must be lowercase letters, digits and dashes');
      const id = c.id as string;
      if (seen.has(id)) fail(`duplicate id '${id}'`);
      seen.add(id);
      if (c.tokenSha256 !== undefined && (typeof c.tokenSha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(c.tokenSha256))) {
        fail('`tokenSha256` must be 64 hex characters (sha256 of the token; never the token itself)');
      }
      if (c.tlsCommonName !== undefined && typeof c.tlsCommonName !== 'string') fail('`tlsCommonName` must be a string');
      if (c.tokenSha256 === undefined && c.tlsCommonName === undefined) fail('needs `tokenSha256` or `tlsCommonName` to authenticate');
      const grant = c.grant as Record<string, unknown> | undefined;
      const list = (v: unknown, name: string): string[] => {
        if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) fail(`\`grant.${name}\` must be a non-empty list of strings`);
        return v as string[];
      };
      return {
        id,
        name: typeof c.name === 'string' ? c.name : id,
        ...(typeof c.tokenSha256 === 'string' ? { tokenSha256: c.tokenSha256.toLowerCase() } : {}),
        ...(typeof c.tlsCommonName === 'string' ? { tlsCommonName: c.tlsCommonName } : {}),
        grant: { eventTypes: list(grant?.eventTypes, 'eventTypes'), issuingBodies: list(grant?.issuingBodies, 'issuingBodies') },
      } satisfies Caller;
    });
    return new CallerRegistry(callers);
  }

  /**
   * The caller behind a call: a bearer token in `authorization` metadata, or the common name of
   * a verified client certificate. Unknown or absent credentials are UNAUTHENTICATED.
   */
  authenticate(authorization: string | undefined, certificateCommonName?: string): Caller {
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new UnauthenticatedError('the authorization metadata must be `Bearer <token>`');
      const presented = Buffer.from(hashToken(match[1]!), 'hex');
      for (const [hash, caller] of this.byTokenHash) {
        if (timingSafeEqual(presented, Buffer.from(hash, 'hex'))) return caller;
      }
      throw new UnauthenticatedError('the bearer token is not registered');
    }
    if (certificateCommonName !== undefined) {
      const caller = this.byCommonName.get(certificateCommonName);
      if (caller) return caller;
      throw new UnauthenticatedError(`the client certificate '${certificateCommonName}' is not registered`);
    }
    throw new UnauthenticatedError('no credentials: send `authorization: Bearer <token>` metadata or a client certificate');
  }

  /** Throws PERMISSION_DENIED unless the caller's grant covers this event type and issuing body. */
  authorize(caller: Caller, eventType: string, issuingBody: string | undefined): void {
    const { eventTypes, issuingBodies } = caller.grant;
    if (!eventTypes.includes('*') && !eventTypes.includes(eventType)) {
      throw new PermissionDeniedError(`${caller.id} may not publish ${eventType} events`, { caller: caller.id, eventType });
    }
    if (issuingBody !== undefined && !issuingBodies.includes('*') && !issuingBodies.includes(issuingBody)) {
      throw new PermissionDeniedError(`${caller.id} may not publish for issuing body ${issuingBody}`, { caller: caller.id, eventType, issuingBody });
    }
  }
}
