import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingCallEvent } from './callEngine.js';
import { EngineRig, mediaFlows, until, type Party } from './testing/engineRig.js';

const ALICE = '@alice:relay';
const BOB = '@bob:relay';
const CAROL = '@carol:relay';

let rig: EngineRig;
afterEach(async () => {
  await rig.close();
});

function sentTypes(party: Party): string[] {
  return party.device.sent.map((event) => event.type);
}

async function ringing(party: Party): Promise<string> {
  await until(() => party.active()?.state === 'ringing', `${party.device.userId} ringing`);
  return party.active()!.callId;
}

async function connected(party: Party, callId: string): Promise<void> {
  await until(
    () => party.calls().some((c) => c.callId === callId && c.state === 'connected'),
    `${party.device.userId} connected`,
  );
}

async function ended(party: Party, callId: string) {
  await until(
    () => party.calls().some((c) => c.callId === callId && c.state === 'ended'),
    `${party.device.userId} ended`,
  );
  return party.calls().find((c) => c.callId === callId)!;
}

/** A new rig with Alice and Bob in a room of their own. */
function aliceAndBob(options: Parameters<EngineRig['add']>[2] = {}) {
  rig = new EngineRig();
  const alice = rig.add(ALICE, 'ALICEDEV', options);
  const bob = rig.add(BOB, 'BOBDEV');
  return { alice, bob, roomId: rig.relay.createRoom([ALICE, BOB]) };
}

async function connectedCall(video: boolean) {
  rig = new EngineRig();
  const alice = rig.add(ALICE, 'ALICEDEV');
  const bob = rig.add(BOB, 'BOBDEV');
  const roomId = rig.relay.createRoom([ALICE, BOB]);
  const callId = alice.engine.place(roomId, { video });
  expect(await ringing(bob)).toBe(callId);
  await bob.engine.answer(callId, { video });
  await connected(alice, callId);
  await connected(bob, callId);
  return { alice, bob, roomId, callId };
}

describe('a call between two engines (spec: invite, candidates, answer, select_answer, hangup)', () => {
  it('connects and carries audio and video both ways', async () => {
    const { alice, bob, callId } = await connectedCall(true);
    await mediaFlows(alice.engine, callId, ['audio', 'video']);
    await mediaFlows(bob.engine, callId, ['audio', 'video']);
    expect(bob.notices[0]).toMatchObject({ kind: 'ring-start', callId, peerUserId: ALICE, video: true });
    expect(sentTypes(alice).slice(0, 1)).toEqual(['m.call.invite']);
    expect(sentTypes(alice)).toContain('m.call.select_answer');
    expect(sentTypes(bob)[0]).toBe('m.call.answer');
    // End of candidates is always sent, by both sides.
    for (const party of [alice, bob]) {
      const candidates = party.device.sent
        .filter((e) => e.type === 'm.call.candidates')
        .flatMap((e) => e.content.candidates as { candidate: string }[]);
      expect(candidates.at(-1)?.candidate).toBe('');
    }
  });

  it('the caller hangs up: both end, the callee sees the remote hang-up', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    await alice.engine.hangUp(callId);
    expect((await ended(alice, callId)).endReason).toBe('local-hangup');
    expect(await ended(bob, callId)).toMatchObject({ endReason: 'remote-hangup', remoteHangupReason: 'user_hangup' });
    expect(alice.device.sent.at(-1)).toMatchObject({
      type: 'm.call.hangup',
      content: { reason: 'user_hangup', version: '1' },
    });
  });

  it('the callee hangs up', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    await bob.engine.hangUp(callId);
    expect((await ended(alice, callId)).endReason).toBe('remote-hangup');
    expect((await ended(bob, callId)).endReason).toBe('local-hangup');
  });

  it('the callee declines: m.call.reject, and the caller sees "declined"', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    await bob.engine.decline(callId);
    expect((await ended(bob, callId)).endReason).toBe('declined');
    expect((await ended(alice, callId)).endReason).toBe('remote-declined');
    expect(sentTypes(bob)).toEqual(['m.call.reject']);
    expect(bob.notices.map((n) => n.kind)).toEqual(['ring-start', 'ring-stop']);
  });

  it('the caller cancels before an answer: the callee stops ringing and records a missed call', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    await alice.engine.hangUp(callId);
    expect((await ended(bob, callId)).endReason).toBe('missed');
    expect(bob.notices.at(-1)).toEqual({ kind: 'ring-stop', callId, reason: 'missed' });
    expect(sentTypes(bob)).toEqual([]);
  });

  it('nobody answers: the caller hangs up with invite_timeout and the callee records a missed call', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV', { inviteLifetimeMs: 6_000 });
    const bob = rig.add(BOB, 'BOBDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    expect((await ended(alice, callId)).endReason).toBe('no-answer');
    expect(alice.device.sent.at(-1)).toMatchObject({ type: 'm.call.hangup', content: { reason: 'invite_timeout' } });
    expect((await ended(bob, callId)).endReason).toBe('missed');
  }, 20_000);

  it('the callee is busy in another call: the caller is told user_busy', async () => {
    const { bob } = await connectedCall(false);
    const carol = rig.add(CAROL, 'CAROLDEV');
    const room = rig.relay.createRoom([CAROL, BOB]);
    const second = carol.engine.place(room, { video: false });
    expect((await ended(carol, second)).endReason).toBe('busy');
    expect(bob.device.sent.at(-1)).toMatchObject({
      type: 'm.call.hangup',
      content: { call_id: second, reason: 'user_busy' },
    });
    expect(bob.active()?.state).toBe('connected');
  });

  it('busy in a call of the other system (MatrixRTC): the caller is told user_busy, and nothing can be placed', async () => {
    rig = new EngineRig();
    const carol = rig.add(CAROL, 'CAROLDEV');
    const bob = rig.add(BOB, 'BOBDEV', { otherSystemBusy: () => true });
    const room = rig.relay.createRoom([CAROL, BOB]);
    const callId = carol.engine.place(room, { video: false });
    expect((await ended(carol, callId)).endReason).toBe('busy');
    expect(bob.notices.some((n) => n.kind === 'ring-start')).toBe(false);
    expect(() => bob.engine.place(room, { video: false })).toThrow(/Already in a call/);
  });

  it('media cannot connect: the call fails with ice_failed on both sides', async () => {
    rig = new EngineRig();
    // Relay-only with no TURN server: no candidate can ever pair.
    const alice = rig.add(ALICE, 'ALICEDEV', { iceTransportPolicy: 'relay', connectTimeoutMs: 2_000 });
    const bob = rig.add(BOB, 'BOBDEV', { iceTransportPolicy: 'relay', connectTimeoutMs: 2_000 });
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    await bob.engine.answer(callId, { video: false });
    const endedAtAlice = await ended(alice, callId);
    const endedAtBob = await ended(bob, callId);
    expect([endedAtAlice.endReason, endedAtBob.endReason]).toEqual(['ice-failed', 'ice-failed']);
    const hangups = [...alice.device.sent, ...bob.device.sent].filter((e) => e.type === 'm.call.hangup');
    expect(hangups[0]?.content.reason).toBe('ice_failed');
  });

  it('the microphone cannot be opened: the caller sends nothing, the callee hangs up with user_media_failed', async () => {
    rig = new EngineRig();
    const refused = {
      userMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
      displayMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
    };
    const alice = rig.add(ALICE, 'ALICEDEV', { media: refused });
    const bob = rig.add(BOB, 'BOBDEV', { media: refused });
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const failedCall = alice.engine.place(roomId, { video: false });
    expect((await ended(alice, failedCall)).endReason).toBe('media-failed');
    expect(alice.device.sent).toEqual([]);

    const carol = rig.add(CAROL, 'CAROLDEV');
    const room2 = rig.relay.createRoom([CAROL, BOB]);
    const callId = carol.engine.place(room2, { video: false });
    await ringing(bob);
    await bob.engine.answer(callId, { video: false });
    expect((await ended(bob, callId)).endReason).toBe('media-failed');
    expect(bob.device.sent.at(-1)).toMatchObject({ type: 'm.call.hangup', content: { reason: 'user_media_failed' } });
    // The answer may already be out when the device fails: a hang-up before it reads as a
    // decline, after it as a hang-up; either way the reason says why.
    const atCarol = await ended(carol, callId);
    expect(['remote-declined', 'remote-hangup']).toContain(atCarol.endReason);
    expect(atCarol.remoteHangupReason).toBe('user_media_failed');
  });

  it('the peer leaves the room: the call ends as if they hung up', async () => {
    const { alice, bob, roomId, callId } = await connectedCall(false);
    rig.relay.leave(roomId, BOB);
    expect((await ended(alice, callId)).endReason).toBe('peer-left');
    expect(bob.active()?.state).toBe('connected');
  });

  it('the callee on two devices: both ring, one answers, the other stops as answered elsewhere and sends nothing', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const bobDesk = rig.add(BOB, 'BOBDESK');
    const bobLaptop = rig.add(BOB, 'BOBLAPTOP');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bobDesk);
    await ringing(bobLaptop);
    await bobLaptop.engine.answer(callId, { video: false });
    await connected(alice, callId);
    expect((await ended(bobDesk, callId)).endReason).toBe('answered-elsewhere');
    expect(sentTypes(bobDesk)).toEqual([]);
    await mediaFlows(alice.engine, callId, ['audio']);
    const select = alice.device.sent.find((e) => e.type === 'm.call.select_answer');
    expect(select?.content.selected_party_id).toBe('BOBLAPTOP');
  });
});

describe('the queue of incoming call events never stops', () => {
  it('a call declined while its candidates are still being applied leaves the next call ringing', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    // What Chromium does to an operation queued on a connection that is then closed: it never settles.
    const original = RTCPeerConnection.prototype.addIceCandidate;
    RTCPeerConnection.prototype.addIceCandidate = () => new Promise<void>(() => undefined);
    try {
      const first = alice.engine.place(roomId, { video: false });
      expect(await ringing(bob)).toBe(first);
      await until(() => alice.device.sent.some((e) => e.type === 'm.call.candidates'), 'alice sent candidates');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await bob.engine.decline(first);
      expect((await ended(alice, first)).endReason).toBe('remote-declined');
    } finally {
      RTCPeerConnection.prototype.addIceCandidate = original;
    }
    const second = alice.engine.place(roomId, { video: false });
    expect(await ringing(bob)).toBe(second);
    await bob.engine.answer(second, { video: false });
    await connected(bob, second);
    await mediaFlows(bob.engine, second, ['audio']);
  });
});

describe('calls missed while away', () => {
  /** A call Alice placed and gave up on before this device synced: invite and hang-up in one fresh batch. */
  function missedWhileAway(roomId: string): IncomingCallEvent[] {
    const now = Date.now();
    const common = { roomId, sender: ALICE, ageAtArrivalMs: 40_000, arrivedAt: now, fromCache: false };
    const base = { call_id: 'awaycall1', party_id: 'ALICEDEV', version: '1' };
    return [
      {
        ...common,
        type: 'm.call.invite',
        eventId: '$awayinvite',
        content: { ...base, lifetime: 60_000, offer: { type: 'offer', sdp: 'v=0\r\n' } },
      },
      { ...common, type: 'm.call.hangup', eventId: '$awayhangup', content: { ...base, reason: 'user_hangup' } },
    ];
  }

  it('one found in a fresh timeline is a missed call, shown without ringing', async () => {
    rig = new EngineRig();
    const bob = rig.add(BOB, 'BOBDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    await bob.engine.handleBatch(missedWhileAway(roomId));
    expect(bob.calls()).toMatchObject([
      { callId: 'awaycall1', state: 'ended', endReason: 'missed', peerUserId: ALICE },
    ]);
    expect(bob.notices.some((n) => n.kind === 'ring-start')).toBe(false);
  });

  it('one already in the history (a restart fetches the timeline again) is not reported a second time', async () => {
    rig = new EngineRig();
    const shown = new Set(['awaycall1']);
    const bob = rig.add(BOB, 'BOBDEV', { alreadyShown: (callId) => shown.has(callId) });
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    await bob.engine.handleBatch(missedWhileAway(roomId));
    expect(bob.calls()).toEqual([]);
    expect(bob.notices).toEqual([]);
  });
});

/** What the caller's ICE agent has heard of the callee: candidate pairs and checks received. */
async function checksHeard(pc: RTCPeerConnection | null) {
  let pairs = 0;
  let requestsReceived = 0;
  let remoteCandidates = 0;
  (await pc!.getStats()).forEach((s: { type: string; requestsReceived?: number }) => {
    if (s.type === 'candidate-pair') {
      pairs++;
      requestsReceived += s.requestsReceived ?? 0;
    }
    if (s.type === 'remote-candidate') remoteCandidates++;
  });
  return { pairs, requestsReceived, remoteCandidates };
}

function sdpOf(party: Party, type: string): string {
  const event = party.device.sent.find((e) => e.type === type);
  return (event?.content as { answer?: { sdp: string } } | undefined)?.answer?.sdp ?? '';
}

describe('while it rings: everything is prepared, nothing leaves the callee', () => {
  it('an audio call: the answer is made and its candidates gathered, yet no check reaches the caller until Answer', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    const prepared = () => bob.engine.peerConnection(callId);
    await until(
      () => prepared()?.localDescription?.type === 'answer' && prepared()?.iceGatheringState === 'complete',
      'the answer prepared while ringing',
    );
    expect(prepared()!.localDescription!.sdp).toMatch(/a=candidate:/);
    // Long enough for ICE checks (sent every few tens of ms) to have arrived, had any left.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await checksHeard(alice.engine.peerConnection(callId))).toEqual({
      pairs: 0,
      requestsReceived: 0,
      remoteCandidates: 0,
    });
    expect(sentTypes(bob)).toEqual([]);

    await bob.engine.answer(callId, { video: false });
    await connected(alice, callId);
    await connected(bob, callId);
    await mediaFlows(alice.engine, callId, ['audio']);
    await mediaFlows(bob.engine, callId, ['audio']);
    // The answer went out with the candidates gathered while ringing.
    expect(sentTypes(bob)[0]).toBe('m.call.answer');
    expect(sdpOf(bob, 'm.call.answer')).toMatch(/a=candidate:.* typ host/);
  });

  it('a video call: no answer is made before the person chooses camera or not; without camera, none is sent', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    const callId = alice.engine.place(roomId, { video: true });
    await ringing(bob);
    await until(() => bob.engine.peerConnection(callId)?.remoteDescription?.type === 'offer', 'the offer applied');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bob.engine.peerConnection(callId)!.localDescription).toBeNull();
    expect((await checksHeard(alice.engine.peerConnection(callId))).requestsReceived).toBe(0);

    await bob.engine.answer(callId, { video: false });
    await connected(alice, callId);
    await mediaFlows(alice.engine, callId, ['audio']);
    expect(sdpOf(bob, 'm.call.answer')).toMatch(/m=video[^]*a=recvonly/);
  });

  it('a call that rings for 20 s with its answer prepared still connects when answered', async () => {
    const { alice, bob, roomId } = aliceAndBob();
    const callId = alice.engine.place(roomId, { video: false });
    await ringing(bob);
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    expect(bob.active()?.state).toBe('ringing');
    await bob.engine.answer(callId, { video: false });
    await connected(alice, callId);
    await mediaFlows(bob.engine, callId, ['audio']);
  }, 40_000);
});
