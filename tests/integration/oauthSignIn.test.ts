/**
 * OAuth 2.0 sign-in against the real thing: a Synapse of this file's own that hands all
 * authentication to an authorization server (matrix_authentication_service, as on
 * matrix.org), that server (node-oidc-provider playing MAS's part, tests/support/authService.ts),
 * main's AccountService with the loopback listener, and a Chromium page as the person's
 * browser.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../main/account/accountService.js';
import {
  CLAIMED_REDIRECT_URI,
  createClaimedRedirects,
  isClaimedRedirect,
  type ClaimedRedirects,
} from '../../main/account/claimedRedirect.js';
import { CredentialStore, type Credentials, type SecretStore } from '../../main/account/credentialStore.js';
import { createFakeElectronNet } from '../../main/account/fakeElectronNet.testing.js';
import { createNetFetch } from '../../main/account/netFetch.js';
import { createMainCore } from '../../main/core.js';
import type { AccountState } from '../../preload/contract.js';
import { startLoopbackSignIn } from '../../main/account/loopbackListener.js';
import { createMemoryLogger } from '../../main/log.js';
import { startMasHomeserver, type AuthServiceInstance, type MasHomeserver } from '../support/authService.js';
import { launchChromium } from '../support/browser.js';
import { signInAtProvider, type BrowserSignIn } from '../support/ssoBrowser.js';
import type { SynapseInstance } from '../support/synapse.js';

/** Short, so that a refresh is due within the test. */
const ACCESS_TOKEN_TTL_S = 40;

describe('OAuth 2.0 sign-in through the homeserver’s authorization server', () => {
  let browser: Browser;
  let synapse: SynapseInstance;
  let auth: AuthServiceInstance;
  let homeserver: MasHomeserver | undefined;
  let failed = false;

  beforeAll(async () => {
    // Short-lived access tokens, as MAS gives (5 minutes there): refreshes are due within the test.
    homeserver = await startMasHomeserver({ accessTokenTtlS: ACCESS_TOKEN_TTL_S });
    ({ synapse, auth } = homeserver);
    // Reaching only this machine by itself: one test follows the browser to Switchboard's own scheme.
    browser = await launchChromium({ loopbackOnly: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await homeserver?.stop(failed ? 'test-results/oauth-synapse.log' : null);
  });

  /** One keychain for every AccountService of the test (as on one computer). */
  const keychain = new Map<string, string>();
  const memorySecrets = (entries: Map<string, string>): SecretStore => ({
    getPassword: async (_s, a) => entries.get(a) ?? null,
    setPassword: async (_s, a, p) => void entries.set(a, p),
    deletePassword: async (_s, a) => entries.delete(a),
  });

  /** How far this computer's clock is ahead (to bring a token's expiry near without waiting). */
  let clockAheadMs = 0;

  function account(
    onBrowser: (url: string) => Promise<void>,
    options: { waitMs?: number; keychain?: Map<string, string>; claimed?: ClaimedRedirects } = {},
  ) {
    let back = 0;
    const log = createMemoryLogger('oauth');
    const service = new AccountService({
      fetch: (url, init) => fetch(url, init),
      store: new CredentialStore(memorySecrets(options.keychain ?? keychain), 'oauth-test'),
      deviceName: 'Switchboard (OAuth test)',
      now: () => Date.now() + clockAheadMs,
      log,
      onChange: () => undefined,
      createStoreKey: () => 'key',
      browser: {
        openExternal: onBrowser,
        startLoopback: (purpose) => startLoopbackSignIn(purpose),
        ...(options.claimed === undefined ? {} : { startClaimed: options.claimed.start }),
        browserBack: () => (back += 1),
        waitMs: options.waitMs ?? 60_000,
      },
    });
    return { service, back: () => back, log };
  }

  const saved = () => JSON.parse(keychain.get('session') ?? 'null') as Credentials | null;
  const whoami = (token: string) =>
    fetch(`${synapse.baseUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${token}` } });
  const request = { server: 'localhost', homeserverUrl: '', providerId: null };

  it('offers only the browser: no password form, no identity provider buttons', async () => {
    const { service } = account(async () => undefined);
    await expect(service.signInOptions({ server: 'localhost', homeserverUrl: synapse.baseUrl })).resolves.toEqual({
      outcome: 'options',
      homeserverUrl: synapse.baseUrl,
      password: false,
      sso: false,
      oauth: true,
      providers: [],
    });
  });

  it('signs a person in: registered once as a native app, the code exchanged in main, tokens in the keychain only', async () => {
    try {
      const login = `oa${randomUUID().slice(0, 6)}`;
      let seen: BrowserSignIn | null = null;
      const t = account(async (url) => {
        const authorize = new URL(url);
        // What went to the browser: PKCE S256, a state, the Matrix scopes, a loopback redirect.
        expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
        expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth-callback$/);
        expect(authorize.searchParams.get('scope')).toMatch(
          /^urn:matrix:client:api:\* urn:matrix:client:device:[A-Z]{10}$/,
        );
        seen = await signInAtProvider(browser, url, login);
      });
      const reply = await t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl });
      expect(reply).toMatchObject({ outcome: 'signed-in', session: { userId: `@${login}:localhost` } });
      expect(seen!.text).toContain('You can close this tab');
      expect(t.back()).toBe(1);
      expect(auth.registrations()).toBe(1);

      const credentials = saved()!;
      expect(credentials.refreshToken).toBeDefined();
      expect(credentials.oauth?.metadata.issuer).toBe(auth.issuer.replace(/\/$/, ''));
      expect(JSON.stringify(reply)).not.toContain(credentials.accessToken);
      const who = (await (await whoami(credentials.accessToken)).json()) as { user_id: string; device_id: string };
      expect(who).toMatchObject({ user_id: `@${login}:localhost`, device_id: credentials.deviceId });
      // The callback replayed (the code again): nobody listens any more.
      expect(seen!.page.url()).toMatch(/\/oauth-callback\?code=/);
      await expect(fetch(seen!.page.url())).rejects.toThrow();
      await seen!.page.context().close();

      // Fifteen seconds on, the access token is about to expire: main refreshes it, and the new one works.
      expect(t.service.shouldRefreshSoon()).toBe(false);
      clockAheadMs = 15_000;
      expect(t.service.shouldRefreshSoon()).toBe(true);
      await expect(t.service.refresh()).resolves.toBe(true);
      const refreshed = saved()!;
      expect(refreshed.accessToken).not.toBe(credentials.accessToken);
      expect((await whoami(refreshed.accessToken)).status).toBe(200);
      expect(refreshed.refreshToken).toBeDefined();
      clockAheadMs = 0;

      // Sign-out revokes at the authorization server: the homeserver refuses the token, the device is gone.
      await expect(t.service.signOut()).resolves.toEqual({ serverLogout: true });
      expect(saved()).toBeNull();
      await expect.poll(async () => (await whoami(refreshed.accessToken)).status, { timeout: 10_000 }).toBe(401);
      expect(auth.liveDevices()).not.toContain(`${login}/${credentials.deviceId}`);
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  it('a second sign-in on this computer reuses the registered client', async () => {
    const login = `oa${randomUUID().slice(0, 6)}`;
    const t = account(async (url) => void (await signInAtProvider(browser, url, login)).page.context().close());
    const before = auth.registrations();
    await expect(t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl })).resolves.toMatchObject({
      outcome: 'signed-in',
    });
    expect(auth.registrations()).toBe(before);
    await t.service.signOut();
  });

  it('cancelled in the browser: the sign-in ends in words, nothing is kept, no device is made', async () => {
    const login = `oa${randomUUID().slice(0, 6)}`;
    let page: BrowserSignIn['page'] | null = null;
    const t = account(async (url) => {
      const atLogin = await signInAtProvider(browser, url, login, { stopAt: 'provider-login' });
      page = atLogin.page;
      await page.getByRole('link', { name: '[ Cancel ]' }).click();
    });
    const reply = await t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl });
    expect(reply).toEqual({
      outcome: 'failed',
      kind: 'refused',
      message: 'The sign-in was not allowed in the browser.',
    });
    expect(saved()).toBeNull();
    expect(auth.liveDevices().some((device) => device.startsWith(`${login}/`))).toBe(false);
    await expect.poll(async () => (await page!.innerText('body')).includes('Switchboard')).toBe(true);
    await page!.context().close();
  });

  it('cancelled in Switchboard while the browser waits: nothing kept, and finishing in the browser afterwards leads nowhere', async () => {
    const login = `oa${randomUUID().slice(0, 6)}`;
    let atProvider: BrowserSignIn | null = null;
    const t = account(async (url) => {
      atProvider = await signInAtProvider(browser, url, login, { stopAt: 'provider-login' });
    });
    const attempt = t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl });
    await expect.poll(() => atProvider !== null, { timeout: 20_000 }).toBe(true);
    expect(t.service.cancelSignIn()).toEqual({ cancelled: true });
    await expect(attempt).resolves.toMatchObject({ outcome: 'failed', kind: 'cancelled' });
    const page = atProvider!.page;
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('x');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page
      .getByRole('button', { name: /^Continue/ })
      .click({ timeout: 5_000 })
      .catch(() => undefined);
    expect(saved()).toBeNull();
    expect(t.back()).toBe(0);
    expect(auth.liveDevices().some((device) => device.startsWith(`${login}/`))).toBe(false);
    await page.context().close();
  });

  it('a server that takes no new clients: refused in words before any browser opens', async () => {
    let opened = 0;
    const t = account(async () => void (opened += 1), { keychain: new Map() });
    auth.refuseRegistrations(true);
    try {
      await expect(t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl })).resolves.toEqual({
        outcome: 'failed',
        kind: 'server-error',
        message: `${auth.issuer.replace(/\/$/, '')} did not accept Switchboard as an app (registration failed).`,
      });
    } finally {
      auth.refuseRegistrations(false);
    }
    expect(opened).toBe(0);
  });

  it('a server that refuses loopback redirects: Switchboard registers its own scheme, and the browser comes back through the OS', async () => {
    const login = `oa${randomUUID().slice(0, 6)}`;
    const entries = new Map<string, string>();
    const claimed = createClaimedRedirects(() => undefined);
    const links: string[] = [];
    const verdicts: string[] = [];
    // The OS: hands a navigation to Switchboard's scheme to Switchboard (here, to main's claimed redirects).
    const appLink = {
      accepts: isClaimedRedirect,
      open: (link: string) => {
        links.push(link);
        verdicts.push(claimed.take(link));
      },
    };
    const t = account(
      async (url) => {
        expect(new URL(url).searchParams.get('redirect_uri')).toBe(CLAIMED_REDIRECT_URI);
        await (await signInAtProvider(browser, url, login, { appLink })).page.context().close();
      },
      { keychain: entries, claimed },
    );
    const before = auth.registrations();
    auth.refuseLoopbackRedirects(true);
    try {
      const reply = await t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl });
      expect(reply).toMatchObject({ outcome: 'signed-in', session: { userId: `@${login}:localhost` } });
    } finally {
      auth.refuseLoopbackRedirects(false);
    }
    expect(verdicts).toEqual(['accepted']);
    expect(links[0]).toMatch(/^org\.switchboardphone\.switchboard:\/oauth-callback\?code=/);
    expect(t.back()).toBe(1);
    // One registration, with the scheme only: the loopback one was refused.
    expect(auth.registrations()).toBe(before + 1);
    expect(auth.registeredRedirects().at(-1)).toEqual([CLAIMED_REDIRECT_URI]);
    const kept = JSON.parse(entries.get('session')!) as Credentials;
    expect((await whoami(kept.accessToken)).status).toBe(200);
    // The same link again (replayed by another app that claims the scheme): refused, nothing changes.
    expect(claimed.take(links[0]!)).toBe('refused');
    await t.service.signOut();

    // Signing in again on this computer: the remembered client and its way back, no new registration.
    const again = account(
      async (url) => {
        expect(new URL(url).searchParams.get('redirect_uri')).toBe(CLAIMED_REDIRECT_URI);
        await (await signInAtProvider(browser, url, login, { appLink })).page.context().close();
      },
      { keychain: entries, claimed },
    );
    await expect(
      again.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl }),
    ).resolves.toMatchObject({ outcome: 'signed-in' });
    expect(auth.registrations()).toBe(before + 1);
    await again.service.signOut();
  });

  it('a server that refuses loopback, where the OS does not route Switchboard’s scheme to it: refused in words, no browser', async () => {
    let opened = 0;
    const t = account(async () => void (opened += 1), { keychain: new Map() });
    auth.refuseLoopbackRedirects(true);
    try {
      await expect(t.service.signInWithBrowser({ ...request, homeserverUrl: synapse.baseUrl })).resolves.toMatchObject({
        outcome: 'failed',
        kind: 'server-error',
        message: expect.stringContaining('did not accept Switchboard as an app'),
      });
    } finally {
      auth.refuseLoopbackRedirects(false);
    }
    expect(opened).toBe(0);
  });

  it('a session ended at the authorization server: signed out with the reason at the next request through the gateway', async () => {
    const login = `oa${randomUUID().slice(0, 6)}`;
    const entries = new Map<string, string>();
    const changes: AccountState[] = [];
    const core = createMainCore({
      identity: { name: 'Switchboard', version: 'test', platform: 'linux' },
      secrets: memorySecrets(entries),
      keychainService: 'oauth-core',
      fetch: createNetFetch(createFakeElectronNet()),
      deviceName: 'Switchboard (OAuth test)',
      log: createMemoryLogger('main'),
      onAccountChange: (state) => changes.push(state),
      openExternal: async (url) => void (await signInAtProvider(browser, url, login)).page.context().close(),
      signInWaitMs: 60_000,
    });
    await expect(
      core.handlers['account.signInWithBrowser']({
        server: 'localhost',
        homeserverUrl: synapse.baseUrl,
        providerId: null,
      }),
    ).resolves.toMatchObject({ outcome: 'signed-in' });
    const whoamiUrl = `${synapse.baseUrl}/_matrix/client/v3/account/whoami`;
    const get = () =>
      core.handlers['matrix.fetch']({
        requestId: randomUUID(),
        method: 'GET',
        url: whoamiUrl,
        headers: {},
        body: null,
      });
    expect((await get()).status).toBe(200);

    // The person ends this session from their account page (or the server does): the refresh token is revoked.
    const saved = JSON.parse(entries.get('session')!) as Credentials;
    const revoked = await fetch(saved.oauth!.metadata.revocation_endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        token: saved.refreshToken!,
        token_type_hint: 'refresh_token',
        client_id: saved.oauth!.clientId,
      }),
    });
    expect(revoked.ok).toBe(true);
    await expect.poll(async () => (await whoami(saved.accessToken)).status, { timeout: 10_000 }).toBe(401);

    expect((await get()).status).toBe(401);
    expect(changes.at(-1)).toMatchObject({
      status: 'signed-out',
      reason: 'token-rejected',
      message: expect.stringContaining('Sign in again'),
    });
    expect(entries.has('session')).toBe(false);
  });
});
