/**
 * Engines joined by a RoomRelay, with real media from Chromium's fake devices, for the
 * browser lane and the benchmark.
 */
import { CallEngine, type CallEngineOptions } from '../callEngine.js';
import type { CallView, EngineNotice, MediaAcquirer } from '../../contract.js';
import { RoomRelay, type RelayDevice } from './roomRelay.js';

/** A screen stand-in: a canvas that keeps drawing, captured as a video track. */
function canvasScreen(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext('2d');
  let frame = 0;
  const timer = setInterval(() => {
    if (context === null) return;
    context.fillStyle = `hsl(${(frame++ * 7) % 360} 60% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }, 33);
  const stream = canvas.captureStream(30);
  for (const track of stream.getTracks()) track.addEventListener('ended', () => clearInterval(timer));
  return stream;
}

export const fakeDeviceMedia: MediaAcquirer = {
  userMedia: (kinds) => navigator.mediaDevices.getUserMedia(kinds),
  displayMedia: async () => canvasScreen(),
};

export interface Party {
  readonly device: RelayDevice;
  readonly engine: CallEngine;
  readonly notices: EngineNotice[];
  readonly logs: string[];
  calls(): CallView[];
  active(): CallView | undefined;
}

export class EngineRig {
  readonly relay: RoomRelay;
  readonly parties: Party[] = [];

  constructor(relay = new RoomRelay()) {
    this.relay = relay;
  }

  add(userId: string, deviceId: string, options: Partial<CallEngineOptions> = {}): Party {
    const device = this.relay.device(userId, deviceId);
    const logs: string[] = [];
    const engine = new CallEngine({
      signalling: device.signalling,
      media: fakeDeviceMedia,
      log: {
        info: (message, fields) => logs.push(`info ${message} ${JSON.stringify(fields ?? {})}`),
        warn: (message, fields) => logs.push(`warn ${message} ${JSON.stringify(fields ?? {})}`),
      },
      ...options,
    });
    const notices: EngineNotice[] = [];
    engine.onNotice((notice) => notices.push(notice));
    this.relay.onMemberLeft((roomId, userId) => engine.memberLeft(roomId, userId));
    device.start((batch) => void engine.handleBatch(batch));
    const party: Party = {
      device,
      engine,
      notices,
      logs,
      calls: () => engine.calls(),
      active: () => engine.activeCalls()[0],
    };
    this.parties.push(party);
    return party;
  }

  async close(): Promise<void> {
    for (const party of this.parties) {
      party.device.stop();
      for (const call of party.engine.activeCalls()) await party.engine.hangUp(call.callId);
    }
  }
}

/** Packets received per kind on a call's peer connection. */
export async function inboundPackets(pc: RTCPeerConnection | null): Promise<{ audio: number; video: number }> {
  const counts = { audio: 0, video: 0 };
  if (pc === null) return counts;
  const report = await pc.getStats();
  report.forEach((stat: { type: string; kind?: string; packetsReceived?: number }) => {
    if (stat.type === 'inbound-rtp' && (stat.kind === 'audio' || stat.kind === 'video'))
      counts[stat.kind] += stat.packetsReceived ?? 0;
  });
  return counts;
}

/** Waits until `predicate` holds, polling; throws with `what` on timeout. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until packets of the given kinds keep arriving on the call (both counts grow). */
export async function mediaFlows(engine: CallEngine, callId: string, kinds: ('audio' | 'video')[]): Promise<void> {
  const first = await inboundPackets(engine.peerConnection(callId));
  await until(
    async () => {
      const now = await inboundPackets(engine.peerConnection(callId));
      return kinds.every((kind) => now[kind] > first[kind] && now[kind] > 0);
    },
    `${kinds.join('+')} packets on ${callId}`,
  );
}
