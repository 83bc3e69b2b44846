/**
 * The floor for call setup: what two bare RTCPeerConnections need to connect through the
 * same Synapse, with nothing else in the way — no SDK, no call protocol, one raw event each
 * way, every ICE candidate inside the SDP (gathering finishes before an event is sent). The
 * caller sends an offer; the callee's raw /sync long-poll receives it ("ring"); on "answer"
 * the callee opens its microphone while it applies the offer, answers, and sends the answer;
 * the caller's long-poll receives it. Measured as Switchboard's setup is: answer pressed →
 * inbound audio on both sides. Same Chromium, same homeserver, same run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { roomForTwo } from '../tests/peers/peerDriver.js';
import { registerUser, type SynapseInfo } from '../tests/support/synapse.js';
import { ringBeforeAnswer } from './ringBeforeAnswer.js';

export interface FloorSample {
  /** Offer sent → received by the callee's long-poll. */
  ringMs: number;
  /** Answer pressed → inbound audio at both sides. */
  setupMs: number;
  /** From answer pressed: the answer sent, the caller has it, audio at the caller and at the callee. */
  answerSentMs: number;
  answerReceivedMs: number;
  audioAtCallerMs: number;
  audioAtCalleeMs: number;
}

/** Installed in each page: raw client-server calls and one bare peer connection per call. */
const FLOOR_SCRIPT = `(() => {
  const floor = {
    base: '', token: '', roomId: '', since: null, pc: null, txn: 0,
    async request(method, path, body) {
      const response = await fetch(floor.base + path, {
        method,
        headers: { authorization: 'Bearer ' + floor.token, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(method + ' ' + path + ': ' + response.status);
      return response.json();
    },
    async sync(timeout) {
      const filter = encodeURIComponent(JSON.stringify({
        room: { rooms: [floor.roomId], timeline: { types: ['org.switchboardphone.floor'] }, state: { types: [] }, ephemeral: { types: [] } },
        presence: { types: [] }, account_data: { types: [] },
      }));
      const since = floor.since === null ? '' : '&since=' + encodeURIComponent(floor.since);
      const sync = await floor.request('GET', '/_matrix/client/v3/sync?timeout=' + timeout + '&filter=' + filter + since);
      floor.since = sync.next_batch;
      return sync.rooms?.join?.[floor.roomId]?.timeline?.events ?? [];
    },
    async waitFor(kind, id) {
      for (;;) {
        const events = await floor.sync(30000);
        const found = events.find((e) => e.content.kind === kind && e.content.id === id);
        if (found) return { at: Date.now(), sdp: found.content.sdp };
      }
    },
    send(content) {
      floor.txn += 1;
      return floor.request('PUT', '/_matrix/client/v3/rooms/' + encodeURIComponent(floor.roomId) + '/send/org.switchboardphone.floor/' + Date.now() + '-' + floor.txn, content);
    },
    async gathered(pc) {
      if (pc.iceGatheringState === 'complete') return;
      await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); }));
    },
    firstAudio() {
      return (async () => {
        for (;;) {
          if (floor.pc) {
            let packets = 0;
            (await floor.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived || 0; });
            if (packets > 0) return Date.now();
          }
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
    },
    /** Caller: microphone, offer with every candidate, sent; then the answer applied when it comes. */
    async call(id) {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const pc = new RTCPeerConnection();
      floor.pc = pc;
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription();
      await floor.gathered(pc);
      const sentAt = Date.now();
      await floor.send({ kind: 'offer', id, sdp: pc.localDescription.sdp });
      floor.answered = floor.waitFor('answer', id).then(async (answer) => {
        await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
        return answer.at;
      });
      return sentAt;
    },
    async ringing(id) {
      floor.offer = await floor.waitFor('offer', id);
      return floor.offer.at;
    },
    /** Callee, on answer: microphone while the offer is applied, answer with every candidate, sent. */
    async answer(id) {
      const pc = new RTCPeerConnection();
      floor.pc = pc;
      const [stream] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ audio: true }),
        pc.setRemoteDescription({ type: 'offer', sdp: floor.offer.sdp }),
      ]);
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription();
      await floor.gathered(pc);
      await floor.send({ kind: 'answer', id, sdp: pc.localDescription.sdp });
      return Date.now();
    },
    hangUp() {
      floor.pc?.getSenders().forEach((s) => s.track?.stop());
      floor.pc?.close();
      floor.pc = null;
    },
  };
  window.floor = floor;
})()`;

export async function benchFloorCalls(options: {
  synapse: SynapseInfo;
  browser: Browser;
  calls: number;
  log: (line: string) => void;
}): Promise<FloorSample[]> {
  const { synapse, browser } = options;
  const suffix = Math.random().toString(36).slice(2, 8);
  const [alice, bob] = await Promise.all([
    registerUser(synapse, `bench-floora-${suffix}`, 'bench-a-pw'),
    registerUser(synapse, `bench-floorb-${suffix}`, 'bench-b-pw'),
  ]);
  const roomId = await roomForTwo(synapse.baseUrl, alice, bob);
  // An empty page on 127.0.0.1: a secure context, so the microphone may open.
  const server = http.createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<!doctype html><title>floor</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const pages: Page[] = [];
  try {
    for (const user of [alice, bob]) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(pageUrl);
      await page.evaluate(FLOOR_SCRIPT);
      await page.evaluate(
        `Object.assign(window.floor, ${JSON.stringify({ base: synapse.baseUrl, token: user.accessToken, roomId })})`,
      );
      await page.evaluate('window.floor.sync(0)');
      pages.push(page);
    }
    const [caller, callee] = pages as [Page, Page];
    const samples: FloorSample[] = [];
    for (let i = 0; i < options.calls; i++) {
      const id = `floor-${i}-${suffix}`;
      const ringing = callee.evaluate(`window.floor.ringing(${JSON.stringify(id)})`) as Promise<number>;
      const sentAt = (await caller.evaluate(`window.floor.call(${JSON.stringify(id)})`)) as number;
      const rangAt = await ringing;
      await ringBeforeAnswer();
      const audioAtCaller = caller.evaluate('window.floor.firstAudio()') as Promise<number>;
      const audioAtCallee = callee.evaluate('window.floor.firstAudio()') as Promise<number>;
      const pressedAt = Date.now();
      const answerSentAt = (await callee.evaluate(`window.floor.answer(${JSON.stringify(id)})`)) as number;
      const answerReceivedAt = (await caller.evaluate('window.floor.answered')) as number;
      const [callerAt, calleeAt] = await Promise.all([audioAtCaller, audioAtCallee]);
      const sample: FloorSample = {
        ringMs: rangAt - sentAt,
        setupMs: Math.max(callerAt, calleeAt) - pressedAt,
        answerSentMs: answerSentAt - pressedAt,
        answerReceivedMs: answerReceivedAt - pressedAt,
        audioAtCallerMs: callerAt - pressedAt,
        audioAtCalleeMs: calleeAt - pressedAt,
      };
      samples.push(sample);
      options.log(
        `floor call ${i + 1}/${options.calls}: ring ${sample.ringMs} ms, setup ${sample.setupMs} ms ` +
          `(answer sent +${sample.answerSentMs}, at caller +${sample.answerReceivedMs}, audio at caller +${sample.audioAtCallerMs}, at callee +${sample.audioAtCalleeMs})`,
      );
      for (const page of pages) await page.evaluate('window.floor.hangUp()');
    }
    return samples;
  } finally {
    for (const page of pages) await page.context().close();
    await new Promise((resolve) => server.close(resolve));
  }
}
