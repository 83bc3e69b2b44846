import { describe, expect, it } from 'vitest';
import { exampleAuthMetadata } from './authMetadata.testing.js';
import { isSafeEndpoint, usableAuthMetadata } from './oauthMetadata.js';

const good = {
  ...exampleAuthMetadata,
  account_management_uri: 'https://auth.example.org/account/',
  userinfo_endpoint: 'https://auth.example.org/oauth2/userinfo',
};

describe('the homeserver’s authorization server metadata', () => {
  it('keeps what Switchboard uses, and nothing else', () => {
    const metadata = usableAuthMetadata(good);
    expect(metadata).toMatchObject({ issuer: good.issuer, account_management_uri: good.account_management_uri });
    expect(metadata).not.toHaveProperty('userinfo_endpoint');
  });

  it.each([
    ['no PKCE S256', { code_challenge_methods_supported: ['plain'] }],
    ['no refresh tokens', { grant_types_supported: ['authorization_code'] }],
    ['no query response mode', { response_modes_supported: ['fragment'] }],
    ['no registration endpoint', { registration_endpoint: undefined }],
    ['a token endpoint over plain http elsewhere', { token_endpoint: 'http://auth.example.org/token' }],
    ['an authorization endpoint that is script', { authorization_endpoint: 'javascript:alert(1)' }],
    ['credentials in a URL', { revocation_endpoint: 'https://user:pw@auth.example.org/revoke' }],
  ])('is no OAuth at all with %s', (_name, change) => {
    expect(usableAuthMetadata({ ...good, ...change })).toBeNull();
  });

  it('is no OAuth for what is not a document', () => {
    for (const reply of [null, 'text', 42, [], {}]) expect(usableAuthMetadata(reply)).toBeNull();
  });

  it('offers no account page it could not open safely, and keeps the rest', () => {
    const metadata = usableAuthMetadata({ ...good, account_management_uri: 'file:///etc/passwd' });
    expect(metadata).not.toBeNull();
    expect(metadata).not.toHaveProperty('account_management_uri');
  });

  it('accepts plain http only on this machine’s loopback', () => {
    expect(isSafeEndpoint('http://127.0.0.1:8080/token')).toBe(true);
    expect(isSafeEndpoint('http://[::1]:8080/token')).toBe(true);
    expect(isSafeEndpoint('http://localhost/token')).toBe(true);
    expect(isSafeEndpoint('http://127.0.0.1.evil.example/token')).toBe(false);
    expect(isSafeEndpoint('http://10.0.0.1/token')).toBe(false);
    expect(isSafeEndpoint(`https://auth.example.org/${'a'.repeat(3000)}`)).toBe(false);
  });
});
