/**
 * A call's audio as getStats reports it, read in a Switchboard window: what arrived (and
 * what the receiver had to conceal), and what is sent (the encoder's cap and the other
 * side's reports of loss and round trip). For the bad-network tests and the loss bench.
 */
import type { Page } from 'playwright-core';

export interface AudioIn {
  packetsReceived: number;
  packetsLost: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  jitter: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  bytesReceived: number;
  headerBytesReceived: number;
  fecPacketsReceived: number;
}

export function audioIn(page: Page, callId: string): Promise<AudioIn> {
  return page.evaluate(`(async () => {
    const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
    const out = { packetsReceived: 0, packetsLost: 0, concealedSamples: 0, totalSamplesReceived: 0, jitter: 0, jitterBufferDelay: 0, jitterBufferEmittedCount: 0, bytesReceived: 0, headerBytesReceived: 0, fecPacketsReceived: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
      for (const key of Object.keys(out)) out[key] += s[key] || 0;
    });
    return out;
  })()`);
}

/** What changed between two readings: received, lost, the share concealed and the jitter buffer's delay. */
export function audioInBetween(start: AudioIn, end: AudioIn) {
  return {
    received: end.packetsReceived - start.packetsReceived,
    lost: end.packetsLost - start.packetsLost,
    concealedShare:
      (end.concealedSamples - start.concealedSamples) /
      Math.max(1, end.totalSamplesReceived - start.totalSamplesReceived),
    jitterBufferMs:
      (1000 * (end.jitterBufferDelay - start.jitterBufferDelay)) /
      Math.max(1, end.jitterBufferEmittedCount - start.jitterBufferEmittedCount),
    fecPackets: end.fecPacketsReceived - start.fecPacketsReceived,
  };
}

export interface AudioOut {
  bytesSent: number;
  /** The encoder's cap (RTCRtpSender maxBitrate), null when uncapped. */
  capBps: number | null;
  /** The other side's latest report: round trip, ms (null before the first). */
  roundTripMs: number | null;
}

export function audioOut(page: Page, callId: string): Promise<AudioOut> {
  return page.evaluate(`(async () => {
    const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
    const out = { bytesSent: 0, capBps: null, roundTripMs: null };
    if (!pc) return out;
    const sender = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    out.capBps = sender?.getParameters().encodings[0]?.maxBitrate ?? null;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.bytesSent += s.bytesSent || 0;
      if (s.type === 'remote-inbound-rtp' && s.kind === 'audio' && typeof s.roundTripTime === 'number') out.roundTripMs = 1000 * s.roundTripTime;
    });
    return out;
  })()`);
}
