/**
 * Nothing the window kept is lost when Switchboard dies a moment later: a missed call and a
 * setting changed just before the app is killed are there when it starts again. The window
 * runs in a Chromium with a profile on disk, as Electron's is, and is killed with SIGKILL;
 * its localStorage would have lost them (Chromium commits it seconds after a write), so the
 * window keeps them through main, which writes them to disk at once (main/store/windowStore.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { chromiumArgs, chromiumExecutablePath } from '../support/chromium.js';
import { freePort, registerUser, type RegisteredUser } from '../support/synapse.js';
import { startHarness, type Harness } from './harness/harness.js';
import { signInThroughWindow, waitUntilReady } from './support/pages.js';
import { currentCall, directRoom, signedInPerson, startWithCallSystem, type Person } from './support/people.js';

const synapse = inject('synapse');
const rendererDir = inject('rendererDir');
const POLL = { timeout: 20_000, interval: 100 };

describe('the app killed right after a call', () => {
  let browser: Browser;
  let alice: Person;
  let bob: RegisteredUser;
  const dirs: string[] = [];
  let harness: Harness | null = null;
  let context: BrowserContext | null = null;

  beforeAll(async () => {
    browser = await launchChromium();
    alice = await signedInPerson(browser, synapse, rendererDir, 'Alice');
    bob = await registerUser(synapse, `bob-kept-${randomUUID().slice(0, 6)}`, 'bob-password', { displayName: 'Bob' });
  }, 60_000);
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await harness?.close();
    await alice?.harness.close();
    await browser?.close();
    await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });

  /** Bob's Switchboard: main's core on its user-data folder, the window in a Chromium profile on disk. */
  async function startBob(install: { userDataDir: string; profileDir: string; port: number; keychainService: string }) {
    harness = await startHarness({
      rendererDir,
      userDataDir: install.userDataDir,
      port: install.port,
      keychainService: install.keychainService,
    });
    context = await chromium.launchPersistentContext(install.profileDir, {
      executablePath: chromiumExecutablePath,
      args: [...chromiumArgs],
      headless: true,
    });
    await startWithCallSystem(context, 'legacy');
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(harness.url);
    return { harness, page };
  }

  /** What an OS does to a crashed app: every Chromium process of that profile ends at once (SIGKILL). */
  function killWindow(profileDir: string): void {
    execFileSync('pkill', ['-KILL', '-f', `[u]ser-data-dir=${profileDir}`]);
  }

  it('the call just made and the setting just changed are there after a restart', async () => {
    const install = {
      userDataDir: await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-kept-main-')),
      profileDir: await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-kept-window-')),
      port: await freePort(),
      keychainService: `switchboard-kept-${randomUUID().slice(0, 8)}`,
    };
    dirs.push(install.userDataDir, install.profileDir);
    const first = await startBob(install);
    const h = first.harness;
    let page = first.page;
    await signInThroughWindow(page, bob.userId, bob.password, synapse.baseUrl);
    await waitUntilReady(page);
    const bobPerson: Person = { user: bob, harness: h, context: context!, page };
    const roomId = await directRoom(synapse, alice, bobPerson);

    // Bob calls Alice, who declines; the moment it has ended, Bob switches to the dark theme.
    // (An outgoing call is history that only this device knows: nothing in the room can bring
    // it back, as the catch-up after a restart brings back calls missed meanwhile.)
    const callId = (await page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(alice.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await alice.page.evaluate(`window.__switchboard.account.calls.decline(${JSON.stringify(callId)})`);
    await expect.poll(() => currentCall(page), POLL).toMatchObject({ callId, endReason: 'remote-declined' });
    await page.getByRole('tab', { name: /Settings/ }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');

    // The app dies there and then.
    killWindow(install.profileDir);
    await context!.close().catch(() => undefined);
    await h.close();

    ({ page } = await startBob(install));
    await waitUntilReady(page);
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await page.getByRole('tab', { name: /Recent/ }).click();
    await expect
      .poll(() => page.getByTestId('history').getByRole('listitem').first().textContent(), POLL)
      .toMatch(/Alice.*Declined by them/);
  }, 120_000);
});
