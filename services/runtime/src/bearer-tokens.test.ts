import { bearerTokenOf, hashToken, TokenRegistry } from './bearer-tokens';

describe('bearer tokens', () => {
  it('hashes a token as sha256sum does', () => {
    // printf '%s' abc | sha256sum
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads the token of a Bearer authorization value and nothing else', () => {
    expect(bearerTokenOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerTokenOf('  bearer   abc  ')).toBe('abc');
    expect(bearerTokenOf('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBeNull();
    expect(bearerTokenOf('Bearer')).toBeNull();
    expect(bearerTokenOf('Bearer a b')).toBeNull();
  });

  it('finds the holder of a token by its hash, in either case, and no one for another token', () => {
    const registry = new TokenRegistry([
      [hashToken('token-a'), 'a'],
      [hashToken('token-b').toUpperCase(), 'b'],
    ]);
    expect(registry.lookup('token-a')).toBe('a');
    expect(registry.lookup('token-b')).toBe('b');
    expect(registry.lookup('token-c')).toBeUndefined();
    expect(registry.lookup('')).toBeUndefined();
  });

  it('refuses a registry entry that is not a SHA-256', () => {
    expect(() => new TokenRegistry([['token-a', 'a']])).toThrow(/64 hex/);
  });
});
