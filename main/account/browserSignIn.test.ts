/**
 * The account's side of signing in through the browser: what the server offers, the session
 * kept only in the keychain, cancel leaving nothing behind, one sign-in at a time.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.js';
import { AccountService } from './accountService.js';
import { CredentialStore } from './credentialStore.js';
import type { FetchLike } from './homeserverDiscovery.js';
import { startLoopbackSignIn } from './loopbackListener.js';

const HS = 'https://matrix.example.org';

function setup(options: { flows?: unknown[] } = {}) {
  const saved = new Map<string, string>();
  const fetch: FetchLike = async (url, init) => {
    if (url === `${HS}/_matrix/client/versions`) return Response.json({ versions: ['v1.11'] });
    if (url === `${HS}/_matrix/client/v3/login` && (init?.method ?? 'GET') === 'GET')
      return Response.json({
        flows: options.flows ?? [
          { type: 'm.login.sso', identity_providers: [{ id: 'corp', name: 'Corp' }] },
          { type: 'm.login.token' },
        ],
      });
    if (url === `${HS}/_matrix/client/v3/login`)
      return Response.json({ user_id: '@me:example.org', device_id: 'DEV', access_token: 'syt_secret' });
    return new Response('no', { status: 404 });
  };
  let openBrowser: (redirectUrl: string) => void = () => undefined;
  const opened: string[] = [];
  const account = new AccountService({
    fetch,
    store: new CredentialStore(
      {
        getPassword: async (_s, a) => saved.get(a) ?? null,
        setPassword: async (_s, a, p) => void saved.set(a, p),
        deletePassword: async (_s, a) => saved.delete(a),
      },
      'test',
    ),
    deviceName: 'Switchboard test',
    now: () => 0,
    log: createMemoryLogger('t'),
    onChange: () => undefined,
    createStoreKey: () => 'key',
    browser: {
      openExternal: async (url) => {
        opened.push(url);
        openBrowser(new URL(url).searchParams.get('redirectUrl')!);
      },
      startLoopback: () => startLoopbackSignIn(),
      browserBack: () => undefined,
    },
  });
  return { account, saved, opened, onBrowser: (f: (redirectUrl: string) => void) => (openBrowser = f) };
}

describe('signing in through the browser', () => {
  it('says what the server named by a Matrix ID offers: here single sign-on with one provider, no password', async () => {
    const { account } = setup();
    await expect(account.signInOptions({ server: '@me:example.org', homeserverUrl: HS })).resolves.toEqual({
      outcome: 'options',
      homeserverUrl: HS,
      password: false,
      sso: true,
      oauth: false,
      providers: [{ id: 'corp', name: 'Corp', brand: null, icon: null }],
    });
  });

  it('says so in words when the server offers nothing Switchboard can use', async () => {
    const { account } = setup({ flows: [{ type: 'm.login.application_service' }] });
    await expect(account.signInOptions({ server: 'example.org', homeserverUrl: HS })).resolves.toMatchObject({
      outcome: 'failed',
      kind: 'no-usable-login',
      message: expect.stringContaining('neither a password nor single sign-on'),
    });
    await expect(account.signInOptions({ server: 'not a server!' })).resolves.toMatchObject({ kind: 'invalid-id' });
  });

  it('signs in once the browser is back, keeping the session in the keychain only', async () => {
    const t = setup();
    t.onBrowser((redirectUrl) => void fetch(`${redirectUrl}&loginToken=syl_ok`));
    const reply = await t.account.signInWithBrowser({ server: 'example.org', homeserverUrl: HS, providerId: 'corp' });
    expect(reply).toEqual({
      outcome: 'signed-in',
      session: { userId: '@me:example.org', deviceId: 'DEV', homeserverUrl: HS },
    });
    expect(JSON.stringify(reply)).not.toContain('syt_secret');
    expect(t.saved.get('session')).toContain('syt_secret');
  });

  it('cancelled: the sign-in ends as cancelled, nothing is kept, and a new one may start', async () => {
    const t = setup();
    let waiting = false;
    t.onBrowser(() => (waiting = true));
    const attempt = t.account.signInWithBrowser({ server: 'example.org', homeserverUrl: HS, providerId: null });
    await expect.poll(() => waiting).toBe(true);
    await expect(
      t.account.signInWithBrowser({ server: 'example.org', homeserverUrl: HS, providerId: null }),
    ).resolves.toMatchObject({ kind: 'in-progress' });
    expect(t.account.cancelSignIn()).toEqual({ cancelled: true });
    await expect(attempt).resolves.toMatchObject({ outcome: 'failed', kind: 'cancelled' });
    expect(t.saved.size).toBe(0);
    expect(t.account.cancelSignIn()).toEqual({ cancelled: false });
    t.onBrowser((redirectUrl) => void fetch(`${redirectUrl}&loginToken=syl_ok`));
    await expect(
      t.account.signInWithBrowser({ server: 'example.org', homeserverUrl: HS, providerId: null }),
    ).resolves.toMatchObject({ outcome: 'signed-in' });
  });
});
