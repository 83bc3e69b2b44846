import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');
const POLL = { timeout: 25_000, interval: 100 };

const calls = (person: Person, expression: string) =>
  person.page.evaluate(`window.__switchboard.account.calls.${expression}`);
const engine = (person: Person, expression: string) =>
  person.page.evaluate(`window.__switchboard.account.session.engine.${expression}`);

async function place(from: Person, roomId: string, video = false): Promise<string> {
  return (await calls(from, `place(${JSON.stringify(roomId)}, ${video})`)) as string;
}

async function ringingAt(person: Person, callId: string) {
  await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'ringing' });
}

async function connected(people: Person[], callId: string) {
  for (const person of people)
    await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
}

async function endedWith(person: Person, callId: string, endReason: string) {
  await expect
    .poll(
      () =>
        engine(
          person,
          `calls().filter((c) => c.callId === ${JSON.stringify(callId)}).map((c) => c.endReason)[0] ?? null`,
        ),
      POLL,
    )
    .toBe(endReason);
}

async function mediaBothWays(a: Person, b: Person, callId: string, kinds: ('audio' | 'video')[] = ['audio']) {
  for (const person of [a, b]) {
    for (const kind of kinds)
      await expect.poll(async () => (await inbound(person.page, callId))[kind], POLL).toBeGreaterThan(0);
  }
}

describe('Switchboard to Switchboard through Synapse, in an encrypted direct room', () => {
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

  it('A calls B with video, B answers: audio and video both ways; A hangs up', async () => {
    const callId = await place(alice, roomId, true);
    await ringingAt(bob, callId);
    await calls(bob, `answer(${JSON.stringify(callId)}, true)`);
    await connected([alice, bob], callId);
    await mediaBothWays(alice, bob, callId, ['audio', 'video']);
    await calls(alice, `hangUp(${JSON.stringify(callId)})`);
    await endedWith(bob, callId, 'remote-hangup');
    await endedWith(alice, callId, 'local-hangup');
  });

  it('B hangs up', async () => {
    const callId = await place(alice, roomId);
    await ringingAt(bob, callId);
    await calls(bob, `answer(${JSON.stringify(callId)}, false)`);
    await connected([alice, bob], callId);
    await calls(bob, `hangUp(${JSON.stringify(callId)})`);
    await endedWith(alice, callId, 'remote-hangup');
  });

  it('B declines', async () => {
    const callId = await place(alice, roomId);
    await ringingAt(bob, callId);
    await calls(bob, `decline(${JSON.stringify(callId)})`);
    await endedWith(alice, callId, 'remote-declined');
    await endedWith(bob, callId, 'declined');
  });

  it('A cancels before B answers: B records a missed call', async () => {
    const callId = await place(alice, roomId);
    await ringingAt(bob, callId);
    await calls(alice, `hangUp(${JSON.stringify(callId)})`);
    await endedWith(bob, callId, 'missed');
  });

  it('nobody answers: A hangs up with invite_timeout, B records a missed call', async () => {
    await engine(alice, 'setInviteLifetime(10000)');
    const callId = await place(alice, roomId);
    await ringingAt(bob, callId);
    await endedWith(alice, callId, 'no-answer');
    await endedWith(bob, callId, 'missed');
    await engine(alice, 'setInviteLifetime(90000)');
  }, 40_000);

  it('hold and resume, then the camera switched on mid-call', async () => {
    const callId = await place(alice, roomId);
    await ringingAt(bob, callId);
    await calls(bob, `answer(${JSON.stringify(callId)}, false)`);
    await connected([alice, bob], callId);
    await engine(alice, `setHold(${JSON.stringify(callId)}, true)`);
    await expect.poll(() => engine(bob, `activeCalls()[0]?.remoteHold`), POLL).toBe(true);
    await engine(alice, `setHold(${JSON.stringify(callId)}, false)`);
    await expect.poll(() => engine(bob, `activeCalls()[0]?.remoteHold`), POLL).toBe(false);

    expect(await engine(alice, `setCamera(${JSON.stringify(callId)}, true)`)).toBe(true);
    await expect.poll(async () => (await inbound(bob.page, callId)).video, POLL).toBeGreaterThan(0);
    await calls(alice, `hangUp(${JSON.stringify(callId)})`);
    await endedWith(bob, callId, 'remote-hangup');
  });

  it('screen sharing mid-call reaches the peer as a second video stream', async () => {
    const callId = await place(alice, roomId, true);
    await ringingAt(bob, callId);
    await calls(bob, `answer(${JSON.stringify(callId)}, true)`);
    await connected([alice, bob], callId);
    // Chromium's fake-UI flag grants the screen picker; the shared surface is the headless screen.
    expect(await engine(alice, `setScreenSharing(${JSON.stringify(callId)}, true)`)).toBe('sharing');
    await expect.poll(() => engine(bob, `activeCalls()[0]?.remoteScreenSharing`), POLL).toBe(true);
    await expect
      .poll(() => engine(bob, `activeCalls()[0]?.remoteStreams.map((s) => s.purpose).sort().join()`), POLL)
      .toBe('m.screenshare,m.usermedia');
    await calls(alice, `hangUp(${JSON.stringify(callId)})`);
    await endedWith(bob, callId, 'remote-hangup');
  });

  it('glare, 30 randomised trials: exactly one connected call each time, media both ways', async () => {
    for (let trial = 0; trial < 30; trial++) {
      const gap = Math.floor(Math.random() * 1000);
      const [first, second] = trial % 2 === 0 ? [alice, bob] : [bob, alice];
      void place(first, roomId);
      await new Promise((resolve) => setTimeout(resolve, gap));
      void place(second, roomId);
      await expect
        .poll(async () => {
          const [a, b] = await Promise.all([currentCall(alice.page), currentCall(bob.page)]);
          return a?.state === 'connected' && b?.state === 'connected' && a.callId === b.callId;
        }, POLL)
        .toBe(true);
      const active = (await engine(alice, 'activeCalls().map((c) => c.callId)')) as string[];
      expect(active, `trial ${trial}, gap ${gap} ms`).toHaveLength(1);
      expect(await engine(bob, 'activeCalls().length')).toBe(1);
      const callId = active[0]!;
      await mediaBothWays(alice, bob, callId);
      await calls(alice, `hangUp(${JSON.stringify(callId)})`);
      await endedWith(bob, callId, 'remote-hangup');
      await expect.poll(() => engine(alice, 'activeCalls().length'), POLL).toBe(0);
    }
  }, 300_000);
});

describe('several devices and busy', () => {
  let browser: Browser;
  let alice: Person;
  let bobDesk: Person;
  let bobLaptop: Person;
  let carol: Person;
  let roomId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const rendererDir = inject('rendererDir');
    alice = await signedInPerson(browser, synapse, rendererDir, 'Alice');
    bobDesk = await signedInPerson(browser, synapse, rendererDir, 'Bob');
    bobLaptop = await signedInPerson(browser, synapse, rendererDir, 'Bob', bobDesk.user);
    carol = await signedInPerson(browser, synapse, rendererDir, 'Carol');
    roomId = await directRoom(synapse, alice, bobDesk);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [alice, bobDesk, bobLaptop, carol]) await person?.harness.close();
  });

  it('B signed in on two devices: both ring, one answers, the other stops as answered elsewhere', async () => {
    await expect
      .poll(() => bobLaptop.page.evaluate(`window.__switchboard.account.contacts.length`), POLL)
      .toBeGreaterThan(0);
    const callId = await place(alice, roomId);
    await ringingAt(bobDesk, callId);
    await ringingAt(bobLaptop, callId);
    await calls(bobLaptop, `answer(${JSON.stringify(callId)}, false)`);
    await connected([alice, bobLaptop], callId);
    await endedWith(bobDesk, callId, 'answered-elsewhere');
    await mediaBothWays(alice, bobLaptop, callId);
    expect(await engine(bobDesk, `eventsSent(${JSON.stringify(callId)})`)).toBe(0);
  });

  it('C calls B while B is in a call: C hears busy', async () => {
    const carolRoom = await directRoom(synapse, carol, bobDesk);
    const callId = await place(carol, carolRoom);
    await endedWith(carol, callId, 'busy');
    expect(await currentCall(bobLaptop.page)).toMatchObject({ state: 'connected' });
  });
});
