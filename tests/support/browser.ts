import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutablePath } from './chromium.js';

/**
 * Chromium's resolver answers only for this machine: a page asking for anything elsewhere
 * (a provider page's web font) gets "not found" at once, and nothing leaves the machine.
 * Unlike a Playwright route, it leaves the browser's own handling of navigations alone (a
 * routed request that redirects to an app's own URL scheme is dropped without a trace).
 */
export const LOOPBACK_ONLY_ARG = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1';

/** Debian's Chromium, headless, with fake camera and microphone. */
export function launchChromium(options: { loopbackOnly?: boolean } = {}): Promise<Browser> {
  const args = [...chromiumArgs, ...(options.loopbackOnly === true ? [LOOPBACK_ONLY_ARG] : [])];
  return chromium.launch({ executablePath: chromiumExecutablePath, args, headless: true });
}
