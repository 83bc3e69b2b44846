/**
 * Shared by the peer pages (Chromium): the event log, summaries of m.call.* content, a
 * fetch that records every call event the page sends, and inbound-packet counting.
 */
import type { InboundPackets, PeerApi, PeerLogEntry, PeerLogKind } from '../peerTypes.js';

declare global {
  interface Window {
    /** The test peer a page exposes to the Node side that drives it. */
    peer: PeerApi;
  }
}

export const now = (): number => performance.timeOrigin + performance.now();

export class PeerLog {
  readonly entries: PeerLogEntry[] = [];

  add(kind: PeerLogKind, callId: string | null, detail: Record<string, unknown> = {}, at = now()): PeerLogEntry {
    const entry: PeerLogEntry = { at, kind, callId, detail };
    this.entries.push(entry);
    return entry;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the log keeps of an m.call.* event: the protocol fields, not the SDP. */
export function summariseCallContent(type: string, content: unknown): Record<string, unknown> {
  const c = isRecord(content) ? content : {};
  const summary: Record<string, unknown> = { type, version: c['version'] };
  for (const key of ['party_id', 'lifetime', 'invitee', 'reason', 'selected_party_id'] as const) {
    if (key in c) summary[key] = c[key];
  }
  if (Array.isArray(c['candidates'])) {
    const candidates = c['candidates'] as unknown[];
    const strings = candidates.map((x) => (isRecord(x) ? x['candidate'] : undefined));
    summary['candidates'] = strings.filter((s) => s !== '').length;
    summary['endOfCandidates'] = strings.includes('');
    summary['candidateTypes'] = strings
      .filter((s): s is string => typeof s === 'string' && s !== '')
      .map((s) => / typ (\w+)/.exec(s)?.[1] ?? '?');
  }
  const sdp = [c['offer'], c['answer'], c['description']].find(isRecord)?.['sdp'];
  if (typeof sdp === 'string') {
    summary['sdpCandidates'] = (sdp.match(/^a=candidate:/gm) ?? []).length;
    summary['sdpEndOfCandidates'] = /^a=end-of-candidates/m.test(sdp);
  }
  if ('sdp_stream_metadata' in c) summary['sdp_stream_metadata'] = 'stable';
  if ('org.matrix.msc3077.sdp_stream_metadata' in c) summary['sdp_stream_metadata_unstable'] = true;
  if ('capabilities' in c) summary['capabilities'] = c['capabilities'];
  const keys = Object.keys(c).sort();
  summary['keys'] = keys;
  return summary;
}

const sendPath = /\/_matrix\/client\/v3\/rooms\/[^/]+\/send\/([^/]+)\/[^/?]+/;

/**
 * A fetch for matrix-js-sdk that logs each m.call.* event it sends: `at` when the request
 * leaves the page, `detail.doneMs` when the homeserver answered.
 */
export function recordingFetch(log: PeerLog): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const match = sendPath.exec(url);
    const type = match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
    if (!type.startsWith('m.call.') || typeof init?.body !== 'string') return fetch(input, init);
    const content: unknown = JSON.parse(init.body);
    const callId = isRecord(content) && typeof content['call_id'] === 'string' ? content['call_id'] : null;
    const entry = log.add('send', callId, summariseCallContent(type, content));
    const response = await fetch(input, init);
    entry.detail['doneMs'] = now();
    entry.detail['status'] = response.status;
    return response;
  };
}

export async function countInbound(pc: RTCPeerConnection | undefined | null): Promise<InboundPackets> {
  const totals: InboundPackets = { audio: 0, video: 0 };
  if (pc === undefined || pc === null || pc.connectionState === 'closed') return totals;
  const report = await pc.getStats();
  report.forEach((stat: { type?: string; kind?: string; packetsReceived?: number }) => {
    if (stat.type !== 'inbound-rtp') return;
    if (stat.kind === 'audio' || stat.kind === 'video') totals[stat.kind] += stat.packetsReceived ?? 0;
  });
  return totals;
}

/**
 * Polls a call's peer connection every few ms until inbound packets arrive for every kind
 * the call carries, then logs `media-flowing` once. Gives up when the call ends or after
 * `timeoutMs`.
 */
export function watchMedia(options: {
  log: PeerLog;
  callId: string;
  peerConnection: () => RTCPeerConnection | undefined | null;
  video: () => boolean;
  ended: () => boolean;
  timeoutMs?: number;
}): void {
  const deadline = now() + (options.timeoutMs ?? 60_000);
  const tick = async (): Promise<void> => {
    while (!options.ended() && now() < deadline) {
      const packets = await countInbound(options.peerConnection());
      if (packets.audio > 0 && (!options.video() || packets.video > 0)) {
        options.log.add('media-flowing', options.callId, { ...packets });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  void tick();
}
