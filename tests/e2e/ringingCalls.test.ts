/**
 * The desktop shell with the real call engine through Synapse: the callee's window is
 * hidden in the tray (the harness's window starts hidden), an invite arrives, and main
 * presents it through the recording notifier and tray.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');
const POLL = { timeout: 25_000, interval: 100 };

describe('ringing with the window hidden: notification, answer from it, missed calls, do not disturb', () => {
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let roomId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    alice = await signedInPerson(browser, synapse, inject('rendererDir'), 'Alice Liddell');
    // Bob's desktop is a Mac: notifications carry Answer and Decline buttons.
    bob = await signedInPerson(browser, synapse, inject('rendererDir'), 'Bob', undefined, {
      identity: { name: 'Switchboard', version: 'e2e', platform: 'darwin' },
    });
    roomId = await directRoom(synapse, alice, bob);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [alice, bob]) await person?.harness.close();
  });

  const place = (from: Person) =>
    from.page.evaluate(`window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`) as Promise<string>;

  it('an incoming call shows a notification with the caller’s name; its Answer button answers and media flows', async () => {
    const callId = await place(alice);
    await expect.poll(() => bob.harness.notifications.onScreen().length, POLL).toBe(1);
    const notification = bob.harness.notifications.onScreen()[0]!;
    expect(`${notification.options.title} ${notification.options.body ?? ''}`).toContain('Alice Liddell');
    expect(bob.harness.tray.image()).toContain('ringing');

    notification.press('Answer');
    await expect.poll(() => currentCall(bob.page), POLL).toMatchObject({ callId, state: 'connected' });
    await expect.poll(async () => (await inbound(bob.page, callId)).audio, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await inbound(alice.page, callId)).audio, POLL).toBeGreaterThan(0);
    expect(notification.closed).toBe(true);
    await expect.poll(() => bob.harness.power.running().length, POLL).toBeGreaterThan(0);

    await alice.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(() => bob.harness.power.running().length, POLL).toBe(0);
  });

  it('a caller who cancels closes the notification and leaves a missed call', async () => {
    // Answering brought Bob's window forward; he closes it to the tray again.
    bob.harness.window.set({ visible: false, focused: false });
    const callId = await place(alice);
    await expect.poll(() => bob.harness.notifications.onScreen().length, POLL).toBe(1);
    const ringing = bob.harness.notifications.onScreen()[0]!;
    expect(ringing.options.title).toContain('Alice Liddell');
    await alice.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(() => ringing.closed, POLL).toBe(true);
    await expect
      .poll(() => bob.harness.notifications.onScreen().map((n) => n.options.title), POLL)
      .toEqual(['Missed call from Alice Liddell']);
    bob.harness.notifications.onScreen()[0]?.dismiss();
  });

  it('do not disturb: no ringing notification, and a missed call afterwards', async () => {
    bob.harness.window.set({ visible: false, focused: false });
    await bob.page.evaluate(`window.switchboard.request('shell.settings.set', { doNotDisturb: true })`);
    const before = bob.harness.notifications.all.length;
    const callId = await place(alice);
    await expect.poll(() => currentCall(bob.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bob.harness.notifications.all.slice(before).filter((n) => n.shown)).toEqual([]);
    await alice.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect
      .poll(
        () =>
          bob.harness.notifications.all
            .slice(before)
            .filter((n) => n.shown)
            .map((n) => n.options.title),
        POLL,
      )
      .toEqual(['Missed call from Alice Liddell']);
    await bob.page.evaluate(`window.switchboard.request('shell.settings.set', { doNotDisturb: false })`);
  });
});
