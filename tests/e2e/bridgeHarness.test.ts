import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startHarness, type Harness } from './harness/harness.js';

describe('the end-to-end harness: renderer bundle in Chromium, main core in Node, bridge over loopback', () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({
      rendererDir: inject('rendererDir'),
      identity: { name: 'Switchboard', version: '9.8.7', platform: 'linux' },
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(harness.url);
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('the page asks main for the app identity over the bridge and shows it', async () => {
    await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('Switchboard 9.8.7 on Linux');
    expect(pageErrors).toEqual([]);
  });

  it('renders the window in light and dark (screenshots in test-results/screens)', async () => {
    await page.setViewportSize({ width: 420, height: 680 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
      expect(background).toBe(colorScheme === 'light' ? 'rgb(246, 247, 249)' : 'rgb(21, 23, 26)');
      await page.screenshot({ path: `test-results/screens/welcome-${colorScheme}.png` });
    }
  });

  it('an event main sends reaches the page: hiding the window pauses it', async () => {
    await page.getByTestId('app-version').waitFor();
    harness.emit('window.visibility', { visible: false, focused: false });
    await expect.poll(() => page.locator('.app').getAttribute('data-window-visible')).toBe('false');
    harness.emit('window.visibility', { visible: true, focused: true });
    await expect.poll(() => page.locator('.app').getAttribute('data-window-visible')).toBe('true');
  });

  it('a page from another origin that reaches the bridge socket is refused as a foreign sender', async () => {
    const foreign = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    try {
      const foreignPage = await browser.newPage();
      await foreignPage.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      const reply = await foreignPage.evaluate(
        (bridgeUrl) =>
          new Promise<unknown>((resolve, reject) => {
            const socket = new WebSocket(bridgeUrl);
            socket.onerror = () => reject(new Error('socket error'));
            socket.onopen = () =>
              socket.send(
                JSON.stringify({
                  type: 'invoke',
                  id: 1,
                  channel: 'switchboard:request',
                  args: [{ channel: 'app.info', payload: {} }],
                }),
              );
            socket.onmessage = (message) => resolve(JSON.parse(String(message.data)));
          }),
        harness.bridgeUrl,
      );
      expect(reply).toMatchObject({ type: 'result', value: { ok: false, error: { code: 'forbidden-sender' } } });
      expect(harness.logs.some((record) => record.fields?.code === 'forbidden-sender')).toBe(true);
      await foreignPage.close();
    } finally {
      foreign.closeAllConnections();
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });
});
