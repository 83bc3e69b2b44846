/**
 * When our ICE candidates go out. Candidates found at once (host, usually server-reflexive)
 * ride inside the invite/answer SDP; later ones are coalesced over a short window and sent
 * in m.call.candidates; everything left goes at once when gathering completes, followed by
 * the end-of-candidates marker. Pure timing: the clock is injected.
 */
import type { SentCandidate } from './builders.js';
import { MAX_CANDIDATES_PER_EVENT } from './limits.js';
import type { CallRole } from './negotiation.js';

/** Runs `fn` after `ms`; returns a function that cancels it. */
export interface Scheduler {
  setTimer(fn: () => void, ms: number): () => void;
}

/** What onicecandidate gives us (an RTCIceCandidate fits). */
export interface LocalCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

/**
 * After setLocalDescription, how long we let candidates gather into the SDP before sending
 * it. Host candidates appear within milliseconds and server-reflexive ones within one STUN
 * round trip, so 100 ms catches both on most networks while halving the spec's 200 ms.
 */
export const DEFAULT_SDP_WAIT_MS = 100;
/** The spec's suggestion, which we never exceed. */
export const MAX_SDP_WAIT_MS = 200;
/**
 * How long later candidates (mostly TURN relays) are coalesced before sending. Short, so a
 * relay-only path is not held back; long enough that a burst becomes one event.
 */
export const DEFAULT_TRICKLE_WINDOW_MS = 100;
/** The spec's suggestions: 2 s after the invite, 500 ms after the answer. Never exceeded. */
export const MAX_TRICKLE_WINDOW_MS: Readonly<Record<CallRole, number>> = { caller: 2_000, callee: 500 };

export interface CandidateBatcherOptions {
  readonly role: CallRole;
  readonly scheduler: Scheduler;
  /**
   * Read `localDescription.sdp` now and send the invite/answer/negotiate with it. Called
   * synchronously, so every candidate handed to the batcher so far is in that SDP and is
   * not sent again.
   */
  readonly captureDescription: () => void;
  /** Send one m.call.candidates event with these candidates. */
  readonly sendCandidates: (candidates: SentCandidate[]) => void;
  readonly sdpWaitMs?: number;
  readonly trickleWindowMs?: number;
  readonly maxPerEvent?: number;
}

/**
 * One batcher per local description exchange (the invite or answer, then each negotiate).
 * Call order: localDescriptionSet → (captureDescription is called back) → descriptionSent;
 * candidate() and gatheringComplete() at any time.
 */
export interface CandidateBatcher {
  /** setLocalDescription has resolved: start the SDP wait. */
  localDescriptionSet(): void;
  /** From onicecandidate. null or an empty candidate means gathering is complete. */
  candidate(candidate: LocalCandidate | null): void;
  /** icegatheringstatechange → complete (Chromium never emits the null candidate). */
  gatheringComplete(): void;
  /** The invite/answer/negotiate has been sent: candidates may follow it now. */
  descriptionSent(): void;
  /** The call ended: cancel timers, send nothing more. */
  stop(): void;
}

function clampDelay(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(Math.max(value, 0), max);
}

type Phase = 'before-description' | 'waiting-for-sdp' | 'awaiting-send' | 'trickling' | 'stopped';
/** 'complete-unsent': gathering finished and the end marker still has to go out. */
type Gathering = 'gathering' | 'complete-unsent' | 'complete-sent';

export function createCandidateBatcher(options: CandidateBatcherOptions): CandidateBatcher {
  const sdpWaitMs = clampDelay(options.sdpWaitMs, DEFAULT_SDP_WAIT_MS, MAX_SDP_WAIT_MS);
  const trickleWindowMs = clampDelay(
    options.trickleWindowMs,
    DEFAULT_TRICKLE_WINDOW_MS,
    MAX_TRICKLE_WINDOW_MS[options.role],
  );
  const maxPerEvent = Math.max(1, Math.min(options.maxPerEvent ?? MAX_CANDIDATES_PER_EVENT, MAX_CANDIDATES_PER_EVENT));

  let phase: Phase = 'before-description';
  let gathering: Gathering = 'gathering';
  let queue: SentCandidate[] = [];
  let firstLocation: { sdpMid: string; sdpMLineIndex: number } | null = null;
  let cancelSdpWait: (() => void) | null = null;
  let cancelTrickle: (() => void) | null = null;

  function cancelTimers(): void {
    cancelSdpWait?.();
    cancelSdpWait = null;
    cancelTrickle?.();
    cancelTrickle = null;
  }

  // The spec's schema wants sdpMid and sdpMLineIndex on every candidate; with bundle, the
  // first media section's transport carries every section, so its end is the end.
  function endMarker(): SentCandidate {
    return { candidate: '', sdpMid: firstLocation?.sdpMid ?? '0', sdpMLineIndex: firstLocation?.sdpMLineIndex ?? 0 };
  }

  function flush(): void {
    cancelTrickle?.();
    cancelTrickle = null;
    const batch = queue;
    queue = [];
    if (gathering === 'complete-unsent') {
      batch.push(endMarker());
      gathering = 'complete-sent';
    }
    for (let start = 0; start < batch.length; start += maxPerEvent) {
      options.sendCandidates(batch.slice(start, start + maxPerEvent));
    }
  }

  function capture(): void {
    cancelSdpWait?.();
    cancelSdpWait = null;
    // Everything gathered so far is in the SDP about to be read.
    queue = [];
    phase = 'awaiting-send';
    options.captureDescription();
  }

  function gatheringComplete(): void {
    if (phase === 'stopped' || gathering !== 'gathering') return;
    gathering = 'complete-unsent';
    if (phase === 'waiting-for-sdp') capture();
    else if (phase === 'trickling') flush();
  }

  return {
    localDescriptionSet() {
      if (phase !== 'before-description') return;
      if (gathering !== 'gathering') {
        capture();
        return;
      }
      phase = 'waiting-for-sdp';
      cancelSdpWait = options.scheduler.setTimer(capture, sdpWaitMs);
    },

    candidate(candidate) {
      if (phase === 'stopped') return;
      if (candidate === null || candidate.candidate === '') {
        gatheringComplete();
        return;
      }
      const { sdpMid, sdpMLineIndex } = candidate;
      // Browsers always set both; a candidate without them could not be sent validly.
      if (sdpMid === null || sdpMid === '' || sdpMLineIndex === null) return;
      firstLocation ??= { sdpMid, sdpMLineIndex };
      // A candidate after completion starts a new gathering cycle (an ICE restart).
      gathering = 'gathering';
      queue.push({ candidate: candidate.candidate, sdpMid, sdpMLineIndex });
      if (phase === 'trickling' && cancelTrickle === null) {
        cancelTrickle = options.scheduler.setTimer(flush, trickleWindowMs);
      }
    },

    gatheringComplete,

    descriptionSent() {
      if (phase === 'stopped' || phase === 'trickling') return;
      // Sent without our capture call (out of order): we cannot know the queued candidates
      // are in the SDP, so they go out too; a duplicate candidate is harmless, a missing one
      // is not.
      cancelSdpWait?.();
      cancelSdpWait = null;
      phase = 'trickling';
      // Whatever queued up during the send has already waited a round trip: send it now.
      flush();
    },

    stop() {
      phase = 'stopped';
      cancelTimers();
      queue = [];
    },
  };
}
