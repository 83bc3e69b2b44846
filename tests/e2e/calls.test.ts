import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');

describe('Switchboard to Switchboard through Synapse (encrypted direct room)', () => {
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let roomId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    alice = await signedInPerson(browser, synapse, inject('rendererDir'), 'Alice');
    bob = await signedInPerson(browser, synapse, inject('rendererDir'), 'Bob');
    roomId = await directRoom(synapse, alice, bob);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [alice, bob]) await person?.harness.close();
  });

  it('A calls B, B answers, media flows both ways, A hangs up', async () => {
    const callId = (await alice.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(bob.page), { timeout: 20_000 }).toMatchObject({ callId, state: 'ringing' });
    await bob.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    await expect.poll(() => currentCall(alice.page), { timeout: 20_000 }).toMatchObject({ state: 'connected' });
    await expect.poll(async () => (await inbound(alice.page, callId)).audio, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await inbound(bob.page, callId)).audio, { timeout: 20_000 }).toBeGreaterThan(0);
    await alice.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect
      .poll(() => currentCall(bob.page), { timeout: 20_000 })
      .toMatchObject({ state: 'ended', endReason: 'remote-hangup' });
  });
});
