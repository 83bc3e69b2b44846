import { describe, expect, it } from 'vitest';
import { loginFailure, passwordLogin } from './passwordLogin.js';

describe('loginFailure', () => {
  it('words each refusal for the person', () => {
    expect(loginFailure(403, { errcode: 'M_FORBIDDEN' }, '@a:x').message).toBe('Wrong password for @a:x.');
    expect(loginFailure(403, { errcode: 'M_USER_DEACTIVATED' }, '@a:x').message).toBe(
      'The account @a:x has been deactivated on its homeserver.',
    );
    const limited = loginFailure(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 12_300 }, '@a:x');
    expect(limited).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 12_300,
      message: 'Too many sign-in attempts. Try again in 13 seconds.',
    });
    expect(loginFailure(429, { errcode: 'M_LIMIT_EXCEEDED' }, '@a:x', '7')).toMatchObject({ retryAfterMs: 7000 });
    expect(loginFailure(500, {}, '@a:x').message).toBe('The homeserver refused the sign-in (HTTP 500).');
  });
});

describe('passwordLogin', () => {
  it('stops before sending the password when the server offers no password login', async () => {
    const calls: string[] = [];
    const fetch = async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      return new Response(JSON.stringify({ flows: [{ type: 'm.login.sso' }] }), { status: 200 });
    };
    await expect(
      passwordLogin(fetch, 'https://hs', { userId: '@a:x', password: 'pw', deviceName: 'd' }),
    ).rejects.toMatchObject({
      kind: 'no-password-login',
    });
    expect(calls).toEqual(['GET https://hs/_matrix/client/v3/login']);
  });
});
