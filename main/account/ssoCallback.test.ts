import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeSsoCallback } from './ssoCallback.js';

const expected = { path: '/sso-callback', state: 'S7a8b9c0d1e2f3', host: '127.0.0.1:45123' };
const get = (url: string, host = expected.host) => judgeSsoCallback({ method: 'GET', url, host }, expected);

describe('the single sign-on callback on the loopback listener', () => {
  it('takes the login token from the one request that carries this sign-in’s state', () => {
    expect(get('/sso-callback?state=S7a8b9c0d1e2f3&loginToken=syl_abc123')).toEqual({
      kind: 'accepted',
      secret: 'syl_abc123',
    });
  });

  it.each([
    [
      'another method',
      { method: 'POST', url: '/sso-callback?state=S7a8b9c0d1e2f3&loginToken=t', host: expected.host },
      405,
    ],
    [
      'another host (a page that rebinds its name to 127.0.0.1)',
      { method: 'GET', url: '/sso-callback?state=S7a8b9c0d1e2f3&loginToken=t', host: 'evil.example:45123' },
      421,
    ],
    ['another path', { method: 'GET', url: '/favicon.ico', host: expected.host }, 404],
    [
      'the wrong state',
      { method: 'GET', url: '/sso-callback?state=S7a8b9c0d1e2f4&loginToken=t', host: expected.host },
      400,
    ],
    ['no state', { method: 'GET', url: '/sso-callback?loginToken=t', host: expected.host }, 400],
    ['no token', { method: 'GET', url: '/sso-callback?state=S7a8b9c0d1e2f3', host: expected.host }, 400],
    [
      'a token given twice',
      { method: 'GET', url: '/sso-callback?state=S7a8b9c0d1e2f3&loginToken=a&loginToken=b', host: expected.host },
      400,
    ],
    [
      'a token with spaces',
      { method: 'GET', url: '/sso-callback?state=S7a8b9c0d1e2f3&loginToken=a%20b', host: expected.host },
      400,
    ],
  ])('refuses %s', (_name, request, status) => {
    expect(judgeSsoCallback(request, expected)).toMatchObject({ kind: 'refused', status });
  });

  it('never hands out a token without the exact state, whatever the request', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'HEAD', undefined),
        fc.string(),
        fc.string(),
        fc.constantFrom(expected.host, 'localhost:45123', undefined),
        (method, state, token, host) => {
          const url = `/sso-callback?state=${encodeURIComponent(state)}&loginToken=${encodeURIComponent(token)}`;
          const verdict = judgeSsoCallback({ method, url, host }, expected);
          if (verdict.kind === 'accepted') {
            expect(state).toBe(expected.state);
            expect(method).toBe('GET');
            expect(host).toBe(expected.host);
            expect(verdict.secret).toBe(token);
          }
        },
      ),
    );
  });
});
