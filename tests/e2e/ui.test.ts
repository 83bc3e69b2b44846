/**
 * The window, driven the way a person drives it: by clicking and typing. Two real
 * Switchboards (harness + Chromium page each) call each other through Synapse. Every
 * screen is photographed in light and dark into test-results/screens/, and axe-core
 * scans each one: no serious or critical violations.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { registerUser } from '../support/synapse.js';
import { startHarness } from './harness/harness.js';
import { signInThroughWindow, waitUntilReady } from './support/pages.js';
import { currentCall, directRoom, signedInPerson, startWithCallSystem, type Person } from './support/people.js';
import { shoot as shootScreen } from './support/screens.js';

const synapse = inject('synapse');
const screens = path.resolve(import.meta.dirname, '../../test-results/screens');
const WAIT = { timeout: 25_000 };
const POLL = { timeout: 25_000, interval: 100 };
/** The real window's size (main/index.ts). */
const WINDOW = { width: 420, height: 680 };

const scanned: string[] = [];

/** A screenshot of the window in light and in dark, each scanned by axe. */
async function shoot(page: Page, name: string): Promise<void> {
  scanned.push(...(await shootScreen(page, name)));
}

const button = (page: Page, name: string | RegExp) =>
  page.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });

const status = (page: Page) => page.getByTestId('call-status');

/** Presses Tab until the control with this accessible name has focus (keyboard only). */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let presses = 0; presses < 25; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      `document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''`,
    );
    if (focused === label) return;
  }
  throw new Error(`Tab never reached ${label}`);
}

/** Leaves the ended screen: by its Close button, unless its few seconds are already up. */
async function backHome(page: Page): Promise<void> {
  await button(page, 'Close')
    .click({ timeout: 2_000 })
    .catch(() => undefined);
  await page.getByRole('tab', { name: /Contacts/ }).waitFor({ timeout: 10_000 });
}

describe('the window, by clicking: two Switchboards through Synapse', () => {
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await mkdir(screens, { recursive: true });
    browser = await launchChromium();
    const rendererDir = inject('rendererDir');
    // Alice starts signed out, so the sign-in screen can be photographed.
    const user = await registerUser(synapse, `alice-${Date.now().toString(36)}`, 'Alice-password', {
      displayName: 'Alice',
    });
    // What desktopCapturer would list in Electron: the two windows, photographed when asked.
    const windowSource = (id: string, name: string, page: () => Page) => ({
      id,
      name,
      jpeg: page().screenshot({ type: 'jpeg', quality: 40 }),
    });
    const harness = await startHarness({
      rendererDir,
      captureSources: async () => {
        const sources = [
          windowSource('screen:0:0', 'Entire Screen', () => bob.page),
          windowSource('window:11:0', 'Switchboard — Alice', () => alice.page),
          windowSource('window:12:0', 'Switchboard — Bob', () => bob.page),
        ];
        return Promise.all(
          sources.map(async (source) => {
            const jpeg = await source.jpeg;
            return { id: source.id, name: source.name, thumbnailJpeg: () => jpeg };
          }),
        );
      },
    });
    const context = await browser.newContext({ viewport: WINDOW });
    await startWithCallSystem(context, 'legacy');
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[Alice page] ${error.message}`));
    await page.goto(harness.url);
    await page.getByRole('heading', { name: 'Sign in to receive calls' }).waitFor();
    await shoot(page, '01-sign-in');
    await signInThroughWindow(page, user.userId, user.password, synapse.baseUrl);
    await waitUntilReady(page);
    alice = { user, harness, context, page };
    bob = await signedInPerson(browser, synapse, rendererDir, 'Bob');
    await bob.page.setViewportSize(WINDOW);
    for (const person of [alice, bob])
      person.page.on('console', (message) => {
        if (process.env.UI_DEBUG && /\[calls\]|error|refused/i.test(message.text()))
          console.log(`[${person === alice ? 'alice' : 'bob'}]`, message.text().slice(0, 240));
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
      });
    await directRoom(synapse, alice, bob);
    await button(alice.page, 'Voice call Bob').waitFor(WAIT);
    await button(bob.page, 'Voice call Alice').waitFor(WAIT);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [alice, bob]) await person?.harness.close();
  });

  it('home: contacts, the dial field and the connection', async () => {
    expect(await alice.page.getByTestId('contacts').getByRole('listitem').count()).toBe(1);
    expect(await alice.page.getByRole('status').filter({ hasText: 'Ready for calls' }).count()).toBe(1);
    await shoot(alice.page, '02-home');
    // The call button's menu chooses the call system for one call; Escape closes it, focus returns.
    await button(alice.page, 'More ways to call Bob').click();
    await alice.page.getByRole('menuitem', { name: 'Voice call with Element Call' }).waitFor(WAIT);
    expect(await alice.page.evaluate('document.activeElement?.textContent')).toBe('Voice call with Element Call');
    await alice.page.keyboard.press('ArrowDown');
    expect(await alice.page.evaluate('document.activeElement?.textContent')).toBe('Video call with Element Call');
    await shoot(alice.page, '24-call-menu');
    await alice.page.keyboard.press('Escape');
    expect(await alice.page.getByRole('menu').count()).toBe(0);
    expect(await alice.page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(
      'More ways to call Bob',
    );
  });

  it('a voice call, placed and answered by clicking; every in-call control', async () => {
    await button(alice.page, 'Voice call Bob').click();
    await expect.poll(() => status(alice.page).textContent(), POLL).toBe('Ringing…');
    await bob.page.getByTestId('incoming-call').waitFor(WAIT);
    expect(await bob.page.getByText('Incoming voice call', { exact: true }).count()).toBe(1);
    expect(await button(bob.page, 'Answer with video').count()).toBe(0);
    await shoot(alice.page, '03-outgoing');
    await shoot(bob.page, '04-incoming');

    await button(bob.page, 'Answer').click();
    for (const person of [alice, bob])
      await expect.poll(async () => (await currentCall(person.page))?.state, POLL).toBe('connected');
    await expect.poll(() => status(alice.page).textContent(), POLL).toMatch(/^\d+:\d\d$/);
    // Each side plays the other's sound through its hidden audio element.
    for (const person of [alice, bob])
      await expect
        .poll(
          () => person.page.evaluate(`document.querySelector('audio.remote-audio')?.srcObject?.active ?? false`),
          POLL,
        )
        .toBe(true);
    await shoot(alice.page, '05-in-call-voice');

    // Mute and unmute.
    await button(alice.page, 'Mute').click();
    await expect.poll(() => button(alice.page, 'Mute').getAttribute('aria-pressed'), POLL).toBe('true');
    expect(await alice.page.evaluate('window.__switchboard.account.calls.current.muted')).toBe(true);
    await button(alice.page, 'Mute').click();
    await expect.poll(() => button(alice.page, 'Mute').getAttribute('aria-pressed'), POLL).toBe('false');

    // Hold: both sides say so plainly; then resume.
    await button(alice.page, 'Hold').click();
    await expect.poll(() => alice.page.getByTestId('call-banner').textContent(), POLL).toContain('On hold');
    await expect
      .poll(() => bob.page.getByTestId('call-banner').textContent(), POLL)
      .toBe('Alice put the call on hold.');
    await shoot(alice.page, '06-on-hold');
    await shoot(bob.page, '07-on-hold-by-them');
    await button(alice.page, 'Resume').click();
    await expect.poll(() => bob.page.getByTestId('call-banner').count(), POLL).toBe(0);

    // DTMF from the keypad, by click and by typing.
    await button(alice.page, 'Keypad').click();
    const keypad = alice.page.getByRole('group', { name: 'Keypad' });
    await keypad.getByRole('button', { name: '1', exact: true }).click();
    await keypad.getByRole('button', { name: '#', exact: true }).click();
    await alice.page.keyboard.press('5');
    await expect.poll(() => alice.page.getByLabel('Tones sent').textContent(), POLL).toBe('1#5');
    expect(await alice.page.getByTestId('notice').count()).toBe(0);
    await shoot(alice.page, '08-keypad');
    await alice.page.keyboard.press('Escape');
    expect(await keypad.count()).toBe(0);

    // Devices: the pickers list the fake devices; switching the microphone keeps the call.
    await button(alice.page, 'Devices').click();
    const microphone = alice.page.getByRole('combobox', { name: 'Microphone' });
    await expect.poll(() => microphone.locator('option').count(), POLL).toBeGreaterThan(1);
    const micId = await microphone.locator('option').nth(1).getAttribute('value');
    await microphone.selectOption(micId ?? '');
    await shoot(alice.page, '09-devices');
    await button(alice.page, 'Devices').click();
    expect(await alice.page.getByTestId('notice').count()).toBe(0);
    expect((await currentCall(alice.page))?.state).toBe('connected');

    // Camera on mid-call: Bob sees Alice's video large, Alice sees herself small.
    await button(alice.page, 'Camera').click();
    await alice.page.getByTestId('local-video').waitFor(WAIT);
    await bob.page.getByTestId('remote-video').waitFor(WAIT);
    await expect
      .poll(() => bob.page.evaluate(`document.querySelector('[data-testid=remote-video]').videoWidth`), POLL)
      .toBeGreaterThan(0);
    await shoot(bob.page, '10-in-call-video-theirs');
    await button(alice.page, 'Camera').click();
    await expect.poll(() => alice.page.getByTestId('local-video').count(), POLL).toBe(0);

    // Screen sharing: headless Chromium may refuse getDisplayMedia; then the window says so.
    await button(alice.page, 'Share screen').click();
    await expect
      .poll(
        async () =>
          (await button(alice.page, 'Share screen').getAttribute('aria-pressed')) === 'true' ||
          (await alice.page.getByTestId('notice').count()) > 0,
        POLL,
      )
      .toBe(true);
    if ((await button(alice.page, 'Share screen').getAttribute('aria-pressed')) === 'true') {
      await bob.page.getByTestId('remote-video').waitFor(WAIT);
      await shoot(alice.page, '11-sharing-screen');
      await button(alice.page, 'Share screen').click();
    } else {
      expect(await alice.page.getByTestId('notice').textContent()).toMatch(/share the screen|Screen sharing/);
      await shoot(alice.page, '11-screen-share-refused');
      await button(alice.page, 'Dismiss').click();
    }

    // Electron's display-media handler asks the window which screen to share: its picker.
    const chosen = new Promise((resolve) =>
      alice.harness.core.screenShare.handle(
        { frame: { url: alice.harness.url, parent: null }, videoRequested: true, audioRequested: false },
        resolve,
      ),
    );
    const picker = alice.page.getByRole('dialog', { name: 'Share your screen' });
    await picker.waitFor(WAIT);
    await expect.poll(() => picker.locator('img').count(), POLL).toBe(3);
    await shoot(alice.page, '21-screen-picker');
    await alice.page.keyboard.press('ArrowRight');
    await alice.page.keyboard.press('Enter');
    expect(await chosen).toEqual({ video: { id: 'window:11:0', name: 'Switchboard — Alice' } });
    await expect.poll(() => picker.count(), POLL).toBe(0);

    // Mute by shortcut, shown in the tooltip.
    expect(await button(alice.page, 'Mute').getAttribute('title')).toBe('Mute (Ctrl+Shift+M)');
    await alice.page.keyboard.press('Control+Shift+M');
    await expect.poll(() => button(alice.page, 'Mute').getAttribute('aria-pressed'), POLL).toBe('true');

    // Hang up: both see how it ended.
    await button(alice.page, 'Hang up').click();
    await expect.poll(() => alice.page.getByTestId('call-ending').textContent(), POLL).toMatch(/^Call ended \d+:\d\d$/);
    await expect.poll(() => bob.page.getByTestId('call-ending').textContent(), POLL).toMatch(/^Call ended \d+:\d\d$/);
    await shoot(alice.page, '12-ended');
  }, 180_000);

  it('history: the call is there, and calling back from it works', async () => {
    // The ended screen goes by itself after a few seconds.
    await alice.page.getByRole('tab', { name: /Recent/ }).waitFor({ timeout: 10_000 });
    await backHome(bob.page);
    await alice.page.getByRole('tab', { name: /Recent/ }).click();
    const entry = alice.page.getByTestId('history').getByRole('listitem').first();
    await expect.poll(() => entry.textContent(), POLL).toMatch(/Bob.*Outgoing · \d+:\d\d/);
    await bob.page.getByRole('tab', { name: /Recent/ }).click();
    await expect
      .poll(() => bob.page.getByTestId('history').getByRole('listitem').first().textContent(), POLL)
      .toMatch(/Alice.*Incoming · \d+:\d\d/);
    await bob.page.getByRole('tab', { name: /Contacts/ }).click();

    // A missed call: Alice cancels before Bob answers; Bob's Recent tab shows it until seen.
    await alice.page.getByRole('tab', { name: /Contacts/ }).click();
    await button(alice.page, 'Voice call Bob').click();
    await bob.page.getByTestId('incoming-call').waitFor(WAIT);
    await expect.poll(() => status(alice.page).textContent(), POLL).toBe('Ringing…');
    await alice.page.keyboard.press('Control+Shift+H');
    await expect.poll(() => bob.page.getByTestId('call-ending').textContent(), POLL).toBe('Missed call');
    await backHome(bob.page);
    await backHome(alice.page);
    const recent = bob.page.getByRole('tab', { name: /Recent/ });
    await expect.poll(() => recent.textContent(), POLL).toContain('1 missed');
    await shoot(bob.page, '13-home-missed-badge');
    await recent.click();
    await expect.poll(() => recent.textContent(), POLL).not.toContain('missed');
    await shoot(bob.page, '14-history');

    // Bob calls back from the entry; Alice declines by shortcut.
    await button(bob.page, 'Call Alice back').first().click();
    await alice.page.getByTestId('incoming-call').waitFor(WAIT);
    await alice.page.keyboard.press('Control+Shift+D');
    await expect.poll(() => bob.page.getByTestId('call-ending').textContent(), POLL).toBe('Declined by Alice');
    await backHome(bob.page);
    await backHome(alice.page);
  }, 120_000);

  // Retried: this one, placed after the rest of the e2e lane, has seen Alice's window miss the
  // invite within 25 s about one CI run in three (the harness-window stall of docs/interop.md's
  // known flake); alone it has not failed. Each attempt starts with no call on either side.
  it(
    'a video call, placed from the keyboard: answered with video by shortcut, hung up by shortcut',
    { retry: 2, timeout: 120_000 },
    async () => {
      for (const person of [alice, bob]) {
        await person.page.evaluate(`(async () => {
        const engine = window.__switchboard.account.session.engine;
        for (const call of engine.activeCalls()) await engine.hangUp(call.callId);
      })()`);
        await backHome(person.page).catch(() => undefined);
      }
      await bob.page.getByRole('tab', { name: /Contacts/ }).click();
      await tabTo(bob.page, 'Video call Alice');
      await shoot(bob.page, '20-keyboard-focus');
      // Still there after the photographs and the accessibility scans.
      expect(await bob.page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Video call Alice');
      await bob.page.keyboard.press('Enter');
      await alice.page.getByTestId('incoming-call').waitFor(WAIT);
      expect(await alice.page.getByText('Incoming video call', { exact: true }).count()).toBe(1);
      await shoot(alice.page, '15-incoming-video');
      await alice.page.keyboard.press('Control+Shift+V');
      for (const person of [alice, bob]) {
        await person.page.getByTestId('remote-video').waitFor(WAIT);
        await person.page.getByTestId('local-video').waitFor(WAIT);
        await expect
          .poll(() => person.page.evaluate(`document.querySelector('[data-testid=remote-video]').videoWidth`), POLL)
          .toBeGreaterThan(0);
      }
      await expect.poll(() => status(alice.page).textContent(), POLL).toMatch(/^\d+:\d\d$/);
      await shoot(alice.page, '16-in-call-video');
      await alice.page.keyboard.press('Control+Shift+H');
      await expect.poll(() => bob.page.getByTestId('call-ending').textContent(), POLL).toMatch(/^Call ended/);
      await backHome(alice.page);
      await backHome(bob.page);
    },
  );

  it('settings: live microphone level, camera preview, theme, account; then sign out', async () => {
    const page = alice.page;
    await page.getByRole('tab', { name: /Settings/ }).click();
    await expect
      .poll(
        async () => Number(await page.getByRole('meter', { name: 'Input level' }).getAttribute('aria-valuenow')),
        POLL,
      )
      .toBeGreaterThan(0);
    expect(await page.getByTestId('account-user-id').textContent()).toBe(alice.user.userId);
    await shoot(page, '17-settings');
    await page.getByRole('group', { name: 'Place calls with' }).scrollIntoViewIfNeeded();
    expect(await page.getByRole('radio', { name: /Matrix VoIP/ }).isChecked()).toBe(true);
    await shoot(page, '25-settings-calls');
    await button(page, 'Preview camera').click();
    await page.getByTestId('camera-preview').waitFor(WAIT);
    await expect
      .poll(() => page.evaluate(`document.querySelector('[data-testid=camera-preview]').videoWidth`), POLL)
      .toBeGreaterThan(0);
    await shoot(page, '18-settings-camera');
    await page.getByTestId('account-user-id').scrollIntoViewIfNeeded();
    await shoot(page, '19-settings-account');

    // The theme choice overrides the system's.
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate(`getComputedStyle(document.documentElement).backgroundColor`)).toBe('rgb(21, 23, 26)');
    await page.getByRole('radio', { name: 'Same as system' }).check();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBeUndefined();

    await button(page, 'Sign out…').click();
    await button(page, 'Sign out').click();
    await page.getByRole('heading', { name: 'Sign in to receive calls' }).waitFor(WAIT);
  }, 120_000);

  it('keeps to the CSP and scanned every screen', () => {
    expect(cspViolations).toEqual([]);
    expect(scanned.length).toBeGreaterThanOrEqual(30);
  });
});
