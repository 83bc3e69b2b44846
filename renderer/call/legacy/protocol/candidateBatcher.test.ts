import { describe, expect, it } from 'vitest';
import type { SentCandidate } from './builders.js';
import {
  type CandidateBatcherOptions,
  createCandidateBatcher,
  type LocalCandidate,
  type Scheduler,
} from './candidateBatcher.js';

/** A clock that moves only when the test says so. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean; ms: number }[] = [];
  const scheduler: Scheduler = {
    setTimer(fn, ms) {
      const timer = { at: now + ms, fn, live: true, ms };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  return {
    scheduler,
    now: () => now,
    /** Delays of every timer ever set. */
    delays: () => timers.map((t) => t.ms),
    pending: () => timers.filter((t) => t.live).length,
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (due === undefined) break;
        now = due.at;
        due.live = false;
        due.fn();
      }
      now = end;
    },
  };
}

const host = (n: number, mid = '0', index = 0): LocalCandidate => ({
  candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n} 5000${n} typ host`,
  sdpMid: mid,
  sdpMLineIndex: index,
});
const relay = (n: number): LocalCandidate => ({
  candidate: `candidate:${n} 1 udp 41885439 203.0.113.${n} 3478 typ relay raddr 0.0.0.0 rport 0`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});
const sent = (c: LocalCandidate): SentCandidate => ({
  candidate: c.candidate,
  sdpMid: c.sdpMid ?? '',
  sdpMLineIndex: c.sdpMLineIndex ?? -1,
});
const END = { candidate: '', sdpMid: '0', sdpMLineIndex: 0 };

function setup(overrides: Partial<CandidateBatcherOptions> = {}) {
  const clock = fakeClock();
  const log: (string | SentCandidate[])[] = [];
  const captures: number[] = [];
  const batcher = createCandidateBatcher({
    role: 'callee',
    scheduler: clock.scheduler,
    captureDescription: () => {
      captures.push(clock.now());
      log.push('description');
    },
    sendCandidates: (candidates) => log.push(candidates),
    ...overrides,
  });
  const events = () => log.filter((entry): entry is SentCandidate[] => typeof entry !== 'string');
  return { clock, batcher, log, captures, events };
}

describe('candidateBatcher', () => {
  it('spec: candidates found almost at once go inside the SDP and are not sent again', () => {
    const { clock, batcher, log } = setup();
    batcher.localDescriptionSet();
    batcher.candidate(host(1));
    batcher.candidate(host(2));
    clock.advance(100);
    batcher.descriptionSent();
    clock.advance(5_000);
    expect(log).toEqual(['description']);
  });

  it('ours: the SDP is taken 100 ms after setLocalDescription, half the spec’s 200 ms', () => {
    const { clock, batcher, captures } = setup();
    batcher.localDescriptionSet();
    clock.advance(99);
    expect(captures).toEqual([]);
    clock.advance(1);
    expect(captures).toEqual([100]);
  });

  it('spec: when gathering completes before the wait is over, the SDP is taken at once', () => {
    const { clock, batcher, captures } = setup();
    batcher.localDescriptionSet();
    clock.advance(30);
    batcher.candidate(host(1));
    batcher.gatheringComplete();
    expect(captures).toEqual([30]);
    expect(clock.pending()).toBe(0);
  });

  it('spec: end of candidates must be sent even when every candidate was in the SDP', () => {
    const { batcher, log } = setup();
    batcher.localDescriptionSet();
    batcher.candidate(host(1));
    batcher.gatheringComplete();
    batcher.descriptionSent();
    expect(log).toEqual(['description', [END]]);
  });

  it('sends nothing before the description itself has been sent', () => {
    const { clock, batcher, log } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.candidate(relay(7));
    batcher.gatheringComplete();
    clock.advance(10_000);
    expect(log).toEqual(['description']);
    batcher.descriptionSent();
    expect(log).toEqual(['description', [sent(relay(7)), END]]);
  });

  it('ours: candidates queued while the description was being sent go out as soon as it is sent', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.candidate(relay(7));
    batcher.descriptionSent();
    expect(events()).toEqual([[sent(relay(7))]]);
  });

  it('ours: later candidates are coalesced over a 100 ms window into one event', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.descriptionSent();
    batcher.candidate(relay(1));
    clock.advance(60);
    batcher.candidate(relay(2));
    clock.advance(39);
    expect(events()).toEqual([]);
    clock.advance(1);
    expect(events()).toEqual([[sent(relay(1)), sent(relay(2))]]);
    batcher.candidate(relay(3));
    clock.advance(100);
    expect(events()).toEqual([[sent(relay(1)), sent(relay(2))], [sent(relay(3))]]);
  });

  it('spec: when gathering completes, everything left goes at once, ending with the empty candidate', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.descriptionSent();
    batcher.candidate(relay(1));
    clock.advance(10);
    batcher.gatheringComplete();
    expect(events()).toEqual([[sent(relay(1)), END]]);
    expect(clock.pending()).toBe(0);
  });

  it('spec: Chromium signals completion only by icegatheringstatechange; Firefox also by a null candidate — one end marker either way', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.descriptionSent();
    batcher.candidate({ candidate: '', sdpMid: '0', sdpMLineIndex: 0 });
    batcher.candidate(null);
    batcher.gatheringComplete();
    expect(events()).toEqual([[END]]);
  });

  it('the end marker names the media section of our first candidate', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    batcher.candidate(host(1, 'audio', 2));
    clock.advance(100);
    batcher.descriptionSent();
    batcher.gatheringComplete();
    expect(events()).toEqual([[{ candidate: '', sdpMid: 'audio', sdpMLineIndex: 2 }]]);
  });

  it('ours: a new gathering after completion (ICE restart) gets its own end marker', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    batcher.gatheringComplete();
    batcher.descriptionSent();
    batcher.candidate(relay(9));
    batcher.gatheringComplete();
    clock.advance(1_000);
    expect(events()).toEqual([[END], [sent(relay(9)), END]]);
  });

  it.each([
    ['callee', 10_000, 500],
    ['caller', 10_000, 2_000],
    ['caller', 300, 300],
  ] as const)(
    'ours: a %s trickle window of %i ms is held to the spec’s suggestion (%i ms at most)',
    (role, asked, used) => {
      const { clock, batcher } = setup({ role, trickleWindowMs: asked, sdpWaitMs: 1_000 });
      batcher.localDescriptionSet();
      clock.advance(1_000);
      batcher.descriptionSent();
      batcher.candidate(relay(1));
      expect(clock.delays()).toEqual([200, used]);
    },
  );

  it('ours: nonsense delays fall back to the defaults', () => {
    const { clock, batcher } = setup({ trickleWindowMs: Number.NaN, sdpWaitMs: -5 });
    batcher.localDescriptionSet();
    clock.advance(0);
    batcher.descriptionSent();
    batcher.candidate(relay(1));
    expect(clock.delays()).toEqual([0, 100]);
  });

  it('splits a flush into events of at most maxPerEvent candidates', () => {
    const { clock, batcher, events } = setup({ maxPerEvent: 2 });
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.descriptionSent();
    for (const n of [1, 2, 3]) batcher.candidate(relay(n));
    batcher.gatheringComplete();
    expect(events()).toEqual([
      [sent(relay(1)), sent(relay(2))],
      [sent(relay(3)), END],
    ]);
  });

  it('a description sent without our capture call keeps its queued candidates (they may not be in the SDP)', () => {
    const { batcher, events } = setup();
    batcher.localDescriptionSet();
    batcher.candidate(host(1));
    batcher.descriptionSent();
    expect(events()).toEqual([[sent(host(1))]]);
  });

  it('drops a candidate without sdpMid or sdpMLineIndex, which could not be sent validly', () => {
    const { clock, batcher, events } = setup();
    batcher.localDescriptionSet();
    clock.advance(100);
    batcher.descriptionSent();
    batcher.candidate({ candidate: relay(1).candidate, sdpMid: null, sdpMLineIndex: 0 });
    batcher.gatheringComplete();
    expect(events()).toEqual([[END]]);
  });

  it('after stop, no timer fires and nothing is sent', () => {
    const { clock, batcher, log } = setup();
    batcher.localDescriptionSet();
    batcher.stop();
    clock.advance(1_000);
    batcher.candidate(relay(1));
    batcher.gatheringComplete();
    batcher.descriptionSent();
    expect(log).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
