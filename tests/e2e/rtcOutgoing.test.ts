/**
 * Switchboard calling an Element X / Element Call contact: the call joins the DM's session
 * and rings them (a ring notification with a lifetime); the MatrixRTC test peer answers by
 * joining, declines, or never answers; Switchboard cancels; both call at once and meet. The
 * setting and the call button's menu choose the system.
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
import {
  directChatJoinedBy,
  echoRtcLogs,
  freshDevice,
  rtcCalls,
  switchboardInbound,
  untilSwitchboardKnowsDevice,
} from './support/rtcCalls.js';

const synapse = inject('synapse');
const matrixRtc = inject('matrixRtc');
const POLL = { timeout: 30_000, interval: 100 };

describe('MatrixRTC: Switchboard calls an Element Call contact', () => {
  let browser: Browser;
  let server: PeerServer;
  let me: Person;
  let contact: RegisteredUser;
  let peer: RtcPeerPage | null = null;
  let roomId: string;

  beforeAll(async () => {
    if (matrixRtc === null) throw new Error('the e2e lane runs LiveKit and its token service (synapseGlobalSetup)');
    server = await servePeers(inject('peersDir') as string);
    browser = await launchChromium();
    contact = await registerUser(synapse, `ex-${randomUUID().slice(0, 6)}`, 'ex-password', { displayName: 'Xavier' });
    me = await signedInPerson(browser, synapse, inject('rendererDir'), 'Rita', undefined, {
      sfuConnectSrc: [matrixRtc.livekit.url],
      callSystem: 'automatic',
    });
    echoRtcLogs(me.page, 'SB');
    roomId = await directChatJoinedBy(synapse, me, contact);
  }, 120_000);

  afterEach(async () => {
    for (const call of await rtcCalls(me)) {
      if (call.state !== 'ended') {
        await me.page.evaluate(`window.__switchboard.account.session.rtc.hangUp(${JSON.stringify(call.callId)})`);
      }
    }
    await peer?.close();
    peer = null;
    await me.page.evaluate(`window.__switchboard.account.session.rtc.setRingLifetime(90000)`);
  });

  afterAll(async () => {
    await browser?.close();
    await me?.harness.close();
    await server?.close();
  });

  async function contactOnline(): Promise<RtcPeerPage> {
    const opened = await openRtcPeer(browser, server.rtcPeerUrl, 'Element X contact');
    peer = opened;
    echoRtcLogs(opened.page, 'PEER');
    const device = await freshDevice(synapse, contact);
    await opened.start(device);
    await untilSwitchboardKnowsDevice(me, contact.userId, device.deviceId);
    return opened;
  }

  const place = (video: boolean) =>
    me.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, ${video})`,
    ) as Promise<string>;

  async function ringsThem(callee: RtcPeerPage, video: boolean): Promise<string> {
    const callId = await place(video);
    await expect.poll(async () => (await callee.state()).ringsReceived.length, POLL).toBe(1);
    const [ring] = (await callee.state()).ringsReceived;
    expect(ring).toMatchObject({ roomId, sender: me.user.userId, intent: video ? 'video' : 'audio' });
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('invite-sent');
    return callId;
  }

  it('rings them with Element Call (Automatic: the homeserver offers it); they answer; voice both ways', async () => {
    const callee = await contactOnline();
    const callId = await ringsThem(callee, false);
    expect((await rtcCalls(me)).find((c) => c.callId === callId)).toBeDefined();
    await me.page.getByText('Ringing…').waitFor({ timeout: 10_000 });

    await callee.answer({ video: false });
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    await expect.poll(async () => (await switchboardInbound(me, callId)).audioEnergy, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await callee.inbound()).audioEnergy, POLL).toBeGreaterThan(0);
    expect((await callee.state()).e2ee).toBe(true);

    await me.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await callee.state()).members, POLL).toEqual([contact.userId]);
  });

  it('a video call from the call button’s menu; they answer with video; their hang-up ends it', async () => {
    const callee = await contactOnline();
    await me.page.getByRole('button', { name: 'More ways to call Xavier' }).click();
    await me.page.getByRole('menuitem', { name: 'Video call with Element Call' }).click();
    await expect.poll(async () => (await callee.state()).ringsReceived.length, POLL).toBe(1);
    await callee.answer({ video: true });
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    const callId = (await currentCall(me.page))!.callId;
    await expect.poll(async () => (await switchboardInbound(me, callId)).videoFramesDecoded, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await callee.inbound()).videoFramesDecoded, POLL).toBeGreaterThan(0);
    await callee.hangup();
    await expect.poll(async () => (await currentCall(me.page))?.endReason, POLL).toBe('remote-hangup');
  });

  it('in the call: mute, the camera on and off mid-call and a shared screen reach them as LiveKit sees them', async () => {
    const callee = await contactOnline();
    const callId = await ringsThem(callee, false);
    await callee.answer({ video: false });
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    const sources = async () => (await callee.state()).remoteTracks;

    const mute = me.page.getByRole('button', { name: /^Mute/ });
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(async () => (await sources()).find((t) => t.source === 'microphone')?.muted, POLL).toBe(true);
    await mute.click();
    await expect.poll(async () => (await sources()).find((t) => t.source === 'microphone')?.muted, POLL).toBe(false);

    // A new microphone chosen in Settings moves into the call: their audio keeps coming.
    await me.page.evaluate(`window.__switchboard.account.calls.switchDevice('audio')`);
    expect(await me.page.evaluate('window.__switchboard.account.calls.notice')).toBeNull();
    const before = (await callee.inbound()).audioEnergy;
    await expect.poll(async () => (await callee.inbound()).audioEnergy, POLL).toBeGreaterThan(before);

    expect(
      await me.page.evaluate(`window.__switchboard.account.session.rtc.setCamera(${JSON.stringify(callId)}, true)`),
    ).toBe(true);
    await expect
      .poll(async () => (await sources()).some((t) => t.source === 'camera' && t.subscribed), POLL)
      .toBe(true);
    await expect.poll(async () => (await callee.inbound()).videoFramesDecoded, POLL).toBeGreaterThan(0);
    // And off again: the camera track goes away at their end.
    expect(
      await me.page.evaluate(`window.__switchboard.account.session.rtc.setCamera(${JSON.stringify(callId)}, false)`),
    ).toBe(true);
    await expect.poll(async () => (await sources()).some((t) => t.source === 'camera'), POLL).toBe(false);
    expect(await me.page.evaluate('window.__switchboard.account.calls.current.localVideo')).toBe(false);

    expect(
      await me.page.evaluate(
        `window.__switchboard.account.session.rtc.setScreenSharing(${JSON.stringify(callId)}, true)`,
      ),
    ).toBe('sharing');
    await expect.poll(async () => (await sources()).some((t) => t.source === 'screen_share'), POLL).toBe(true);
    expect(
      await me.page.evaluate(
        `window.__switchboard.account.session.rtc.setScreenSharing(${JSON.stringify(callId)}, false)`,
      ),
    ).toBe('stopped');
    await expect.poll(async () => (await sources()).some((t) => t.source === 'screen_share'), POLL).toBe(false);
    await me.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
  });

  it('they decline: "Declined by Xavier", and Switchboard leaves the session', async () => {
    const callee = await contactOnline();
    const callId = await ringsThem(callee, false);
    await callee.decline();
    await expect.poll(async () => (await currentCall(me.page))?.endReason, POLL).toBe('remote-declined');
    expect(await me.page.getByTestId('call-ending').textContent()).toContain('Declined by Xavier');
    await expect.poll(async () => (await callee.state()).members, POLL).toEqual([]);
    expect(callId.length).toBeGreaterThan(0);
  });

  it('cancelled before an answer: Switchboard leaves the session, so their ringing has nothing to join', async () => {
    const callee = await contactOnline();
    const callId = await ringsThem(callee, false);
    await me.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await callee.state()).members, POLL).toEqual([]);
    expect((await rtcCalls(me)).find((c) => c.callId === callId)?.endReason).toBe('local-hangup');
  });

  it('no answer within the ring’s lifetime: "No answer", and Switchboard leaves', async () => {
    const callee = await contactOnline();
    await me.page.evaluate(`window.__switchboard.account.session.rtc.setRingLifetime(6000)`);
    const callId = await ringsThem(callee, false);
    await expect
      .poll(async () => (await rtcCalls(me)).find((c) => c.callId === callId)?.endReason, POLL)
      .toBe('no-answer');
    await expect.poll(async () => (await callee.state()).members, POLL).toEqual([]);
  });

  it('both call each other at once: they meet in one session, one connected call, nothing left ringing', async () => {
    const callee = await contactOnline();
    const [callId] = await Promise.all([place(false), callee.call(roomId, { video: false })]);
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    await expect.poll(async () => (await callee.inbound()).audioEnergy, POLL).toBeGreaterThan(0);
    const live = (await rtcCalls(me)).filter((c) => c.state !== 'ended');
    expect(live).toHaveLength(1);
    expect(me.harness.notifications.onScreen()).toEqual([]);
    expect(callId.length).toBeGreaterThan(0);
  });

  it('the setting Matrix VoIP places a legacy call instead (never both)', async () => {
    const callee = await contactOnline();
    await me.page.getByRole('tab', { name: 'Settings' }).click();
    await me.page.getByRole('radio', { name: /Matrix VoIP/ }).check();
    await me.page.getByRole('tab', { name: 'Contacts' }).click();
    const callId = await place(false);
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('invite-sent');
    expect(await me.page.evaluate('window.__switchboard.account.calls.current.system')).toBe('legacy');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await callee.state()).ringsReceived).toEqual([]);
    await me.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await me.page.getByRole('tab', { name: 'Settings' }).click();
    await me.page.getByRole('radio', { name: /Automatic/ }).check();
    await me.page.getByRole('tab', { name: 'Contacts' }).click();
  });
});
