/**
 * The person in their system browser during single sign-on: a Chromium page opens the URL
 * Switchboard handed to the system browser, signs in at the identity provider (its login
 * page, then its consent page), confirms on the homeserver's page where it asks, and lands
 * on Switchboard's loopback page.
 */
import type { Browser, Page } from 'playwright-core';

export interface BrowserSignIn {
  page: Page;
  /** What the last page said (Switchboard's loopback page at the end). */
  text: string;
}

/** Goes through the provider's pages as `login`; stops at the loopback page, or after `stopAt`. */
export async function signInAtProvider(
  browser: Browser,
  url: string,
  login: string,
  options: {
    stopAt?: 'provider-login';
    /**
     * The OS's part for an app's own URL scheme: a navigation to a URL this accepts is handed
     * to it (as the OS hands it to the app that registered the scheme) and the browser stops
     * there. Needs a browser from launchChromium({ loopbackOnly: true }).
     */
    appLink?: { accepts: (url: string) => boolean; open: (url: string) => void };
  } = {},
): Promise<BrowserSignIn> {
  const context = await browser.newContext();
  let handedOver: string | null = null;
  const appLink = options.appLink;
  if (appLink === undefined) {
    // The provider's pages ask for a web font; nothing leaves this machine.
    await context.route(
      (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
      (route) => route.abort(),
    );
  } else {
    // A routed request that redirects to an app's scheme is dropped without a trace, so here
    // the browser must be one that reaches only this machine by itself (launchChromium's
    // loopbackOnly), and the navigation to the app's scheme is seen as the OS sees it.
    context.on('request', (request) => {
      if (handedOver === null && appLink.accepts(request.url())) {
        handedOver = request.url();
        appLink.open(handedOver);
      }
    });
  }
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('input[name="login"]').waitFor({ timeout: 15_000 });
  if (options.stopAt === 'provider-login') return { page, text: await page.innerText('body') };
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The provider's consent, then perhaps the homeserver's "continue to your application".
  for (let step = 0; step < 4; step++) {
    await page.waitForLoadState('domcontentloaded');
    if (handedOver !== null) return { page, text: `handed to the app: ${handedOver}` };
    const text = await page.innerText('body');
    if (/Switchboard/.test(text) && /close this tab|sign-in is over|Not a Switchboard sign-in/.test(text)) {
      return { page, text };
    }
    const next = page.getByRole('button', { name: /^Continue/ }).or(page.getByRole('link', { name: /^Continue/ }));
    // Where the answer may go to the app, the page may never navigate: wait for one or the other.
    const navigated =
      appLink === undefined ? null : page.waitForEvent('framenavigated', { timeout: 15_000 }).catch(() => undefined);
    await next.first().click({ timeout: 15_000 });
    if (navigated !== null) {
      await new Promise<void>((resolve) => {
        const check = setInterval(() => handedOver !== null && (clearInterval(check), resolve()), 20);
        void navigated.then(() => (clearInterval(check), resolve()));
      });
    }
  }
  return { page, text: await page.innerText('body') };
}
