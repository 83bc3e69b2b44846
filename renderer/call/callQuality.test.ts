import { describe, expect, it } from 'vitest';
import { summariseQuality, whileReconnecting, withSfuQuality, type StatsEntry } from './callQuality.js';

const pair = (rtt: number): StatsEntry => ({
  type: 'candidate-pair',
  state: 'succeeded',
  nominated: true,
  currentRoundTripTime: rtt,
});
const inbound = (at: number, received: number, lost: number, bytes: number, jitter = 0.01): StatsEntry => ({
  type: 'inbound-rtp',
  kind: 'audio',
  timestamp: at,
  packetsReceived: received,
  packetsLost: lost,
  bytesReceived: bytes,
  jitter,
});

describe('summariseQuality', () => {
  it('reports round trip, loss, jitter and bitrate between two readings, graded good', () => {
    const q = summariseQuality(
      [pair(0.03), inbound(0, 1000, 0, 100_000)],
      [pair(0.04), inbound(1000, 1050, 0, 104_000)],
    );
    expect(q).toEqual({
      roundTripMs: 40,
      lossPercent: 0,
      jitterMs: 10,
      inboundKbps: 32,
      outboundKbps: 0,
      grade: 'good',
    });
  });

  it('grades heavy loss or a long round trip as poor, moderate as fair', () => {
    expect(summariseQuality([inbound(0, 100, 0, 0)], [pair(0.05), inbound(1000, 190, 10, 0)]).grade).toBe('poor');
    expect(summariseQuality(null, [pair(0.25), inbound(0, 1, 0, 0)]).grade).toBe('fair');
  });

  it('says unknown before there is anything to judge', () => {
    expect(summariseQuality(null, []).grade).toBe('unknown');
  });

  it('grades media that stopped arriving as poor, though a dead link reports no loss and an old round trip', () => {
    const stalled = summariseQuality(
      [pair(0.02), inbound(0, 1000, 0, 100_000)],
      [pair(0.02), inbound(1000, 1000, 0, 100_000)],
    );
    expect(stalled).toMatchObject({ grade: 'poor', roundTripMs: 20, lossPercent: null });
    // Tracks gone from the report (a reconnecting SFU) count as nothing arriving.
    expect(
      summariseQuality([pair(0.02), inbound(0, 1000, 0, 100_000)], [{ ...pair(0.02), timestamp: 1000 }]).grade,
    ).toBe('poor');
  });

  it('does not call a pause a stall: on hold, before anything arrived, or between readings close together', () => {
    const before = [pair(0.02), inbound(0, 1000, 0, 100_000)];
    const same = [pair(0.02), inbound(1000, 1000, 0, 100_000)];
    expect(summariseQuality(before, same, { inboundExpected: false }).grade).toBe('good');
    expect(summariseQuality([pair(0.02), inbound(0, 0, 0, 0)], [pair(0.02), inbound(1000, 0, 0, 0)]).grade).toBe(
      'good',
    );
    expect(summariseQuality(before, [pair(0.02), inbound(300, 1000, 0, 100_000)]).grade).toBe('good');
  });
});

describe('a MatrixRTC call’s grade with the SFU’s judgement', () => {
  const base = { roundTripMs: 20, lossPercent: 0, jitterMs: 2, inboundKbps: 40, outboundKbps: 40 };
  it('is the worse of getStats and LiveKit’s connection quality', () => {
    expect(withSfuQuality({ ...base, grade: 'good' }, 'excellent').grade).toBe('good');
    expect(withSfuQuality({ ...base, grade: 'good' }, 'good').grade).toBe('fair');
    expect(withSfuQuality({ ...base, grade: 'good' }, 'poor').grade).toBe('poor');
    expect(withSfuQuality({ ...base, grade: 'good' }, 'lost').grade).toBe('poor');
    expect(withSfuQuality({ ...base, grade: 'poor' }, 'excellent').grade).toBe('poor');
  });

  it('takes the SFU’s word when getStats has none yet, and keeps its own when the SFU has none', () => {
    expect(withSfuQuality({ ...base, grade: 'unknown' }, 'good').grade).toBe('fair');
    expect(withSfuQuality({ ...base, grade: 'fair' }, 'unknown').grade).toBe('fair');
  });
});

describe('a call getting its media path back', () => {
  it('is poor, keeping the last figures', () => {
    const good = summariseQuality(
      [pair(0.03), inbound(0, 1000, 0, 100_000)],
      [pair(0.04), inbound(1000, 1050, 0, 104_000)],
    );
    expect(whileReconnecting(good)).toEqual({ ...good, grade: 'poor' });
    expect(whileReconnecting(null)).toMatchObject({ grade: 'poor', roundTripMs: null });
  });
});
