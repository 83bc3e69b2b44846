/**
 * Single sign-on in main, with the real loopback listener: the "browser" is a plain HTTP
 * request to the redirect URL the homeserver would send it back to.
 */
import { describe, expect, it } from 'vitest';
import type { FetchLike } from './homeserverDiscovery.js';
import { startLoopbackSignIn } from './loopbackListener.js';
import { LoginError } from './passwordLogin.js';
import { ssoLogin, type SsoDeps } from './ssoLogin.js';

const HS = 'https://matrix.example.org';
const FLOWS = {
  flows: [
    { type: 'm.login.password' },
    { type: 'm.login.sso', identity_providers: [{ id: 'oidc-corp', name: 'Corp' }] },
    { type: 'm.login.token' },
  ],
};

function homeserver(flows: unknown = FLOWS) {
  const logins: Record<string, unknown>[] = [];
  const fetch: FetchLike = async (url, init) => {
    if (url === `${HS}/_matrix/client/v3/login` && (init?.method ?? 'GET') === 'GET') return Response.json(flows);
    if (url === `${HS}/_matrix/client/v3/login` && init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      logins.push(body);
      if (body.token !== 'syl_good')
        return Response.json({ errcode: 'M_FORBIDDEN', error: 'Invalid token' }, { status: 403 });
      return Response.json({
        user_id: '@me:example.org',
        device_id: 'DEV',
        access_token: 'syt_secret',
        refresh_token: 'syr_x',
        expires_in_ms: 300_000,
      });
    }
    return new Response('no', { status: 404 });
  };
  return { fetch, logins };
}

/** A browser that follows the redirect to the homeserver and comes back with `token` (after `before`). */
function browser(token: string | null, before?: (redirectUrl: string) => Promise<void>) {
  const opened: string[] = [];
  const answers: { status: number; text: string }[] = [];
  const openExternal = async (url: string) => {
    opened.push(url);
    const redirectUrl = new URL(url).searchParams.get('redirectUrl')!;
    await before?.(redirectUrl);
    if (token === null) return;
    const response = await fetch(`${redirectUrl}&loginToken=${token}`);
    answers.push({ status: response.status, text: await response.text() });
  };
  return { opened, answers, openExternal };
}

function deps(fetch: FetchLike, openExternal: SsoDeps['openExternal'], waitMs = 5_000) {
  let back = 0;
  const value: SsoDeps = {
    fetch,
    openExternal,
    startLoopback: () => startLoopbackSignIn(),
    browserBack: () => (back += 1),
    deviceName: 'Switchboard test',
    waitMs,
  };
  return { value, back: () => back };
}

describe('single sign-on in the system browser', () => {
  it('opens the provider’s redirect with a loopback URL, takes the token back, and signs in with m.login.token', async () => {
    const hs = homeserver();
    const b = browser('syl_good');
    const d = deps(hs.fetch, b.openExternal);
    const login = await ssoLogin(d.value, HS, 'oidc-corp', new AbortController().signal);
    expect(login).toMatchObject({
      userId: '@me:example.org',
      deviceId: 'DEV',
      accessToken: 'syt_secret',
      refreshToken: 'syr_x',
    });
    const opened = new URL(b.opened[0]!);
    expect(`${opened.origin}${opened.pathname}`).toBe(`${HS}/_matrix/client/v3/login/sso/redirect/oidc-corp`);
    const redirect = new URL(opened.searchParams.get('redirectUrl')!);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(redirect.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.answers).toEqual([{ status: 200, text: expect.stringContaining('You can close this tab') }]);
    expect(hs.logins).toEqual([
      {
        type: 'm.login.token',
        token: 'syl_good',
        initial_device_display_name: 'Switchboard test',
        refresh_token: true,
      },
    ]);
    expect(d.back()).toBe(1);
    // The listener is gone once it has its one callback.
    await expect(fetch(`${redirect.href}&loginToken=again`)).rejects.toThrow();
  });

  it('ignores a callback with the wrong state and waits for the right one', async () => {
    const hs = homeserver();
    const wrong: number[] = [];
    const b = browser('syl_good', async (redirectUrl) => {
      const forged = new URL(redirectUrl);
      forged.searchParams.set('state', 'forged');
      wrong.push((await fetch(`${forged.href}&loginToken=syl_evil`)).status);
      wrong.push((await fetch(new URL('/other', redirectUrl))).status);
    });
    const login = await ssoLogin(deps(hs.fetch, b.openExternal).value, HS, null, new AbortController().signal);
    expect(wrong).toEqual([400, 404]);
    expect(login.userId).toBe('@me:example.org');
    expect(hs.logins.map((l) => l.token)).toEqual(['syl_good']);
    expect(new URL(b.opened[0]!).pathname).toBe('/_matrix/client/v3/login/sso/redirect');
  });

  it('cancelled while the browser is out: nothing is signed in and the listener closes', async () => {
    const hs = homeserver();
    const pending = new AbortController();
    let redirect = '';
    const b = browser(null, async (redirectUrl) => {
      redirect = redirectUrl;
    });
    const attempt = ssoLogin(deps(hs.fetch, b.openExternal).value, HS, null, pending.signal);
    await expect.poll(() => redirect).not.toBe('');
    pending.abort();
    await expect(attempt).rejects.toMatchObject({ kind: 'cancelled' });
    expect(hs.logins).toEqual([]);
    await expect(fetch(`${redirect}&loginToken=syl_good`)).rejects.toThrow();
  });

  it('gives up when the browser does not come back in time, saying it can be tried again', async () => {
    const hs = homeserver();
    const attempt = ssoLogin(
      deps(hs.fetch, browser(null).openExternal, 100).value,
      HS,
      null,
      new AbortController().signal,
    );
    await expect(attempt).rejects.toMatchObject({ kind: 'timed-out', message: expect.stringContaining('try again') });
    expect(hs.logins).toEqual([]);
  });

  it('a token the homeserver refuses is a failure in words, not a wrong password', async () => {
    const hs = homeserver();
    const attempt = ssoLogin(
      deps(hs.fetch, browser('syl_stale').openExternal).value,
      HS,
      null,
      new AbortController().signal,
    );
    await expect(attempt).rejects.toMatchObject({
      kind: 'server-error',
      message: expect.stringContaining('did not accept the sign-in from your browser'),
    });
  });

  it('opens nothing where the server offers no single sign-on, or not that provider', async () => {
    const b = browser('syl_good');
    const noSso = homeserver({ flows: [{ type: 'm.login.password' }] });
    await expect(
      ssoLogin(deps(noSso.fetch, b.openExternal).value, HS, null, new AbortController().signal),
    ).rejects.toBeInstanceOf(LoginError);
    await expect(
      ssoLogin(deps(homeserver().fetch, b.openExternal).value, HS, 'oidc-gone', new AbortController().signal),
    ).rejects.toMatchObject({ kind: 'no-sso-login' });
    expect(b.opened).toEqual([]);
  });
});
