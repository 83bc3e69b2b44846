/**
 * The real app in real Electron (npm run test:electron, where the binary is installed):
 * the built app with a throw-away profile, signed in to a local Synapse through its own
 * window, called by a harness peer (main's core in Node, the window in Chromium), rung
 * through the platform's notifications, answered, media proven with getStats, a screen
 * shared through the display-media handler and the window's picker, hidden to the tray
 * and rung there, signed out, quit.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { electronBinary } from '../../scripts/electronBinary.js';
import { chromiumArgs, chromiumExecutablePath } from '../support/chromium.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';
import { signInThroughWindow, waitUntilReady } from '../e2e/support/pages.js';
import { currentCall, inbound, signedInPerson, type Person } from '../e2e/support/people.js';
import { startLinuxNotifications, type LinuxNotifications } from './linuxNotifications.js';

const root = path.resolve(import.meta.dirname, '../..');
const synapse = inject('synapse');
const POLL = { timeout: 30_000, interval: 200 };
const profile = `electron-test-${randomUUID().slice(0, 8)}`;

const calls = (page: Page, expression: string) => page.evaluate(`window.__switchboard.account.calls.${expression}`);

/** The peer's direct room with this person, joined with the token their registration gave. */
async function directRoomFromPeer(peer: Person, person: RegisteredUser): Promise<string> {
  const roomId = (await peer.page.evaluate(
    `window.__switchboard.account.session.directRoomWith(${JSON.stringify(person.userId)})`,
  )) as string;
  await matrixRequest(
    synapse.baseUrl,
    person.accessToken,
    'POST',
    `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
    {},
  );
  const joined = `window.__switchboard.account.contacts.some((c) => c.roomId === ${JSON.stringify(roomId)} && !c.pending)`;
  await expect.poll(() => peer.page.evaluate(joined), POLL).toBe(true);
  return roomId;
}

describe('Switchboard in real Electron', () => {
  let app: ElectronApplication;
  let window: Page;
  let browser: Browser;
  let peer: Person;
  let me: RegisteredUser;
  let roomId: string;
  let notifications: LinuxNotifications | null = null;

  beforeAll(async () => {
    const binary = electronBinary();
    if (!binary.ok) throw new Error(binary.message);
    if (process.platform === 'linux') notifications = await startLinuxNotifications();
    me = await registerUser(synapse, `me-${profile}`, 'me-password', { displayName: 'Me' });
    app = await _electron.launch({
      executablePath: binary.path,
      args: [root, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, SWITCHBOARD_PROFILE: profile },
      cwd: root,
    });
    window = await app.firstWindow();
    window.on('pageerror', (error) => console.error(`[electron window] ${error.message}`));

    browser = await chromium.launch({
      executablePath: chromiumExecutablePath,
      args: [...chromiumArgs],
      headless: true,
    });
    peer = await signedInPerson(browser, synapse, inject('rendererDir'), 'Peer');
  }, 180_000);

  afterAll(async () => {
    notifications?.stop();
    await app?.close().catch(() => undefined);
    await peer?.harness.close();
    await browser?.close();
    const userData = await app?.evaluate(({ app: electronApp }) => electronApp.getPath('userData')).catch(() => null);
    if (typeof userData === 'string') await rm(userData, { recursive: true, force: true });
  });

  it('starts on its sign-in screen, with no application menu outside macOS', async () => {
    await window.getByLabel('Matrix ID').waitFor();
    const menu = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label) ?? null);
    if (process.platform === 'darwin') expect(menu).toEqual(['Switchboard', 'Edit', 'Window']);
    else expect(menu).toBeNull();
  });

  it('signs in through its window, the session kept in the system keychain', async () => {
    await signInThroughWindow(window, me.userId, me.password, synapse.baseUrl);
    await waitUntilReady(window);
    // A wrong-password refusal and a keychain refusal are told apart across contextBridge.
    const refusal = await window.evaluate(() =>
      (window as unknown as { switchboard: { request(c: string, p: unknown): Promise<unknown> } }).switchboard.request(
        'account.signIn',
        { matrixId: 'x', password: '' },
      ),
    );
    expect(refusal).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('rings for a call from the harness peer, through the platform’s notification, and answers it', async () => {
    roomId = await directRoomFromPeer(peer, me);
    const callId = (await calls(peer.page, `place(${JSON.stringify(roomId)}, false)`)) as string;
    await expect.poll(() => currentCall(window), POLL).toMatchObject({ callId, state: 'ringing' });

    if (notifications !== null) {
      await expect
        .poll(
          async () => (await notifications!.shown()).filter((n) => n.event === 'notify').map((n) => n.summary),
          POLL,
        )
        .toContain('Peer is calling');
      const shown = (await notifications.shown()).find((n) => n.summary === 'Peer is calling')!;
      expect(shown.urgency).toBe(2);
      notifications.click(shown.id);
      await expect
        .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible()), POLL)
        .toBe(true);
    }
    await window
      .getByRole('button', { name: /^Answer/ })
      .first()
      .click();
    for (const page of [window, peer.page]) {
      await expect.poll(() => currentCall(page), POLL).toMatchObject({ callId, state: 'connected' });
      await expect.poll(async () => (await inbound(page, callId)).audio, POLL).toBeGreaterThan(0);
    }
  });

  it('shares a screen through the display-media handler and the window’s picker', async () => {
    if (process.platform === 'darwin') {
      // macOS 15+ shows the system's own picker, which a test cannot drive; the handler is
      // there (useSystemPicker) and the window's picker is proven on Linux and Windows.
      return;
    }
    await window.getByRole('button', { name: 'Share screen' }).click();
    const picker = window.getByRole('dialog', { name: 'Share your screen' });
    await picker.waitFor({ timeout: 15_000 });
    await picker.locator('.source').first().click();
    await expect
      .poll(
        () => peer.page.evaluate('window.__switchboard.account.session.engine.activeCalls()[0]?.remoteScreenSharing'),
        POLL,
      )
      .toBe(true);
  });

  it('hidden in the tray, the window keeps running: timers keep time and a new call rings', async () => {
    await calls(window, `hangUp(${JSON.stringify((await currentCall(window))!.callId)})`);
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.hide());
    // backgroundThrottling: false must hold for a hidden window (Electron issue 31016 on Windows).
    const ticks = (await window.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let count = 0;
          const timer = setInterval(() => count++, 100);
          setTimeout(() => {
            clearInterval(timer);
            resolve(count);
          }, 3_000);
        }),
    )) as number;
    expect(ticks).toBeGreaterThanOrEqual(20);

    const callId = (await calls(peer.page, `place(${JSON.stringify(roomId)}, false)`)) as string;
    await expect.poll(() => currentCall(window), POLL).toMatchObject({ callId, state: 'ringing' });
    await expect
      .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible()), POLL)
      .toBe(true);
    await calls(window, `decline(${JSON.stringify(callId)})`);
  });

  it('signs out (the keychain entry gone) and quits', async () => {
    await window.getByRole('button', { name: 'Settings' }).click();
    await window.getByRole('button', { name: 'Sign out' }).click();
    await window.getByLabel('Matrix ID').waitFor({ timeout: 20_000 });
    const exited = new Promise<void>((resolve) => app.process().once('exit', () => resolve()));
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await exited;
  });
});
