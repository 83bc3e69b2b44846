/** The Node side of the MatrixRTC test peer: opens its page and calls `window.rtcPeer`. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RtcPeerApi } from './rtcPeerTypes.js';

export interface RtcPeerPage extends RtcPeerApi {
  readonly name: string;
  readonly page: Page;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function openRtcPeer(browser: Browser, url: string, name: string): Promise<RtcPeerPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name} page] ${error.message}`));
  await page.goto(url);
  const deadline = Date.now() + 15_000;
  while ((await page.evaluate('typeof window.rtcPeer')) !== 'object') {
    if (Date.now() > deadline) throw new Error(`${name}: window.rtcPeer never appeared at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const call = <T>(method: keyof RtcPeerApi, ...args: unknown[]): Promise<T> =>
    page.evaluate(`window.rtcPeer.${method}(...${JSON.stringify(args)})`) as Promise<T>;
  return {
    name,
    page,
    context,
    start: (credentials) => call('start', credentials),
    call: (roomId, options) => call('call', roomId, options),
    answer: (options) => call('answer', options),
    decline: () => call('decline'),
    setCamera: (on) => call('setCamera', on),
    hangup: () => call('hangup'),
    state: () => call('state'),
    inbound: () => call('inbound'),
    firstAudioAt: () => call('firstAudioAt'),
    stop: () => call('stop'),
    async close() {
      await call('stop').catch(() => undefined);
      await context.close();
    },
  };
}
