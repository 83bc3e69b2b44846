import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutablePath } from './chromium.js';

/** Debian's Chromium, headless, with fake camera and microphone. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutablePath, args: [...chromiumArgs], headless: true });
}
