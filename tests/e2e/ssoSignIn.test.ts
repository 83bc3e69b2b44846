/**
 * A person without a password signs in: the window offers the homeserver's identity
 * provider, main opens the system browser (here a Chromium page playing the person in their
 * browser) and listens on loopback, the provider (node-oidc-provider) and Synapse do their
 * part, and the window comes forward signed in. The tokens stay in main.
 */
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, afterAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { signInAtProvider, type BrowserSignIn } from '../support/ssoBrowser.js';
import type { Harness } from './harness/harness.js';
import { signInWindow } from './support/signInWindow.js';
import { dumpRendererState, waitUntilReady } from './support/pages.js';
import { currentCall, directRoom, signedInPerson, type Person } from './support/people.js';
import { shoot } from './support/screens.js';

const synapse = inject('synapse');
const sso = inject('sso');

describe('signing in through the browser (single sign-on)', () => {
  let browser: Browser;
  let harness: Harness | undefined;
  let context: BrowserContext | undefined;
  let caller: Person | undefined;

  beforeAll(async () => {
    if (sso === null) throw new Error('the e2e lane runs an OpenID Connect provider (synapseGlobalSetup)');
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    await caller?.context.close();
    await caller?.harness.close();
    caller = undefined;
    await context?.close();
    await harness?.close();
  });
  afterAll(async () => browser?.close());

  async function window(): Promise<{ harness: Harness; page: Page }> {
    const opened = await signInWindow(browser, synapse.baseUrl, 'sso');
    harness = opened.harness;
    context = opened.context;
    return { harness: opened.harness, page: opened.page };
  }

  it('offers the provider, waits for the browser, comes forward signed in with no token in the window, and rings for a call', async () => {
    const { harness: h, page } = await window();
    await page.getByRole('button', { name: `Continue with ${sso!.idpName}` }).waitFor({ timeout: 15_000 });
    // The provider's icon, shown as the picture it is (decoded by the window, not a broken image).
    const icon = page.getByRole('button', { name: `Continue with ${sso!.idpName}` }).locator('img');
    const decodedWidth = () =>
      icon.evaluate((element) => {
        const image = element as unknown as { complete: boolean; naturalWidth: number };
        return image.complete ? image.naturalWidth : 0;
      });
    await expect.poll(decodedWidth).toBeGreaterThan(0);
    await shoot(page, '27-sign-in-sso');

    const login = `sam${randomUUID().slice(0, 6)}`;
    let atBrowser: BrowserSignIn | null = null;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    h.systemBrowser.onOpen((url) => {
      // The person looks at the waiting window before finishing in the browser.
      void held.then(async () => (atBrowser = await signInAtProvider(browser, url, login)));
    });
    h.window.set({ visible: false, focused: false });
    await page.getByRole('button', { name: `Continue with ${sso!.idpName}` }).click();
    await page.getByTestId('waiting-for-browser').waitFor({ timeout: 10_000 });
    await shoot(page, '28-waiting-for-browser');
    expect(h.systemBrowser.opened).toHaveLength(1);
    expect(h.systemBrowser.opened[0]).toContain(`/_matrix/client/v3/login/sso/redirect/${sso!.idpId}?redirectUrl=`);
    release();

    await waitUntilReady(page);
    expect(atBrowser!.text).toContain('You can close this tab');
    expect(h.window.state()).toMatchObject({ visible: true, focused: true });
    const saved = JSON.parse((await keytar.getPassword(h.keychainService, 'session')) ?? '{}') as {
      userId?: string;
      accessToken?: string;
    };
    expect(saved.userId).toBe(`@${login}:localhost`);
    const everything = await dumpRendererState(page);
    expect(everything).not.toContain(saved.accessToken);
    expect(everything).not.toContain('loginToken');
    await atBrowser!.page.context().close();

    // And the phone rings: someone calls the person who just signed in.
    caller = await signedInPerson(browser, synapse, inject('rendererDir'), 'Carla');
    const me: Person = {
      user: { userId: saved.userId!, accessToken: '', deviceId: '', password: '' },
      harness: h,
      context: context!,
      page,
    };
    const roomId = await directRoom(synapse, caller, me);
    const callId = (await caller.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(page), { timeout: 25_000 }).toMatchObject({ callId, state: 'ringing' });
    await caller.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
  }, 120_000);

  it('cancelled while the browser is out: the form comes back and nothing is kept', async () => {
    const { harness: h, page } = await window();
    let atProvider: BrowserSignIn | null = null;
    h.systemBrowser.onOpen((url) => {
      void signInAtProvider(browser, url, 'nobody', { stopAt: 'provider-login' }).then((s) => (atProvider = s));
    });
    await page.getByRole('button', { name: `Continue with ${sso!.idpName}` }).click();
    await expect.poll(() => atProvider !== null, { timeout: 20_000 }).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: `Continue with ${sso!.idpName}` }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await keytar.getPassword(h.keychainService, 'session')).toBeNull();
    await atProvider!.page.context().close();
  });
});
