/**
 * MatrixRTC calls into Switchboard, measured in the same run as the legacy ones: an Element
 * Call peer (matrix-js-sdk's MatrixRTC session + livekit-client) rings Switchboard through
 * Synapse; ring latency (the ring notification's send leaving the peer → Switchboard rings)
 * beside the homeserver's own delivery of it (a raw /sync long-poll by another device of
 * the callee); answer → inbound audio on both sides, through the real LiveKit SFU, E2EE on.
 */
import type { Page } from 'playwright-core';
import { roomForTwo, until } from '../tests/peers/peerDriver.js';
import { openRtcPeer } from '../tests/peers/rtcPeerDriver.js';
import { benchSwitchboard, benchUsers, type BenchRunOptions } from './switchboardCalls.js';
import { echoRtcLogs, freshDevice } from '../tests/e2e/support/rtcCalls.js';
import { matrixRequest } from '../tests/support/matrixClientApi.js';
import { ringBeforeAnswer } from './ringBeforeAnswer.js';

export interface RtcCallSample {
  ringMs: number;
  deliveryMs: number;
  /** Answer pressed → audio packets arriving at Switchboard and at the peer (the later of the two). */
  answerToMediaMs: number;
  answerToMediaHereMs: number;
  answerToMediaThereMs: number;
}

/** Another device of the callee long-polling /sync for ring notifications: when the homeserver delivers each. */
function deliveryProbe(baseUrl: string, token: string, roomId: string) {
  const seen = new Map<string, number>();
  let running = true;
  const filter = encodeURIComponent(
    JSON.stringify({ room: { timeline: { types: ['org.matrix.msc4075.rtc.notification'] } }, presence: { types: [] } }),
  );
  const loop = (async () => {
    let since: string | null = null;
    while (running) {
      const query: string = since === null ? '' : `&since=${encodeURIComponent(since)}`;
      const sync: {
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: { event_id: string }[] } }> };
      } = await matrixRequest(
        baseUrl,
        token,
        'GET',
        `/_matrix/client/v3/sync?timeout=${since === null ? 0 : 5000}&filter=${filter}${query}`,
      );
      const now = Date.now();
      since = sync.next_batch;
      for (const event of sync.rooms?.join?.[roomId]?.timeline?.events ?? []) {
        if (!seen.has(event.event_id)) seen.set(event.event_id, now);
      }
    }
  })();
  return {
    seenAt: (eventId: string) => seen.get(eventId),
    async stop() {
      running = false;
      await loop.catch(() => undefined);
    },
  };
}

/** In the page: resolves with Date.now() once audio packets arrive on the MatrixRTC call. */
function firstAudioAt(page: Page, callId: string): Promise<number> {
  return page.evaluate(`(async () => {
    const deadline = Date.now() + 30000;
    for (;;) {
      if (Date.now() > deadline) throw new Error('no audio at Switchboard within 30 s');
      let packets = 0;
      for (const report of await window.__switchboard.account.session.rtc.stats(${JSON.stringify(callId)})) {
        report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived || 0; });
      }
      if (packets > 0) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })()`) as Promise<number>;
}

export async function benchRtcCalls(
  options: BenchRunOptions & { peerUrl: string; sfuUrl: string },
): Promise<RtcCallSample[]> {
  const { synapse, browser } = options;
  const [caller, callee] = await benchUsers(synapse, 'rtc-');
  const { harness, context, page } = await benchSwitchboard(browser, synapse, callee, {
    rendererDir: options.rendererDir,
    sfuConnectSrc: [options.sfuUrl],
  });
  echoRtcLogs(page, 'switchboard');
  // An unencrypted direct room, as for the legacy figures; trusted (both may send state, as in
  // Element's DMs): in a plain private chat the callee may not post its call membership.
  const roomId = await roomForTwo(synapse.baseUrl, caller, callee, 'trusted_private_chat');
  await until(
    'the room at Switchboard',
    () =>
      page.evaluate(
        `window.__switchboard.account.session.matrix.client.getRoom(${JSON.stringify(roomId)})?.getJoinedMemberCount() ?? 0`,
      ),
    (count) => count === 2,
  );
  const probe = deliveryProbe(synapse.baseUrl, callee.accessToken, roomId);
  const samples: RtcCallSample[] = [];
  try {
    for (let i = 0; i < options.calls; i++) {
      const peer = await openRtcPeer(browser, options.peerUrl, 'Element Call peer');
      echoRtcLogs(peer.page, 'peer');
      try {
        await peer.start(await freshDevice(synapse, caller));
        await peer.call(roomId, { video: false });
        const callId = (await until(
          'ringing',
          () =>
            page.evaluate(
              `window.__switchboard.account.calls.current?.state === 'ringing' ? window.__switchboard.account.calls.current.callId : null`,
            ),
          (id) => id !== null,
        )) as string;
        await ringBeforeAnswer();
        const hereAt = firstAudioAt(page, callId);
        const thereAt = Promise.race([
          peer.firstAudioAt(),
          new Promise<number>((_, reject) =>
            setTimeout(() => reject(new Error('no audio at the peer within 30 s')), 30_000),
          ),
        ]);
        await page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
        const [here, there] = await Promise.all([hereAt, thereAt]);
        const timings = (await page.evaluate(
          `window.__switchboard.account.session.rtc.timings(${JSON.stringify(callId)})`,
        )) as { notificationArrivedAt: number; ringAt: number; answerPressedAt: number };
        const sentAt = (await peer.state()).notificationSendStartedAt ?? Number.NaN;
        const delivered = await until(
          'the probe to see the ring',
          async () => probe.seenAt(callId),
          (at) => at !== undefined,
        );
        samples.push({
          ringMs: timings.ringAt - sentAt,
          deliveryMs: (delivered ?? Number.NaN) - sentAt,
          answerToMediaMs: Math.max(here, there) - timings.answerPressedAt,
          answerToMediaHereMs: here - timings.answerPressedAt,
          answerToMediaThereMs: there - timings.answerPressedAt,
        });
        options.log(`matrixRtc call ${i + 1}/${options.calls}: ${JSON.stringify(samples.at(-1))}`);
        await page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
        await until(
          'the caller alone',
          async () => (await peer.state()).members.length,
          (n) => n <= 1,
        );
      } finally {
        await peer.close();
      }
    }
  } finally {
    await probe.stop();
    await context.close();
    await harness.close();
  }
  return samples;
}
