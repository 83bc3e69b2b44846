/** Shared by the MatrixRTC end-to-end tests: a caller's fresh device, Switchboard's side of the media. */
import type { Page } from 'playwright-core';
import type { PeerCredentials } from '../../peers/peerTypes.js';
import type { RtcInbound } from '../../peers/rtcPeerTypes.js';
import { until } from '../../peers/peerDriver.js';
import { matrixRequest } from '../../support/matrixClientApi.js';
import type { RegisteredUser, SynapseInfo } from '../../support/synapse.js';
import type { Person } from './people.js';

/** The user on a new device (a peer page's crypto lives in memory: one device per page). */
export async function freshDevice(synapse: SynapseInfo, user: RegisteredUser): Promise<PeerCredentials> {
  const login = await matrixRequest<{ access_token: string; device_id: string }>(
    synapse.baseUrl,
    null,
    'POST',
    '/_matrix/client/v3/login',
    { type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: user.password },
  );
  return { baseUrl: synapse.baseUrl, userId: user.userId, accessToken: login.access_token, deviceId: login.device_id };
}

/** Switchboard's own direct chat with `userId` (encrypted), joined by them; waits until the window sees it. */
export async function directChatJoinedBy(synapse: SynapseInfo, person: Person, other: RegisteredUser): Promise<string> {
  const roomId = (await person.page.evaluate(
    `window.__switchboard.account.session.directRoomWith(${JSON.stringify(other.userId)})`,
  )) as string;
  await matrixRequest(
    synapse.baseUrl,
    other.accessToken,
    'POST',
    `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
    {},
  );
  await until(
    `${other.userId} joined ${roomId}`,
    () =>
      person.page.evaluate(
        `window.__switchboard.account.contacts.some((c) => c.roomId === ${JSON.stringify(roomId)} && !c.pending)`,
      ),
    (joined) => joined === true,
    20_000,
    100,
  );
  return roomId;
}

/** What arrives on Switchboard's side of a MatrixRTC call, decrypted (audio energy, decoded frames). */
export function switchboardInbound(person: Person, callId: string): Promise<RtcInbound> {
  return person.page.evaluate(`(async () => {
    const totals = { audioPackets: 0, audioEnergy: 0, videoPackets: 0, videoFramesDecoded: 0 };
    for (const report of await window.__switchboard.account.session.rtc.stats(${JSON.stringify(callId)})) {
      report.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'audio') { totals.audioPackets += s.packetsReceived || 0; totals.audioEnergy += s.totalAudioEnergy || 0; }
        if (s.kind === 'video') { totals.videoPackets += s.packetsReceived || 0; totals.videoFramesDecoded += s.framesDecoded || 0; }
      });
    }
    return totals;
  })()`) as Promise<RtcInbound>;
}

/** The MatrixRTC engine's calls on a page, as plain data. */
export function rtcCalls(person: Person): Promise<{ callId: string; state: string; endReason: string | null }[]> {
  return person.page.evaluate(
    'window.__switchboard.account.session.rtc.calls().map((c) => ({ callId: c.callId, state: c.state, endReason: c.endReason }))',
  ) as Promise<{ callId: string; state: string; endReason: string | null }[]>;
}

/** With RTC_DEBUG=1, a page's MatrixRTC, LiveKit and call-engine logs are echoed while tests run. */
export function echoRtcLogs(page: Page, label: string): void {
  if (process.env.RTC_DEBUG === undefined) return;
  page.on('console', (message) => {
    const text = message.text();
    if (/rtc|livekit|\[calls\]|encrypt|notif/i.test(text)) console.log(`[${label}]`, text.slice(0, 300));
  });
}

/**
 * Waits until Switchboard's crypto knows a device (a key query), so what it encrypts next
 * (a ring notification in an encrypted DM) is encrypted for that device too. A device that
 * logged in a moment ago is otherwise not yet in Switchboard's device list.
 */
export async function untilSwitchboardKnowsDevice(person: Person, userId: string, deviceId: string): Promise<void> {
  await until(
    `Switchboard knows ${userId}'s device ${deviceId}`,
    () =>
      person.page.evaluate(`(async () => {
        const crypto = window.__switchboard.account.session.matrix.client.getCrypto();
        const devices = await crypto.getUserDeviceInfo([${JSON.stringify(userId)}], true);
        return devices.get(${JSON.stringify(userId)})?.has(${JSON.stringify(deviceId)}) ?? false;
      })()`),
    (known) => known === true,
    20_000,
    200,
  );
}
