/**
 * MatrixRTC ringing beyond one device and one call: two Switchboard devices of one person
 * ring and one answers; do not disturb; an Element Call ring and a legacy call ringing at
 * once; and a Switchboard that dies mid-call leaving the session for the other person
 * through its delayed leave.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../peers/peers.globalSetup.js';
import { openRtcPeer, type RtcPeerPage } from '../peers/rtcPeerDriver.js';
import { servePeers, type PeerServer } from '../peers/servePeers.js';
import { launchChromium } from '../support/browser.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';
import { DELAYED_LEAVE_MS } from '../../renderer/call/rtc/rtcTimings.js';
import { currentCall, directRoom, signedInPerson, type Person } from './support/people.js';
import { directChatJoinedBy, freshDevice, rtcCalls, switchboardInbound } from './support/rtcCalls.js';

const synapse = inject('synapse');
const matrixRtc = inject('matrixRtc');
const POLL = { timeout: 30_000, interval: 100 };
const mac = { identity: { name: 'Switchboard', version: 'e2e', platform: 'darwin' } };

describe('MatrixRTC ringing: two devices, do not disturb, both systems at once, a device that dies', () => {
  let browser: Browser;
  let server: PeerServer;
  let desk: Person; // Rita's first device
  let laptop: Person; // Rita's second device
  let alice: Person; // a legacy caller (another Switchboard)
  let caller: RegisteredUser;
  let peer: RtcPeerPage | null = null;
  let roomId: string;
  let legacyRoom: string;

  beforeAll(async () => {
    if (matrixRtc === null) throw new Error('the e2e lane runs LiveKit and its token service (synapseGlobalSetup)');
    server = await servePeers(inject('peersDir') as string);
    browser = await launchChromium();
    const sfu = { sfuConnectSrc: [matrixRtc.livekit.url] };
    caller = await registerUser(synapse, `ec-${randomUUID().slice(0, 6)}`, 'ec-password', {
      displayName: 'Eve Caller',
    });
    desk = await signedInPerson(browser, synapse, inject('rendererDir'), 'Rita', undefined, { ...mac, ...sfu });
    laptop = await signedInPerson(browser, synapse, inject('rendererDir'), 'Rita', desk.user, { ...mac, ...sfu });
    alice = await signedInPerson(browser, synapse, inject('rendererDir'), 'Alice Liddell');
    roomId = await directChatJoinedBy(synapse, desk, caller);
    legacyRoom = await directRoom(synapse, alice, desk);
  }, 180_000);

  afterEach(async () => {
    await peer?.close();
    peer = null;
    for (const person of [desk, laptop]) {
      person.harness.window.set({ visible: false, focused: false });
      for (const notification of person.harness.notifications.onScreen()) notification.dismiss();
    }
  });

  afterAll(async () => {
    await browser?.close();
    for (const person of [desk, laptop, alice]) await person?.harness.close();
    await server?.close();
  });

  async function rings(video = false): Promise<RtcPeerPage> {
    const opened = await openRtcPeer(browser, server.rtcPeerUrl, 'Element Call peer');
    peer = opened;
    await opened.start(await freshDevice(synapse, caller));
    await opened.call(roomId, { video });
    return opened;
  }

  const ringingOn = async (person: Person) =>
    (await rtcCalls(person)).filter((call) => call.state === 'ringing').map((call) => call.callId);

  it('rings on both of my devices; answered on one, the other stops: answered on another device', async () => {
    const ec = await rings();
    await expect.poll(() => ringingOn(desk), POLL).toHaveLength(1);
    await expect.poll(() => ringingOn(laptop), POLL).toHaveLength(1);
    const [callId] = await ringingOn(desk);
    await expect.poll(() => laptop.harness.notifications.onScreen().length, POLL).toBe(1);
    const laptopRing = laptop.harness.notifications.onScreen()[0]!;

    desk.harness.notifications.onScreen()[0]!.press('Answer');
    await expect.poll(async () => (await currentCall(desk.page))?.state, POLL).toBe('connected');
    await expect
      .poll(async () => (await rtcCalls(laptop)).find((c) => c.callId === callId)?.endReason, POLL)
      .toBe('answered-elsewhere');
    await expect.poll(() => laptopRing.closed, POLL).toBe(true);
    // Nothing is left behind as missed on the laptop.
    expect(laptop.harness.notifications.onScreen().map((n) => n.options.title)).toEqual([]);
    await expect.poll(async () => (await ec.inbound()).audioEnergy, POLL).toBeGreaterThan(0);
    await desk.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
  });

  it('do not disturb: no ringing notification, a missed call once the caller gives up', async () => {
    await desk.page.evaluate(`window.switchboard.request('shell.settings.set', { doNotDisturb: true })`);
    await laptop.page.evaluate(`window.switchboard.request('shell.settings.set', { doNotDisturb: true })`);
    const before = desk.harness.notifications.all.length;
    const ec = await rings();
    await expect.poll(() => ringingOn(desk), POLL).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(desk.harness.notifications.all.slice(before).filter((n) => n.shown)).toEqual([]);
    await ec.hangup();
    await expect
      .poll(
        () =>
          desk.harness.notifications.all
            .slice(before)
            .filter((n) => n.shown)
            .map((n) => n.options.title),
        POLL,
      )
      .toEqual(['Missed call from Eve Caller']);
    for (const person of [desk, laptop]) {
      await person.page.evaluate(`window.switchboard.request('shell.settings.set', { doNotDisturb: false })`);
    }
  });

  it('an Element Call ring and a legacy call ringing at once: both shown, each handled on its own', async () => {
    await rings();
    await expect.poll(() => ringingOn(desk), POLL).toHaveLength(1);
    const legacyCallId = (await alice.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(legacyRoom)}, false)`,
    )) as string;
    await expect.poll(() => desk.harness.notifications.onScreen().length, POLL).toBe(2);
    const titles = desk.harness.notifications.onScreen().map((n) => n.options.title ?? '');
    expect(titles.some((t) => t.includes('Eve Caller'))).toBe(true);
    expect(titles.some((t) => t.includes('Alice Liddell'))).toBe(true);

    // The Element Call one is answered; the legacy one keeps ringing (call waiting) until declined.
    const rtcRing = desk.harness.notifications.onScreen().find((n) => (n.options.title ?? '').includes('Eve'))!;
    rtcRing.press('Answer');
    await expect.poll(async () => (await rtcCalls(desk)).some((c) => c.state === 'connected'), POLL).toBe(true);
    const [rtcCallId] = (await rtcCalls(desk)).filter((c) => c.state === 'connected').map((c) => c.callId);
    await expect.poll(async () => (await switchboardInbound(desk, rtcCallId!)).audioEnergy, POLL).toBeGreaterThan(0);
    const legacyRing = desk.harness.notifications.onScreen().find((n) => (n.options.title ?? '').includes('Alice'));
    expect(legacyRing).toBeDefined();
    legacyRing!.press('Decline');
    await expect.poll(async () => (await currentCall(alice.page))?.endReason, POLL).toBe('remote-declined');
    expect((await rtcCalls(desk)).find((c) => c.callId === rtcCallId)?.state).toBe('connected');
    await desk.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(rtcCallId)})`);
    expect(legacyCallId.length).toBeGreaterThan(0);
  });

  it('a Switchboard that dies mid-call leaves the session for the other person within its delayed leave', async () => {
    const ec = await rings();
    await expect.poll(() => ringingOn(laptop), POLL).toHaveLength(1);
    const [callId] = await ringingOn(laptop);
    await laptop.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    await expect.poll(async () => (await ec.state()).members.length, POLL).toBe(2);
    const died = Date.now();
    await laptop.context.close(); // the window is gone: nothing refreshes or sends the leave
    await expect
      .poll(async () => (await ec.state()).members, { timeout: DELAYED_LEAVE_MS + 20_000, interval: 250 })
      .toEqual([caller.userId]);
    const gone = Date.now() - died;
    expect(gone).toBeLessThan(DELAYED_LEAVE_MS + 20_000);
  }, 90_000);
});
