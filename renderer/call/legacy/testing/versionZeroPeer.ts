/**
 * A peer that speaks only the version-0 text of the VoIP module (the seed text): integer
 * version 0, no party_id, no select_answer, no reject, no negotiate; like Nheko, it does not
 * trickle — its candidates all ride in the SDP once gathering completes.
 */
import type { IncomingCallEvent } from '../callEngine.js';
import type { RoomRelay, RelayDevice } from './roomRelay.js';

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

export class VersionZeroPeer {
  readonly userId: string;
  readonly received: IncomingCallEvent[] = [];
  pc: RTCPeerConnection | null = null;
  callId: string | null = null;
  readonly #relay: RoomRelay;
  readonly #roomId: string;
  readonly #device: RelayDevice;
  #stream: MediaStream | null = null;

  constructor(relay: RoomRelay, roomId: string, userId: string) {
    this.#relay = relay;
    this.#roomId = roomId;
    this.userId = userId;
    this.#device = relay.device(userId, 'V0DEVICE');
    this.#device.start((batch) => {
      for (const event of batch) if (event.sender !== userId) void this.#on(event);
    });
  }

  #send(type: string, content: Record<string, unknown>): void {
    this.#relay.inject(this.#roomId, this.userId, type, { ...content, version: 0 });
  }

  async #peer(): Promise<RTCPeerConnection> {
    const pc = new RTCPeerConnection();
    this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of this.#stream.getTracks()) pc.addTrack(track, this.#stream);
    this.pc = pc;
    return pc;
  }

  async call(): Promise<string> {
    const pc = await this.#peer();
    this.callId = `v0call${Date.now()}`;
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    this.#send('m.call.invite', {
      call_id: this.callId,
      lifetime: 60_000,
      offer: { type: 'offer', sdp: pc.localDescription?.sdp },
    });
    return this.callId;
  }

  async #on(event: IncomingCallEvent): Promise<void> {
    this.received.push(event);
    const content = event.content;
    if (event.type === 'm.call.answer' && content.call_id === this.callId && this.pc !== null) {
      const answer = content.answer as { sdp: string };
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    } else if (event.type === 'm.call.candidates' && content.call_id === this.callId && this.pc?.remoteDescription) {
      for (const candidate of content.candidates as RTCIceCandidateInit[]) {
        if (candidate.candidate) await this.pc.addIceCandidate(candidate).catch(() => undefined);
      }
    }
  }

  /** Answers the invite it received (the latest one). */
  async answer(): Promise<void> {
    const invite = [...this.received].reverse().find((e) => e.type === 'm.call.invite');
    if (invite === undefined) throw new Error('no invite to answer');
    this.callId = invite.content.call_id as string;
    const pc = await this.#peer();
    await pc.setRemoteDescription({ type: 'offer', sdp: (invite.content.offer as { sdp: string }).sdp });
    for (const event of this.received) {
      if (event.type === 'm.call.candidates' && event.content.call_id === this.callId) {
        for (const c of event.content.candidates as RTCIceCandidateInit[])
          if (c.candidate) await pc.addIceCandidate(c).catch(() => undefined);
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    this.#send('m.call.answer', { call_id: this.callId, answer: { type: 'answer', sdp: pc.localDescription?.sdp } });
  }

  hangup(): void {
    this.#send('m.call.hangup', { call_id: this.callId });
    this.close();
  }

  close(): void {
    this.#device.stop();
    this.pc?.close();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
  }
}
