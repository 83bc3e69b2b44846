import { afterEach, describe, expect, it } from 'vitest';

/**
 * Proves the browser lane: real RTCPeerConnections in Debian's Chromium, media from the
 * fake camera and microphone, and getStats() showing packets arriving for both kinds.
 */
async function inboundPackets(pc: RTCPeerConnection): Promise<Record<'audio' | 'video', number>> {
  const counts = { audio: 0, video: 0 };
  const report = await pc.getStats();
  report.forEach((stat: { type: string; kind?: string; packetsReceived?: number }) => {
    if (stat.type === 'inbound-rtp' && (stat.kind === 'audio' || stat.kind === 'video')) {
      counts[stat.kind] += stat.packetsReceived ?? 0;
    }
  });
  return counts;
}

describe('WebRTC in the browser lane', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('two peer connections with the fake camera and microphone exchange audio and video both ways', async () => {
    const [caller, callee] = [new RTCPeerConnection(), new RTCPeerConnection()];
    const streams = await Promise.all([
      navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
      navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
    ]);
    cleanups.push(() => {
      caller.close();
      callee.close();
      for (const stream of streams) for (const track of stream.getTracks()) track.stop();
    });
    const [callerStream, calleeStream] = streams as [MediaStream, MediaStream];
    expect(callerStream.getAudioTracks()).toHaveLength(1);
    expect(callerStream.getVideoTracks()).toHaveLength(1);

    caller.onicecandidate = ({ candidate }) => void (candidate && callee.addIceCandidate(candidate));
    callee.onicecandidate = ({ candidate }) => void (candidate && caller.addIceCandidate(candidate));
    for (const track of callerStream.getTracks()) caller.addTrack(track, callerStream);
    for (const track of calleeStream.getTracks()) callee.addTrack(track, calleeStream);

    await caller.setLocalDescription(await caller.createOffer());
    await callee.setRemoteDescription(caller.localDescription!);
    await callee.setLocalDescription(await callee.createAnswer());
    await caller.setRemoteDescription(callee.localDescription!);

    await expect.poll(() => caller.connectionState, { timeout: 15_000 }).toBe('connected');
    for (const pc of [caller, callee]) {
      await expect
        .poll(
          async () => {
            const counts = await inboundPackets(pc);
            return counts.audio > 0 && counts.video > 0;
          },
          { timeout: 15_000, interval: 200 },
        )
        .toBe(true);
    }
  });
});
