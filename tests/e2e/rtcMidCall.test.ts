/**
 * A MatrixRTC call after it connected, as a person in it would notice: the other side's
 * camera going off and on, the SFU going silent and coming back, the SFU gone for good,
 * and a conversation whose permissions keep calls to moderators. The SFU here is a LiveKit
 * server of this file's own (with its own token service), named by the caller's membership
 * as Element Call on another homeserver does, so it can be paused and killed without
 * touching the lane's.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../peers/peers.globalSetup.js';
import { openRtcPeer, type RtcPeerPage } from '../peers/rtcPeerDriver.js';
import { servePeers, type PeerServer } from '../peers/servePeers.js';
import { launchChromium } from '../support/browser.js';
import { startJwtService, type JwtService } from '../support/jwtService.js';
import { startLivekit, type LivekitInstance } from '../support/livekit.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';
import { currentCall, savedToken, signedInPerson, type Person } from './support/people.js';
import { directChatJoinedBy, echoRtcLogs, freshDevice, rtcCalls, switchboardInbound } from './support/rtcCalls.js';
import { shoot } from './support/screens.js';

const synapse = inject('synapse');
const matrixRtc = inject('matrixRtc');
const POLL = { timeout: 30_000, interval: 100 };
/** How long Switchboard keeps trying to get back to a lost SFU here (30 s in the app). */
const RECONNECT_WINDOW_MS = 6_000;

describe('MatrixRTC: in a call', () => {
  let browser: Browser;
  let server: PeerServer;
  let me: Person;
  let caller: RegisteredUser;
  let peer: RtcPeerPage | undefined;
  let roomId: string;
  let sfu: LivekitInstance;
  let sfuTokens: JwtService;

  beforeAll(async () => {
    if (matrixRtc === null) throw new Error('the e2e lane runs LiveKit and its token service (synapseGlobalSetup)');
    sfu = await startLivekit();
    sfuTokens = await startJwtService({
      livekit: sfu,
      federationUrl: (serverName) => (serverName === synapse.serverName ? matrixRtc.federationUrl : null),
      fullAccessHomeservers: [synapse.serverName],
    });
    server = await servePeers(inject('peersDir') as string);
    browser = await launchChromium();
    caller = await registerUser(synapse, `ec-${randomUUID().slice(0, 6)}`, 'ec-password', {
      displayName: 'Eve Caller',
    });
    me = await signedInPerson(browser, synapse, inject('rendererDir'), 'Rita', undefined, {
      sfuConnectSrc: [matrixRtc.livekit.url, sfu.url],
    });
    echoRtcLogs(me.page, 'SB');
    await me.page.evaluate(`window.__switchboard.account.session.rtc.setReconnectWindow(${RECONNECT_WINDOW_MS})`);
    roomId = await directChatJoinedBy(synapse, me, caller);
  }, 120_000);

  afterEach(async () => {
    await peer?.close();
    peer = undefined;
    for (const call of (await me.page.evaluate(
      'window.__switchboard.account.session.rtc.activeCalls().map((c) => c.callId)',
    )) as string[]) {
      await me.page.evaluate(`window.__switchboard.account.session.rtc.hangUp(${JSON.stringify(call)})`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await me?.harness.close();
    await server?.close();
    await sfuTokens?.stop();
    await sfu?.stop();
  });

  /** The peer rings (publishing at `serviceUrl`), Switchboard answers in the window; media both ways. */
  async function connectedCall(options: {
    video: boolean;
    serviceUrl?: string;
  }): Promise<{ callId: string; peer: RtcPeerPage }> {
    const ringing = await openRtcPeer(browser, server.rtcPeerUrl, 'Element Call peer');
    peer = ringing;
    echoRtcLogs(ringing.page, 'PEER');
    await ringing.start(await freshDevice(synapse, caller));
    await ringing.call(roomId, options);
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('ringing');
    const callId = (await currentCall(me.page))!.callId;
    await me.page
      .getByRole('button', { name: options.video ? /^Answer with video/ : /^Answer/ })
      .first()
      .click();
    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    await expect.poll(async () => (await switchboardInbound(me, callId)).audioEnergy, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await ringing.inbound()).audioEnergy, POLL).toBeGreaterThan(0);
    return { callId, peer: ringing };
  }

  const status = () => me.page.getByTestId('call-status').textContent();
  const quality = () => me.page.getByTestId('active-call').locator('.quality').getAttribute('data-grade');

  it('the other person turns their camera off and on: their picture gives way to "camera is off", then returns', async () => {
    const { callId, peer: them } = await connectedCall({ video: true });
    await expect.poll(async () => (await switchboardInbound(me, callId)).videoFramesDecoded, POLL).toBeGreaterThan(0);
    await me.page.getByTestId('remote-video').waitFor({ timeout: 10_000 });

    await them.setCamera(false);
    await me.page.getByText('Eve Caller’s camera is off').waitFor({ timeout: 10_000 });
    expect(await me.page.getByTestId('remote-video').count()).toBe(0);
    // The call goes on: their voice still arrives.
    const before = (await switchboardInbound(me, callId)).audioPackets;
    await expect
      .poll(async () => (await switchboardInbound(me, callId)).audioPackets, POLL)
      .toBeGreaterThan(before + 20);

    await them.setCamera(true);
    await me.page.getByTestId('remote-video').waitFor({ timeout: 10_000 });
    const frames = (await switchboardInbound(me, callId)).videoFramesDecoded;
    await expect
      .poll(async () => (await switchboardInbound(me, callId)).videoFramesDecoded, POLL)
      .toBeGreaterThan(frames);
  });

  it('the SFU goes silent: "Reconnecting…" with poor bars, then the call carries on with its duration', async () => {
    const { callId } = await connectedCall({ video: false, serviceUrl: sfuTokens.url });
    await expect.poll(status, POLL).toMatch(/^\d+:\d\d$/);

    sfu.pause();
    const pausedAt = Date.now();
    await expect.poll(quality, POLL).toBe('poor');
    await expect.poll(status, POLL).toBe('Reconnecting…');
    const noticedAfterMs = Date.now() - pausedAt;
    await shoot(me.page, '26-rtc-reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    sfu.resume();

    await expect.poll(async () => (await currentCall(me.page))?.state, POLL).toBe('connected');
    const seconds = Number((await status())?.split(':')[1]);
    expect(seconds * 1000).toBeGreaterThanOrEqual(noticedAfterMs);
    const before = await switchboardInbound(me, callId);
    await expect
      .poll(async () => (await switchboardInbound(me, callId)).audioPackets, POLL)
      .toBeGreaterThan(before.audioPackets + 20);
    const peerBefore = await peer!.inbound();
    await expect
      .poll(async () => (await peer!.inbound()).audioPackets, POLL)
      .toBeGreaterThan(peerBefore.audioPackets + 20);
    await expect.poll(quality, POLL).not.toBe('poor');
  });

  it('the SFU is gone for good: "Connection lost" once the reconnect window is over, and the session is left', async () => {
    await connectedCall({ video: false, serviceUrl: sfuTokens.url });
    await sfu.kill();
    const killedAt = Date.now();
    await expect.poll(async () => (await currentCall(me.page))?.endReason, POLL).toBe('ice-failed');
    expect(Date.now() - killedAt).toBeLessThan(RECONNECT_WINDOW_MS + 15_000);
    expect(await me.page.getByTestId('call-ending').textContent()).toContain('Connection lost');
    await expect.poll(async () => (await peer!.state()).members, POLL).toEqual([caller.userId]);
  });

  it('a conversation that keeps calls to moderators: Switchboard says so and rings no one', async () => {
    // Mo's direct chat with Rita, whose power levels keep call memberships to level 100 (Mo's).
    const mo = await registerUser(synapse, `mo-${randomUUID().slice(0, 6)}`, 'mo-password', { displayName: 'Mo' });
    const token = await savedToken(me.harness);
    const { room_id: strict } = await matrixRequest<{ room_id: string }>(
      synapse.baseUrl,
      mo.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      {
        // Not trusted_private_chat, which would make Rita a moderator like Mo.
        preset: 'private_chat',
        is_direct: true,
        invite: [me.user.userId],
        power_level_content_override: { events: { 'org.matrix.msc3401.call.member': 100 } },
      },
    );
    await matrixRequest(synapse.baseUrl, token, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(strict)}`, {});
    const directPath = `/_matrix/client/v3/user/${encodeURIComponent(me.user.userId)}/account_data/m.direct`;
    const direct = await matrixRequest<Record<string, string[]>>(synapse.baseUrl, token, 'GET', directPath);
    await matrixRequest(synapse.baseUrl, token, 'PUT', directPath, { ...direct, [mo.userId]: [strict] });
    await expect
      .poll(
        () =>
          me.page.evaluate(
            `window.__switchboard.account.contacts.some((c) => c.roomId === ${JSON.stringify(strict)} && !c.pending)`,
          ),
        POLL,
      )
      .toBe(true);

    const callsBefore = (await rtcCalls(me)).length;
    await me.page.evaluate(`window.__switchboard.account.calls.place(${JSON.stringify(strict)}, false, 'rtc')`);
    await me.page.getByText(/does not let you join Element Call calls/).waitFor({ timeout: 10_000 });
    expect((await rtcCalls(me)).length).toBe(callsBefore);
    const state = await matrixRequest<{ type: string; content: Record<string, unknown> }[]>(
      synapse.baseUrl,
      token,
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(strict)}/state`,
    );
    expect(state.filter((e) => e.type.includes('call.member') && Object.keys(e.content).length > 0)).toEqual([]);
    expect(state.some((e) => e.type === 'org.matrix.msc4075.rtc.notification')).toBe(false);
  });
});
