import { CallerRegistry, CallerRegistryError, hashToken } from './caller-registry';
import { PermissionDeniedError, UnauthenticatedError } from './errors';

const yaml = `callers:
  - id: docs-system
    tokenSha256: ${hashToken('secret-a')}
    grant: { eventTypes: [document.published], issuingBodies: ['*'] }
  - id: county
    tlsCommonName: county.example
    grant: { eventTypes: ['*'], issuingBodies: ['113715020043885067'] }
`;

describe('CallerRegistry', () => {
  const registry = CallerRegistry.fromYaml(yaml, 'callers.yaml');

  it('authenticates by bearer token or client certificate name', () => {
    expect(registry.authenticate('Bearer secret-a').id).toBe('docs-system');
    expect(registry.authenticate(undefined, 'county.example').id).toBe('county');
  });

  it('refuses missing, malformed and unknown credentials', () => {
    expect(() => registry.authenticate(undefined)).toThrow(UnauthenticatedError);
    expect(() => registry.authenticate('Basic abc')).toThrow(/must be `Bearer <token>`/);
    expect(() => registry.authenticate('Bearer secret-b')).toThrow(/not registered/);
    expect(() => registry.authenticate(undefined, 'other.example')).toThrow(/'other.example' is not registered/);
  });

  it('authorizes by event type and issuing body', () => {
    const docs = registry.authenticate('Bearer secret-a');
    expect(() => registry.authorize(docs, 'document.published', '11371500004310437T')).not.toThrow();
    expect(() => registry.authorize(docs, 'procurement.published', undefined)).toThrow(PermissionDeniedError);
    const county = registry.authenticate(undefined, 'county.example');
    expect(() => registry.authorize(county, 'procurement.published', '113715020043885067')).not.toThrow();
    expect(() => registry.authorize(county, 'document.published', '11371500004310437T')).toThrow(/may not publish for issuing body/);
  });

  it('names the file, line and rule of a bad entry', () => {
    const bad = `callers:\n  - id: ok-one\n    tokenSha256: ${hashToken('x')}\n    grant: { eventTypes: [a], issuingBodies: ['*'] }\n  - id: Bad Id\n    grant: { eventTypes: [a], issuingBodies: ['*'] }\n`;
    expect(() => CallerRegistry.fromYaml(bad, 'callers.yaml')).toThrow(new CallerRegistryError('callers.yaml', 5, 'caller #2: `id` must be lowercase letters, digits and dashes'));
    expect(() => CallerRegistry.fromYaml('callers:\n  - id: plain\n    tokenSha256: dev-token\n    grant: { eventTypes: [a], issuingBodies: [b] }\n', 'c.yaml')).toThrow(
      /c.yaml:2: caller #1: `tokenSha256` must be 64 hex characters/,
    );
    expect(() => CallerRegistry.fromYaml('callers: [', 'c.yaml')).toThrow(/^c.yaml:1: /);
    expect(() => CallerRegistry.fromYaml('users: []', 'c.yaml')).toThrow(/top-level `callers:` list/);
  });
});
