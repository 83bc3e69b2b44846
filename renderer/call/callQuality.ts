/**
 * A small summary of how a call is going, from two getStats() readings: round trip, loss,
 * jitter and bitrate, and a grade the window can show as bars.
 */
export interface StatsEntry {
  type: string;
  kind?: string;
  timestamp?: number;
  state?: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  bytesReceived?: number;
  bytesSent?: number;
}

export interface CallQuality {
  roundTripMs: number | null;
  /** Share of inbound packets lost since the previous reading, in percent. */
  lossPercent: number | null;
  jitterMs: number | null;
  inboundKbps: number | null;
  outboundKbps: number | null;
  grade: 'good' | 'fair' | 'poor' | 'unknown';
}

interface Totals {
  at: number;
  received: number;
  lost: number;
  bytesIn: number;
  bytesOut: number;
}

export function totals(entries: readonly StatsEntry[]): Totals {
  const sum = { at: 0, received: 0, lost: 0, bytesIn: 0, bytesOut: 0 };
  for (const entry of entries) {
    sum.at = Math.max(sum.at, entry.timestamp ?? 0);
    if (entry.type === 'inbound-rtp') {
      sum.received += entry.packetsReceived ?? 0;
      sum.lost += Math.max(0, entry.packetsLost ?? 0);
      sum.bytesIn += entry.bytesReceived ?? 0;
    } else if (entry.type === 'outbound-rtp') {
      sum.bytesOut += entry.bytesSent ?? 0;
    }
  }
  return sum;
}

/** Shorter than this between readings, a pause in packets is not yet a stall. */
const STALL_AFTER_MS = 900;

/**
 * `inboundExpected`: the other side should be sending (false while a call is on hold). When
 * it should, media that stopped arriving altogether since the previous reading (no packet
 * received or lost, though some were before) grades as poor: a dead link reports no loss.
 */
export function summariseQuality(
  previous: readonly StatsEntry[] | null,
  current: readonly StatsEntry[],
  options: { inboundExpected?: boolean } = {},
): CallQuality {
  const pair = current.find((e) => e.type === 'candidate-pair' && e.state === 'succeeded' && e.nominated === true);
  const roundTripMs = pair?.currentRoundTripTime === undefined ? null : Math.round(pair.currentRoundTripTime * 1000);
  const audio = current.find((e) => e.type === 'inbound-rtp' && e.kind === 'audio');
  const jitterMs = audio?.jitter === undefined ? null : Math.round(audio.jitter * 1000);

  let lossPercent: number | null = null;
  let inboundKbps: number | null = null;
  let outboundKbps: number | null = null;
  if (previous !== null) {
    const before = totals(previous);
    const now = totals(current);
    const packets = now.received - before.received + (now.lost - before.lost);
    if (packets > 0) lossPercent = Math.round(((now.lost - before.lost) / packets) * 1000) / 10;
    const seconds = (now.at - before.at) / 1000;
    if (seconds > 0) {
      inboundKbps = Math.round(((now.bytesIn - before.bytesIn) * 8) / 1000 / seconds);
      outboundKbps = Math.round(((now.bytesOut - before.bytesOut) * 8) / 1000 / seconds);
    }
  }

  let grade: CallQuality['grade'] = 'unknown';
  if (previous !== null && (options.inboundExpected ?? true)) {
    const before = totals(previous);
    const now = totals(current);
    const stalled =
      before.received > 0 &&
      now.received <= before.received &&
      now.lost <= before.lost &&
      now.at - before.at >= STALL_AFTER_MS;
    if (stalled) return { roundTripMs, lossPercent, jitterMs, inboundKbps, outboundKbps, grade: 'poor' };
  }
  if (roundTripMs !== null || lossPercent !== null) {
    const rtt = roundTripMs ?? 0;
    const loss = lossPercent ?? 0;
    const jitter = jitterMs ?? 0;
    grade = rtt > 400 || loss > 5 || jitter > 60 ? 'poor' : rtt > 200 || loss > 1.5 || jitter > 30 ? 'fair' : 'good';
  }
  return { roundTripMs, lossPercent, jitterMs, inboundKbps, outboundKbps, grade };
}

/** A call that lost its media path and is getting it back ("Reconnecting…") is poor, whatever the last reading said. */
export function whileReconnecting(quality: CallQuality | null): CallQuality {
  return {
    roundTripMs: quality?.roundTripMs ?? null,
    lossPercent: quality?.lossPercent ?? null,
    jitterMs: quality?.jitterMs ?? null,
    inboundKbps: quality?.inboundKbps ?? null,
    outboundKbps: quality?.outboundKbps ?? null,
    grade: 'poor',
  };
}

/** LiveKit's own judgement of a participant's connection (ConnectionQuality). */
export type SfuQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

const GRADE_ORDER: readonly CallQuality['grade'][] = ['good', 'fair', 'poor'];

/**
 * A MatrixRTC call's grade: the worse of what getStats shows here and what the SFU judges
 * of the connections (LiveKit's excellent / good / poor map to good / fair / poor; lost is poor).
 */
export function withSfuQuality(quality: CallQuality, sfu: SfuQuality): CallQuality {
  const fromSfu: CallQuality['grade'] | null =
    sfu === 'excellent' ? 'good' : sfu === 'good' ? 'fair' : sfu === 'poor' || sfu === 'lost' ? 'poor' : null;
  if (fromSfu === null) return quality;
  if (quality.grade === 'unknown') return { ...quality, grade: fromSfu };
  const worse = Math.max(GRADE_ORDER.indexOf(quality.grade), GRADE_ORDER.indexOf(fromSfu));
  return { ...quality, grade: GRADE_ORDER[worse] ?? quality.grade };
}
