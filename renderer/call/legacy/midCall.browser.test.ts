import { afterEach, describe, expect, it } from 'vitest';
import { EngineRig, inboundPackets, mediaFlows, until, type Party } from './testing/engineRig.js';

const ALICE = '@alice:relay';
const BOB = '@bob:relay';

let rig: EngineRig;
afterEach(async () => {
  await rig.close();
});

async function connectedCall(video: boolean) {
  rig = new EngineRig();
  const alice = rig.add(ALICE, 'ALICEDEV');
  const bob = rig.add(BOB, 'BOBDEV');
  const roomId = rig.relay.createRoom([ALICE, BOB]);
  const callId = alice.engine.place(roomId, { video });
  await until(() => bob.active()?.state === 'ringing', 'bob ringing');
  await bob.engine.answer(callId, { video });
  await until(() => alice.active()?.state === 'connected' && bob.active()?.state === 'connected', 'connected');
  return { alice, bob, roomId, callId };
}

function view(party: Party, callId: string) {
  const call = party.calls().find((c) => c.callId === callId);
  if (call === undefined) throw new Error('no such call');
  return call;
}

describe('mid-call changes with a version-1 peer (spec: m.call.negotiate, perfect negotiation)', () => {
  it('hold and resume change the media direction, and each side sees it', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    await alice.engine.setHold(callId, true);
    await until(() => view(bob, callId).remoteHold, 'bob sees alice holding');
    expect(view(alice, callId).localHold).toBe(true);
    await until(
      () =>
        alice.engine
          .peerConnection(callId)!
          .getTransceivers()
          .every((t) => t.currentDirection === 'inactive'),
      'alice’s transceivers inactive once bob’s answer is applied',
    );
    expect(alice.device.sent.some((e) => e.type === 'm.call.negotiate')).toBe(true);

    await alice.engine.setHold(callId, false);
    await until(() => !view(bob, callId).remoteHold, 'bob sees the resume');
    await mediaFlows(bob.engine, callId, ['audio']);
    await mediaFlows(alice.engine, callId, ['audio']);
  });

  it('switching the camera on in a voice call adds video the peer receives', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    expect((await inboundPackets(bob.engine.peerConnection(callId))).video).toBe(0);
    expect(await alice.engine.setCamera(callId, true)).toBe(true);
    await until(() => view(bob, callId).remoteVideo, 'bob sees alice’s video');
    await mediaFlows(bob.engine, callId, ['video']);
    expect(view(alice, callId).localVideo).toBe(true);

    expect(await alice.engine.setCamera(callId, false)).toBe(true);
    await until(() => !view(bob, callId).remoteVideo, 'bob sees the camera off (video_muted)');
  });

  it('screen sharing adds a second video stream marked m.screenshare', async () => {
    const { alice, bob, callId } = await connectedCall(true);
    expect(await alice.engine.setScreenSharing(callId, true)).toBe('sharing');
    await until(() => view(bob, callId).remoteScreenSharing, 'bob sees the screen share');
    expect(
      view(bob, callId)
        .remoteStreams.map((s) => s.purpose)
        .sort(),
    ).toEqual(['m.screenshare', 'm.usermedia']);
    const negotiate = alice.device.sent.filter((e) => e.type === 'm.call.negotiate').at(-1);
    const metadata = negotiate?.content.sdp_stream_metadata as Record<string, { purpose: string }>;
    expect(
      Object.values(metadata)
        .map((m) => m.purpose)
        .sort(),
    ).toEqual(['m.screenshare', 'm.usermedia']);

    expect(await alice.engine.setScreenSharing(callId, false)).toBe('stopped');
    await until(() => !view(bob, callId).remoteScreenSharing, 'bob sees the share end');
  });

  it('mute is sent as stream metadata and honoured by the peer', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    await alice.engine.setMuted(callId, true);
    const changed = alice.device.sent.find((e) => e.type === 'm.call.sdp_stream_metadata_changed');
    expect(
      Object.values(changed?.content.sdp_stream_metadata as Record<string, { audio_muted: boolean }>)[0]?.audio_muted,
    ).toBe(true);
    expect(
      alice.engine
        .peerConnection(callId)!
        .getSenders()
        .find((s) => s.track?.kind === 'audio')?.track?.enabled,
    ).toBe(false);
    expect(view(bob, callId).state).toBe('connected');
  });

  it('switches to another microphone mid-call without renegotiating, and reports call quality', async () => {
    const { alice, bob, callId } = await connectedCall(false);
    const before = alice.engine
      .peerConnection(callId)!
      .getSenders()
      .find((s) => s.track?.kind === 'audio')!.track;
    await alice.engine.switchDevice('audio');
    const after = alice.engine
      .peerConnection(callId)!
      .getSenders()
      .find((s) => s.track?.kind === 'audio')!.track;
    expect(after).not.toBe(before);
    expect(before?.readyState).toBe('ended');
    expect(alice.device.sent.some((e) => e.type === 'm.call.negotiate')).toBe(false);
    await mediaFlows(bob.engine, callId, ['audio']);

    await alice.engine.quality(callId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const quality = await alice.engine.quality(callId);
    expect(quality).toMatchObject({ grade: 'good', lossPercent: 0 });
    expect(quality!.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(quality!.inboundKbps).toBeGreaterThan(0);
  });

  it('sends DTMF digits in the audio (RFC 4733)', async () => {
    const { alice, callId } = await connectedCall(false);
    const sender = alice.engine
      .peerConnection(callId)!
      .getSenders()
      .find((s) => s.track?.kind === 'audio')!;
    const tones: string[] = [];
    sender.dtmf!.ontonechange = (event) => tones.push(event.tone);
    expect(alice.engine.sendDigits(callId, '12#')).toBe(true);
    await until(() => tones.join('') === '12#', 'tones played');
    expect(alice.engine.sendDigits(callId, 'not digits')).toBe(false);
  });
});

describe('glare (spec: both sides call each other at once)', () => {
  it('50 randomised trials, invites 0–1000 ms apart: always exactly one connected call, media both ways, nothing ringing', async () => {
    const outcomes: string[] = [];
    for (let trial = 0; trial < 50; trial++) {
      rig = new EngineRig();
      const alice = rig.add(ALICE, 'ALICEDEV');
      const bob = rig.add(BOB, 'BOBDEV');
      const roomId = rig.relay.createRoom([ALICE, BOB]);
      const gap = Math.floor(Math.random() * 1000);
      const [first, second] = trial % 2 === 0 ? [alice, bob] : [bob, alice];
      first.engine.place(roomId, { video: false });
      await new Promise((resolve) => setTimeout(resolve, gap));
      // The second side calls too; if the first call already rings there, that picks it up.
      second.engine.place(roomId, { video: false });

      await until(
        () => alice.active()?.state === 'connected' && bob.active()?.state === 'connected',
        `trial ${trial} (gap ${gap} ms) connected`,
        20_000,
      );
      const a = alice.engine.activeCalls();
      const b = bob.engine.activeCalls();
      expect(a).toHaveLength(1);
      expect(b).toHaveLength(1);
      expect(a[0]!.callId).toBe(b[0]!.callId);
      await mediaFlows(alice.engine, a[0]!.callId, ['audio']);
      await mediaFlows(bob.engine, b[0]!.callId, ['audio']);
      expect(
        alice.notices.filter((n) => n.kind === 'ring-start').length +
          bob.notices.filter((n) => n.kind === 'ring-start').length,
      ).toBeLessThanOrEqual(1);
      outcomes.push(`${gap}:${a[0]!.direction}`);
      await rig.close();
    }
    expect(outcomes).toHaveLength(50);
  }, 300_000);
});
