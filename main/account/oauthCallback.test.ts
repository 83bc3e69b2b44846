import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeOAuthCallback } from './oauthCallback.js';

const expected = {
  path: '/oauth-callback',
  state: 'Qx81hGz0aPbn3',
  host: '127.0.0.1:40111',
  issuer: 'https://auth.example.org/',
};
const get = (url: string, host = expected.host) => judgeOAuthCallback({ method: 'GET', url, host }, expected);

describe('the OAuth 2.0 authorization response on the loopback listener', () => {
  it('takes the code from the one request that carries this sign-in’s state', () => {
    expect(get('/oauth-callback?code=c0de-1&state=Qx81hGz0aPbn3')).toEqual({ kind: 'accepted', secret: 'c0de-1' });
    expect(get(`/oauth-callback?code=c2&state=Qx81hGz0aPbn3&iss=${encodeURIComponent(expected.issuer)}`)).toEqual({
      kind: 'accepted',
      secret: 'c2',
    });
  });

  it('ends the sign-in in words when the server answers this sign-in with an error', () => {
    expect(get('/oauth-callback?error=access_denied&state=Qx81hGz0aPbn3')).toEqual({
      kind: 'failed',
      reason: 'access_denied',
      message: 'The sign-in was not allowed in the browser.',
    });
    // A made-up error text is never shown as it is.
    expect(get('/oauth-callback?error=%3Cscript%3E&state=Qx81hGz0aPbn3')).toMatchObject({
      kind: 'failed',
      reason: 'unknown_error',
    });
  });

  it.each([
    ['another method', 'POST', '/oauth-callback?code=c&state=Qx81hGz0aPbn3', expected.host, 405],
    ['another host (DNS rebinding)', 'GET', '/oauth-callback?code=c&state=Qx81hGz0aPbn3', 'evil.example:40111', 421],
    ['another path', 'GET', '/sso-callback?code=c&state=Qx81hGz0aPbn3', expected.host, 404],
    ['the wrong state', 'GET', '/oauth-callback?code=c&state=Qx81hGz0aPbn4', expected.host, 400],
    ['an error for another sign-in', 'GET', '/oauth-callback?error=access_denied&state=other', expected.host, 400],
    ['no state', 'GET', '/oauth-callback?code=c', expected.host, 400],
    ['no code', 'GET', '/oauth-callback?state=Qx81hGz0aPbn3', expected.host, 400],
    ['a code given twice', 'GET', '/oauth-callback?code=a&code=b&state=Qx81hGz0aPbn3', expected.host, 400],
    [
      'another authorization server naming itself (a mix-up)',
      'GET',
      '/oauth-callback?code=c&state=Qx81hGz0aPbn3&iss=https%3A%2F%2Fevil.example%2F',
      expected.host,
      400,
    ],
  ])('refuses %s', (_name, method, url, host, status) => {
    expect(judgeOAuthCallback({ method, url, host }, expected)).toMatchObject({ kind: 'refused', status });
  });

  it('never hands out a code, nor ends the sign-in, without the exact state', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', undefined),
        fc.string(),
        fc.oneof(fc.constant(null), fc.string()),
        fc.oneof(fc.constant(null), fc.string()),
        fc.constantFrom(expected.host, 'localhost:40111', undefined),
        (method, state, code, error, host) => {
          const params = new URLSearchParams({ state });
          if (code !== null) params.set('code', code);
          if (error !== null) params.set('error', error);
          const verdict = judgeOAuthCallback({ method, url: `/oauth-callback?${params}`, host }, expected);
          if (verdict.kind !== 'refused') {
            expect(state).toBe(expected.state);
            expect(method).toBe('GET');
            expect(host).toBe(expected.host);
          }
          if (verdict.kind === 'accepted') expect(verdict.secret).toBe(code);
        },
      ),
    );
  });
});
