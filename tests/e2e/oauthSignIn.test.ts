/**
 * A person on a homeserver that hands sign-in to an OAuth 2.0 authorization server (as
 * matrix.org does with the Matrix Authentication Service): the window offers only the
 * browser, main registers Switchboard, opens the system browser (a Chromium page playing
 * the person) and exchanges the code, and the window comes forward ready for calls.
 * Settings opens the account page through main; sign-out revokes the session. This file
 * runs a Synapse of its own in that mode, with the test authorization server
 * (tests/support/authService.ts).
 */
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMasHomeserver, type AuthServiceInstance, type MasHomeserver } from '../support/authService.js';
import { launchChromium } from '../support/browser.js';
import { signInAtProvider, type BrowserSignIn } from '../support/ssoBrowser.js';
import type { SynapseInstance } from '../support/synapse.js';
import type { Harness } from './harness/harness.js';
import { signInWindow } from './support/signInWindow.js';
import { dumpRendererState, waitUntilReady } from './support/pages.js';
import { currentCall, directRoom, inbound, type Person } from './support/people.js';
import { shoot } from './support/screens.js';

/** Main refreshes 30 s before expiry: with 40 s, about ten seconds after each sign-in. */
const ACCESS_TOKEN_TTL_S = 40;
const POLL = { timeout: 25_000, interval: 100 };

describe('signing in with OAuth 2.0 (next-generation auth)', () => {
  let browser: Browser;
  let synapse: SynapseInstance;
  let auth: AuthServiceInstance;
  let homeserver: MasHomeserver | undefined;
  let harness: Harness | undefined;
  let context: BrowserContext | undefined;
  /** Everyone's windows of a test, closed after it. */
  const others: { harness: Harness; context: BrowserContext }[] = [];
  let failed = false;

  beforeAll(async () => {
    // Short-lived access tokens, as MAS gives (5 minutes there): refreshes are due within the test.
    homeserver = await startMasHomeserver({ accessTokenTtlS: ACCESS_TOKEN_TTL_S });
    ({ synapse, auth } = homeserver);
    browser = await launchChromium();
  }, 90_000);
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail') failed = true;
    await context?.close();
    await harness?.close();
    for (const other of others.splice(0)) {
      await other.context.close();
      await other.harness.close();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await homeserver?.stop(failed ? 'test-results/oauth-e2e-synapse.log' : null);
  });

  async function window(): Promise<{ harness: Harness; page: Page }> {
    const opened = await signInWindow(browser, synapse.baseUrl, 'oauth');
    harness = opened.harness;
    context = opened.context;
    return { harness: opened.harness, page: opened.page };
  }

  it('offers only the browser, comes forward ready for calls, opens the account page, and sign-out ends the session', async () => {
    const { harness: h, page } = await window();
    await page.getByRole('button', { name: 'Continue in your browser' }).waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('Password').count()).toBe(0);
    await shoot(page, '29-sign-in-oauth');

    const login = `olive${randomUUID().slice(0, 6)}`;
    let atBrowser: BrowserSignIn | null = null;
    h.systemBrowser.onOpen((url) => {
      if (url.startsWith(auth.issuer) && url.includes('/auth?')) {
        void signInAtProvider(browser, url, login).then((s) => (atBrowser = s));
      }
    });
    h.window.set({ visible: false, focused: false });
    await page.getByRole('button', { name: 'Continue in your browser' }).click();
    await waitUntilReady(page);
    expect(atBrowser!.text).toContain('You can close this tab');
    expect(h.window.state()).toMatchObject({ visible: true, focused: true });

    const saved = JSON.parse((await keytar.getPassword(h.keychainService, 'session')) ?? '{}') as {
      userId?: string;
      accessToken?: string;
      refreshToken?: string;
    };
    expect(saved.userId).toBe(`@${login}:localhost`);
    const everything = await dumpRendererState(page);
    for (const secret of [saved.accessToken!, saved.refreshToken!]) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('code_verifier');
    await atBrowser!.page.context().close();

    // Settings: the account lives at the authorization server; main opens its page.
    await page.getByRole('tab', { name: /Settings/ }).click();
    const manage = page.getByRole('button', { name: 'Manage account in your browser' });
    await manage.scrollIntoViewIfNeeded();
    await shoot(page, '30-settings-account-oauth');
    await manage.click();
    await expect.poll(() => h.systemBrowser.opened.at(-1)).toBe(`${auth.issuer}account`);

    await page.getByRole('button', { name: 'Sign out…' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to receive calls' }).waitFor({ timeout: 15_000 });
    await expect
      .poll(
        async () =>
          (
            await fetch(`${synapse.baseUrl}/_matrix/client/v3/account/whoami`, {
              headers: { authorization: `Bearer ${saved.accessToken}` },
            })
          ).status,
        { timeout: 10_000 },
      )
      .toBe(401);
    expect(await keytar.getPassword(h.keychainService, 'session')).toBeNull();
  }, 120_000);

  /** Someone new signs in through OAuth in a window of their own, ready for calls. */
  async function oauthPerson(name: string): Promise<Person> {
    const opened = await signInWindow(browser, synapse.baseUrl, name);
    others.push(opened);
    const login = `${name.toLowerCase()}${randomUUID().slice(0, 6)}`;
    opened.harness.systemBrowser.onOpen((url) => {
      if (url.includes('/auth?')) void signInAtProvider(browser, url, login).then((s) => s.page.context().close());
    });
    await opened.page.getByRole('button', { name: 'Continue in your browser' }).click();
    await waitUntilReady(opened.page);
    const user = { userId: `@${login}:localhost`, accessToken: '', deviceId: '', password: '' };
    return { user, ...opened };
  }

  const keychainEntry = async (person: Person) =>
    JSON.parse((await keytar.getPassword(person.harness.keychainService, 'session')) ?? '{}') as {
      accessToken?: string;
    };

  it('two people signed in through OAuth call each other, with media both ways, while main refreshes their tokens', async () => {
    const olive = await oauthPerson('Olive');
    const otto = await oauthPerson('Otto');
    const firstTokens = [(await keychainEntry(olive)).accessToken, (await keychainEntry(otto)).accessToken];
    const roomId = await directRoom(synapse, olive, otto);

    const callId = (await olive.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(otto.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await otto.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    for (const person of [olive, otto]) {
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
      await expect.poll(async () => (await inbound(person.page, callId)).audio, POLL).toBeGreaterThan(0);
    }

    // The access tokens expire during the call: main has new ones (refreshed at the first request
    // after they fall due, or on the first 401), and the call and the sync go on.
    for (const [index, person] of [olive, otto].entries()) {
      await expect
        .poll(async () => (await keychainEntry(person)).accessToken, { timeout: 75_000, interval: 500 })
        .not.toBe(firstTokens[index]);
    }
    const before = (await inbound(otto.page, callId)).audio;
    await expect.poll(async () => (await inbound(otto.page, callId)).audio, POLL).toBeGreaterThan(before);
    await olive.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await currentCall(otto.page))?.state ?? 'ended', POLL).toBe('ended');
    await otto.page.getByText('Ready for calls').waitFor({ timeout: 10_000 });
  }, 200_000);
});
