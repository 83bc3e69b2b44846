/**
 * A fresh Switchboard window at its sign-in form, pointed at a homeserver by its address
 * (the form then asks main what that server offers): where the browser sign-in tests start.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { startHarness, type Harness } from '../harness/harness.js';
import { keepWindowLog } from './windowLogs.js';

export async function signInWindow(
  browser: Browser,
  homeserverUrl: string,
  name: string,
): Promise<{ harness: Harness; context: BrowserContext; page: Page }> {
  const harness = await startHarness({
    rendererDir: inject('rendererDir'),
    keychainService: `${name}-${randomUUID()}`,
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  keepWindowLog(page, `${name} window`);
  await page.goto(harness.url);
  await page.getByLabel('Matrix ID').fill('localhost');
  await page.getByText('Homeserver address (optional)').click();
  await page.getByLabel('Homeserver URL').fill(homeserverUrl);
  await page.getByLabel('Matrix ID').focus();
  await page.getByLabel('Matrix ID').blur();
  return { harness, context, page };
}
