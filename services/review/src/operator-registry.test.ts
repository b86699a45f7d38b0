import { resolve } from 'node:path';
import { hashToken } from '@gongkai/runtime';
import { OperatorRegistryError, PermissionDeniedError, UnauthenticatedError } from './errors';
import { OperatorRegistry } from './operator-registry';

const DEV_FILE = resolve(__dirname, '../../../deploy/dev/operators.yaml');

function registryError(text: string): OperatorRegistryError {
  try {
    OperatorRegistry.parse(text, 'operators.yaml');
  } catch (err) {
    if (err instanceof OperatorRegistryError) return err;
    throw err;
  }
  throw new Error('the registry was accepted');
}

describe('OperatorRegistry', () => {
  it('knows the sandbox reviewer and viewer of deploy/dev/operators.yaml by their tokens', () => {
    const registry = OperatorRegistry.fromFile(DEV_FILE);
    const reviewer = registry.authenticate('Bearer dev-reviewer-token');
    expect(reviewer).toMatchObject({ id: 'dev-reviewer', roles: ['reviewer'] });
    expect(() => registry.authorize(reviewer, 'reviewer')).not.toThrow();
    const viewer = registry.authenticate('bearer dev-viewer-token');
    expect(viewer.id).toBe('dev-viewer');
    expect(() => registry.authorize(viewer, 'reviewer')).toThrow(PermissionDeniedError);
    // The token itself is nowhere in what the registry hands out.
    expect(JSON.stringify(reviewer)).not.toMatch(/token/i);
  });

  it('refuses a call without a token, with a malformed header or an unknown token', () => {
    const registry = OperatorRegistry.fromFile(DEV_FILE);
    expect(() => registry.authenticate(undefined)).toThrow(new UnauthenticatedError('no credentials: send `authorization: Bearer <token>` metadata'));
    expect(() => registry.authenticate('dev-reviewer-token')).toThrow(/must be `Bearer <token>`/);
    expect(() => registry.authenticate('Bearer dev-docs-token')).toThrow(/not registered/);
  });

  it('names the file, the line and the reason for each mistake', () => {
    const good = hashToken('t1');
    expect(registryError(`operators:\n  - id: a1\n    tokenSha256: dev-reviewer-token\n    roles: [reviewer]\n`).message).toBe(
      'operators.yaml:3: operator #1: `tokenSha256` must be 64 hex characters (the token\'s SHA-256; never the token itself)',
    );
    expect(registryError(`operators:\n  - id: a1\n    tokenSha256: ${good}\n    roles: [reviwer]\n`).message).toBe(
      'operators.yaml:4: operator #1: unknown role `reviwer` (expected `reviewer`, `viewer`)',
    );
    const twice = `operators:\n  - id: a1\n    tokenSha256: ${good}\n    roles: [reviewer]\n  - id: a1\n    tokenSha256: ${hashToken('t2')}\n    roles: [viewer]\n`;
    expect(registryError(twice).message).toBe('operators.yaml:5: operator #2: duplicate id `a1`');
    const shared = `operators:\n  - id: a1\n    tokenSha256: ${good}\n    roles: [reviewer]\n  - id: a2\n    tokenSha256: ${good.toUpperCase()}\n    roles: [viewer]\n`;
    expect(registryError(shared).message).toBe('operators.yaml:6: operator #2: the same token as operator `a1`; each operator needs a token of their own');
    expect(registryError(`operators:\n  - id: retraction\n    tokenSha256: ${good}\n    roles: [reviewer]\n`).message).toMatch(/^operators.yaml:2: .*names automatic decisions/);
    expect(registryError(`operators:\n  - id: a1\n    tokenSha256: ${good}\n    roles: []\n`).message).toBe('operators.yaml:4: operator #1: `roles` must not be empty');
    expect(registryError(`operators:\n  - id: a1\n    token: t1\n    roles: [reviewer]\n`).message).toMatch(/^operators.yaml:3: operator #1: unknown key `token`/);
    expect(registryError('callers: []\n').message).toMatch(/^operators.yaml:1: the file: unknown key `callers`/);
    expect(registryError('operators: [\n').code).toBe('OPERATOR_REGISTRY_INVALID');
  });

  it('says which file it cannot read', () => {
    expect(() => OperatorRegistry.fromFile('/nonexistent/operators.yaml')).toThrow('/nonexistent/operators.yaml: cannot read it: ENOENT');
  });
});
