/**
 * Single sign-on against the real thing: Synapse signing people in through an OpenID
 * Connect provider (node-oidc-provider), main's AccountService with the loopback listener,
 * and a Chromium page as the person's browser. Nothing is faked but the browser's owner.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccountService } from '../../main/account/accountService.js';
import { CredentialStore } from '../../main/account/credentialStore.js';
import { startLoopbackSignIn } from '../../main/account/loopbackListener.js';
import { ICON_DATA_URL, sniffIconType } from '../../main/account/providerIcons.js';
import { createMemoryLogger } from '../../main/log.js';
import { launchChromium } from '../support/browser.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { signInAtProvider, type BrowserSignIn } from '../support/ssoBrowser.js';

const synapse = inject('synapse');
const sso = inject('sso');

describe('single sign-on through Synapse and an OpenID Connect provider', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (sso === null) throw new Error('the integration lane runs an OpenID Connect provider (synapseGlobalSetup)');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => browser?.close());

  function account(onBrowser: (url: string) => Promise<void>) {
    const saved = new Map<string, string>();
    let back = 0;
    const service = new AccountService({
      fetch: (url, init) => fetch(url, init),
      store: new CredentialStore(
        {
          getPassword: async (_s, a) => saved.get(a) ?? null,
          setPassword: async (_s, a, p) => void saved.set(a, p),
          deletePassword: async (_s, a) => saved.delete(a),
        },
        'sso-test',
      ),
      deviceName: 'Switchboard (SSO test)',
      now: Date.now,
      log: createMemoryLogger('sso'),
      onChange: () => undefined,
      createStoreKey: () => 'key',
      browser: {
        openExternal: onBrowser,
        startLoopback: () => startLoopbackSignIn(),
        browserBack: () => (back += 1),
        waitMs: 60_000,
      },
    });
    return { service, saved, back: () => back };
  }

  it('offers the provider beside the password, with its icon fetched before anyone is signed in', async () => {
    const { service } = account(async () => undefined);
    const options = await service.signInOptions({ server: 'localhost', homeserverUrl: synapse.baseUrl });
    expect(options).toEqual({
      outcome: 'options',
      homeserverUrl: synapse.baseUrl,
      password: true,
      sso: true,
      oauth: false,
      providers: [{ id: sso!.idpId, name: sso!.idpName, brand: null, icon: expect.stringMatching(ICON_DATA_URL) }],
    });
    // The picture the admin uploaded (Synapse's thumbnail of it): a PNG with the logo's teal.
    const icon = options.outcome === 'options' ? options.providers[0]!.icon! : '';
    const bytes = Buffer.from(icon.split(',')[1]!, 'base64');
    expect(sniffIconType(bytes)).toBe('png');
  });

  it('signs a new person in through the provider: a session that works, kept in the keychain only', async () => {
    const login = `sso${randomUUID().slice(0, 6)}`;
    let seen: BrowserSignIn | null = null;
    const t = account(async (url) => {
      seen = await signInAtProvider(browser, url, login);
    });
    const reply = await t.service.signInWithBrowser({
      server: 'localhost',
      homeserverUrl: synapse.baseUrl,
      providerId: sso!.idpId,
    });
    expect(reply).toMatchObject({ outcome: 'signed-in', session: { userId: `@${login}:localhost` } });
    expect(seen!.text).toContain('You can close this tab');
    expect(t.back()).toBe(1);
    const { accessToken } = JSON.parse(t.saved.get('session')!) as { accessToken: string };
    expect(JSON.stringify(reply)).not.toContain(accessToken);
    await expect(
      matrixRequest<{ user_id: string }>(synapse.baseUrl, accessToken, 'GET', '/_matrix/client/v3/account/whoami'),
    ).resolves.toMatchObject({ user_id: `@${login}:localhost` });
    const devices = await matrixRequest<{ devices: { display_name?: string }[] }>(
      synapse.baseUrl,
      accessToken,
      'GET',
      '/_matrix/client/v3/devices',
    );
    expect(devices.devices.map((d) => d.display_name)).toEqual(['Switchboard (SSO test)']);
    // The loopback listener took its one callback and is gone: the page's reload finds nothing.
    await expect(seen!.page.reload({ timeout: 5_000 })).rejects.toThrow();
    await seen!.page.context().close();
  });

  it('cancelled while the provider’s page is open: no session, no device, and the callback is refused after', async () => {
    const login = `sso${randomUUID().slice(0, 6)}`;
    let atProvider: BrowserSignIn | null = null;
    const t = account(async (url) => {
      atProvider = await signInAtProvider(browser, url, login, { stopAt: 'provider-login' });
    });
    const attempt = t.service.signInWithBrowser({
      server: 'localhost',
      homeserverUrl: synapse.baseUrl,
      providerId: null,
    });
    await expect.poll(() => atProvider !== null, { timeout: 20_000 }).toBe(true);
    expect(t.service.cancelSignIn()).toEqual({ cancelled: true });
    await expect(attempt).resolves.toMatchObject({ outcome: 'failed', kind: 'cancelled' });
    expect(t.saved.size).toBe(0);
    // Finishing at the provider afterwards leads nowhere: Switchboard no longer listens.
    const page = atProvider!.page;
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('x');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    for (let step = 0; step < 3; step++) {
      const next = page.getByRole('button', { name: /^Continue/ }).or(page.getByRole('link', { name: /^Continue/ }));
      if ((await next.count()) === 0) break;
      await next
        .first()
        .click({ timeout: 5_000 })
        .catch(() => undefined);
      await page.waitForLoadState('domcontentloaded').catch(() => undefined);
    }
    expect(t.saved.size).toBe(0);
    expect(t.back()).toBe(0);
    await page.context().close();
  });
});
