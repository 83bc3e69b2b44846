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
  options: { stopAt?: 'provider-login' } = {},
): Promise<BrowserSignIn> {
  const context = await browser.newContext();
  // The provider's pages ask for a web font; nothing leaves this machine.
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => route.abort(),
  );
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
    const text = await page.innerText('body');
    if (/Switchboard/.test(text) && /close this tab|sign-in is over|Not a Switchboard sign-in/.test(text)) {
      return { page, text };
    }
    const next = page.getByRole('button', { name: /^Continue/ }).or(page.getByRole('link', { name: /^Continue/ }));
    await next.first().click({ timeout: 15_000 });
  }
  return { page, text: await page.innerText('body') };
}
