/**
 * Element X / Element Call callers ringing Switchboard: the MatrixRTC test peer (matrix-js-sdk's
 * MatrixRTC session + livekit-client, E2EE on) joins the DM's session and rings; Switchboard
 * rings through main like a legacy call, answers by joining the session and the real LiveKit
 * SFU, and the media is proven decrypted on both sides (audio energy, decoded frames).
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../peers/peers.globalSetup.js';
import { openRtcPeer, type RtcPeerPage } from '../peers/rtcPeerDriver.js';
import { servePeers, type PeerServer } from '../peers/servePeers.js';
import { launchChromium } from '../support/browser.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';
import { currentCall, signedInPerson, type Person } from './support/people.js';
import { directChatJoinedBy, echoRtcLogs, freshDevice, switchboardInbound } from './support/rtcCalls.js';
import { shoot } from './support/screens.js';

const synapse = inject('synapse');
const matrixRtc = inject('matrixRtc');
const POLL = { timeout: 30_000, interval: 100 };

describe('MatrixRTC: an Element Call caller rings Switchboard', () => {
  let browser: Browser;
  let server: PeerServer;
  let me: Person;
  let caller: RegisteredUser;
  let peer: RtcPeerPage;
  let roomId: string;

  beforeAll(async () => {
    if (matrixRtc === null) throw new Error('the e2e lane runs LiveKit and its token service (synapseGlobalSetup)');
    server = await servePeers(inject('peersDir') as string);
    browser = await launchChromium();
    caller = await registerUser(synapse, `ec-${randomUUID().slice(0, 6)}`, 'ec-password', {
      displayName: 'Eve Caller',
    });
    me = await signedInPerson(browser, synapse, inject('rendererDir'), 'Rita', undefined, {
      identity: { name: 'Switchboard', version: 'e2e', platform: 'darwin' },
      sfuConnectSrc: [matrixRtc.livekit.url],
    });
    echoRtcLogs(me.page, 'SB');
    // Switchboard's own direct chat (encrypted), which the caller joins.
    roomId = await directChatJoinedBy(synapse, me, caller);
  }, 120_000);

  afterEach(async () => {
    await peer?.close();
    for (const call of (await me.page.evaluate(
      'window.__switchboard.account.session.rtc.activeCalls().map((c) => c.callId)',
    )) as string[]) {
      await me.page.evaluate(`window.__switchboard.account.session.rtc.hangUp(${JSON.stringify(call)})`);
    }
    me.harness.window.set({ visible: false, focused: false });
    for (const notification of me.harness.notifications.onScreen()) notification.dismiss();
  });

  afterAll(async () => {
    await browser?.close();
    await me?.harness.close();
    await server?.close();
  });

  async function ringingPeer(video: boolean): Promise<string> {
    peer = await openRtcPeer(browser, server.rtcPeerUrl, 'Element Call peer');
    echoRtcLogs(peer.page, 'PEER');
    await peer.start(await freshDevice(synapse, caller));
    await peer.call(roomId, { video });
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('ringing');
    const call = await currentCall(me.page);
    return call!.callId;
  }

  it('rings with main’s notification; answered in the window, voice flows both ways, decrypted', async () => {
    const callId = await ringingPeer(false);
    expect((await peer.state()).notificationsSent).toEqual([callId]);
    await expect.poll(() => me.harness.notifications.onScreen().length, POLL).toBe(1);
    expect(me.harness.notifications.onScreen()[0]!.options.title).toContain('Eve Caller');
    expect(me.harness.tray.image()).toContain('ringing');
    await me.page
      .getByRole('button', { name: /^Answer/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await shoot(me.page, '22-rtc-incoming');
    expect(await me.page.getByRole('button', { name: /Hold/ }).count()).toBe(0);

    await me.page
      .getByRole('button', { name: /^Answer/ })
      .first()
      .click();
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    await expect.poll(async () => (await switchboardInbound(me, callId)).audioEnergy, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await peer.inbound()).audioEnergy, POLL).toBeGreaterThan(0);
    const state = await peer.state();
    expect(state.e2ee).toBe(true);
    expect(state.keysFrom.some((identity) => identity.startsWith(`${me.user.userId}:`))).toBe(true);
    expect(state.members.sort()).toEqual([caller.userId, me.user.userId].sort());
    // Hold and the keypad are absent from a MatrixRTC call's screen.
    await shoot(me.page, '23-rtc-in-call-voice');
    expect(await me.page.getByRole('button', { name: /Hold/ }).count()).toBe(0);
    expect(await me.page.getByRole('button', { name: /Keypad/ }).count()).toBe(0);

    await me.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await peer.state()).members, POLL).toEqual([caller.userId]);
  });

  it('a video call answered from the notification: video decoded both ways; the caller hanging up ends it', async () => {
    const callId = await ringingPeer(true);
    await expect.poll(() => me.harness.notifications.onScreen().length, POLL).toBe(1);
    me.harness.notifications.onScreen()[0]!.press('Answer');
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    await expect.poll(async () => (await switchboardInbound(me, callId)).videoFramesDecoded, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await peer.inbound()).videoFramesDecoded, POLL).toBeGreaterThan(0);

    await peer.hangup();
    await expect.poll(async () => (await currentCall(me.page))?.endReason, POLL).toBe('remote-hangup');
    expect(await me.page.getByTestId('call-ending').textContent()).toContain('Call ended');
  });

  it('declined from the notification: the caller sees a decline referencing its ring', async () => {
    const callId = await ringingPeer(false);
    await expect.poll(() => me.harness.notifications.onScreen().length, POLL).toBe(1);
    me.harness.notifications.onScreen()[0]!.press('Decline');
    await expect
      .poll(async () => (await peer.state()).declines, POLL)
      .toEqual([{ notificationEventId: callId, sender: me.user.userId }]);
    expect((await currentCall(me.page))?.endReason ?? 'declined').toBe('declined');
    expect((await peer.state()).members).toEqual([caller.userId]);
  });

  it('the caller gives up before an answer: ringing stops and a missed call is left', async () => {
    const callId = await ringingPeer(false);
    await expect.poll(() => me.harness.notifications.onScreen().length, POLL).toBe(1);
    const ringing = me.harness.notifications.onScreen()[0]!;
    await peer.hangup();
    await expect.poll(() => ringing.closed, POLL).toBe(true);
    await expect
      .poll(() => me.harness.notifications.onScreen().map((n) => n.options.title), POLL)
      .toEqual(['Missed call from Eve Caller']);
    const ended = (await me.page.evaluate(
      `window.__switchboard.account.session.rtc.calls().find((c) => c.callId === ${JSON.stringify(callId)})?.endReason`,
    )) as string;
    expect(ended).toBe('missed');
  });
});
