import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');
const POLL = { timeout: 25_000, interval: 100 };

/** The candidate types of the pair the call's peer connection selected. */
function selectedPair(person: Person, callId: string): Promise<{ local: string; remote: string } | null> {
  return person.page.evaluate(`(async () => {
    const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
    if (!pc) return null;
    const stats = [];
    (await pc.getStats()).forEach((s) => stats.push(s));
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    if (!pair) return null;
    const type = (id) => stats.find((s) => s.id === id)?.candidateType;
    return { local: type(pair.localCandidateId), remote: type(pair.remoteCandidateId) };
  })()`);
}

describe('calls through a TURN relay (coturn on 127.0.0.1, credentials from Synapse)', () => {
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

  it('a relay-only call connects and carries media over relay candidates', async () => {
    const turn = inject('turn');
    expect(turn).not.toBeNull();
    for (const person of [alice, bob]) {
      const servers = (await person.page.evaluate(`window.__switchboard.account.session.turn.ready()`)) as {
        urls: string[];
      }[];
      expect(servers[0]?.urls).toEqual(turn!.uris);
      await person.page.evaluate(`window.__switchboard.account.session.engine.setRelayOnly(true)`);
    }
    const callId = (await alice.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(bob.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await bob.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    for (const person of [alice, bob]) {
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
      await expect.poll(async () => (await inbound(person.page, callId)).audio, POLL).toBeGreaterThan(0);
      expect(await selectedPair(person, callId)).toEqual({ local: 'relay', remote: 'relay' });
    }
    await alice.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
  });

  it('refreshes the TURN credentials before they expire', async () => {
    const lifetime = inject('turn')!.lifetimeSeconds;
    const first = (await alice.page.evaluate(`window.__switchboard.account.session.turn.expiresAt()`)) as number;
    // Refreshed a minute before expiry: for a 70 s lifetime, after about 10 s.
    await expect
      .poll(() => alice.page.evaluate(`window.__switchboard.account.session.turn.expiresAt()`), {
        timeout: (lifetime - 50) * 1000,
        interval: 500,
      })
      .toBeGreaterThan(first);
    const now = Date.now();
    const next = (await alice.page.evaluate(`window.__switchboard.account.session.turn.expiresAt()`)) as number;
    expect(next - now).toBeGreaterThan(50_000);
  }, 40_000);
});
