/**
 * The one call contract: what a call's state is, how it ended, what the window, the call
 * store, history and main's ringing see of it, and the actions on it. Each call system
 * implements it — the legacy VoIP module (`legacy/`, m.call.*) and MatrixRTC (`rtc/`) —
 * so a call rings, is answered, connects and ends the same way whichever carries it. What
 * a system cannot do is absent from the call's `features`, never faked.
 */
import type { CallQuality } from './callQuality.js';

/** Which call system carries a call. */
export type CallSystem = 'legacy' | 'rtc';

/** What the person can do in this call; a control for something absent is not shown. */
export interface CallFeatures {
  /** Put the call on hold (MatrixRTC has none). */
  readonly hold: boolean;
  /** Send touch tones (DTMF; MatrixRTC has none). */
  readonly keypad: boolean;
  /** Share the screen (a legacy peer must be able to renegotiate). */
  readonly screenShare: boolean;
}

export type OutgoingState =
  'waiting-for-media' | 'creating-offer' | 'invite-sent' | 'connecting' | 'connected' | 'ended';
export type IncomingState = 'ringing' | 'answering' | 'connecting' | 'connected' | 'ended';
export type CallState = OutgoingState | IncomingState;

/** Why a call ended, from this side's point of view. */
export type EndReason =
  /** We hung up (or cancelled before an answer). */
  | 'local-hangup'
  /** The peer hung up after the call was answered. */
  | 'remote-hangup'
  /** We declined a ringing call. */
  | 'declined'
  /** The callee declined. */
  | 'remote-declined'
  /** Incoming: the caller gave up, or the invite expired, before anyone answered. */
  | 'missed'
  /** Outgoing: nobody answered within the invite's lifetime (we sent invite_timeout). */
  | 'no-answer'
  /** The callee was in another call (user_busy), or we were. */
  | 'busy'
  /** Another device of ours answered or declined. */
  | 'answered-elsewhere'
  /** The peer left the room. */
  | 'peer-left'
  /** Media could not be connected, even after ICE restarts (ice_failed). */
  | 'ice-failed'
  /** The microphone or camera could not be opened (user_media_failed). */
  | 'media-failed'
  /** Glare: this call gave way to the other side's call, which carries on. */
  | 'replaced'
  | 'error';

export type CallDirection = 'outgoing' | 'incoming';

/**
 * What asking to share (or stop sharing) the screen came to: sharing, stopped, cancelled
 * by the person in the picker (nothing went wrong), not possible in this call (no call, or
 * a peer that cannot renegotiate), or failed (the system refused the capture).
 */
export type ScreenShareOutcome = 'sharing' | 'stopped' | 'cancelled' | 'not-possible' | 'failed';

/** A snapshot of one call, for the UI. */
export interface CallView {
  readonly system: CallSystem;
  readonly features: CallFeatures;
  readonly callId: string;
  readonly roomId: string;
  readonly direction: CallDirection;
  readonly peerUserId: string;
  readonly state: CallState;
  readonly endReason: EndReason | null;
  /** What the peer's hang-up said, when it ended the call (the legacy module's reason, e.g. user_busy). */
  readonly remoteHangupReason: string | null;
  /** The invite offered video. */
  readonly videoOffered: boolean;
  readonly localVideo: boolean;
  readonly remoteVideo: boolean;
  readonly muted: boolean;
  readonly localHold: boolean;
  readonly remoteHold: boolean;
  readonly screenSharing: boolean;
  readonly remoteScreenSharing: boolean;
  /** Mid-call changes are negotiated with this peer (version 1 both ways, metadata sent). */
  readonly canRenegotiate: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly connectedAt: number | null;
  readonly endedAt: number | null;
  /** Incoming and ringing: when the invite expires (epoch ms). */
  readonly ringExpiresAt: number | null;
  /** The call replaced ours in glare (it was answered for the person). */
  readonly answeredByGlare: boolean;
  readonly localStream: MediaStream | null;
  readonly remoteStreams: readonly { stream: MediaStream; purpose: 'm.usermedia' | 'm.screenshare' }[];
  readonly localScreenStream: MediaStream | null;
}

/** The engine's way to Matrix: the room timeline, and what it knows about rooms. */
export interface CallSignalling {
  readonly userId: string;
  readonly deviceId: string;
  /** Sends one call event into the room; resolves once the homeserver accepted it. */
  send(roomId: string, type: string, content: Record<string, unknown>): Promise<void>;
  /** Members and join rule, for the spec's ringing rules; null if the room is unknown. */
  room(roomId: string): { joinRule: string | null; memberCount: number; peerUserId: string | null } | null;
}

/** One call event from a sync batch, decrypted, as the Matrix session hands it to an engine. */
export interface IncomingCallEvent {
  type: string;
  roomId: string;
  sender: string;
  eventId: string;
  content: Record<string, unknown>;
  /** `unsigned.age` at arrival, or null. */
  ageAtArrivalMs: number | null;
  /** Engine clock reading when it arrived. */
  arrivedAt: number;
  fromCache: boolean;
}

/** Opens the microphone, camera and screen. Injected so settings and tests can shape it. */
export interface MediaAcquirer {
  userMedia(kinds: { audio: boolean; video: boolean }): Promise<MediaStream>;
  displayMedia(): Promise<MediaStream>;
}

export interface EngineLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Timers, injected so tests and the benchmark control time. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** Events the engine raises for ringing (main presents them) and for history. */
export type EngineNotice =
  | { kind: 'ring-start'; callId: string; roomId: string; peerUserId: string; video: boolean; expiresAt: number }
  | { kind: 'ring-stop'; callId: string; reason: EndReason | 'answered' }
  | { kind: 'ignored-invite'; callId: string; roomId: string; reason: string };

/** Every call system's engine, as the window's call store uses it. */
export interface CallEngineContract {
  calls(): CallView[];
  subscribe(listener: (calls: readonly CallView[]) => void): () => void;
  /** Ringing (for main) and history notices. */
  onNotice(listener: (notice: EngineNotice) => void): () => void;
  /** Places a call in a room; returns its call ID at once. `system`: the person chose one for this call. */
  place(roomId: string, options: { video: boolean; system?: CallSystem }): string;
  answer(callId: string, options: { video: boolean }): Promise<void>;
  decline(callId: string): Promise<void>;
  hangUp(callId: string): Promise<void>;
  setMuted(callId: string, muted: boolean): Promise<void>;
  setHold(callId: string, hold: boolean): Promise<void>;
  /** False when this call cannot take the camera mid-call. */
  setCamera(callId: string, on: boolean): Promise<boolean>;
  setScreenSharing(callId: string, on: boolean): Promise<ScreenShareOutcome>;
  sendDigits(callId: string, digits: string): boolean;
  quality(callId: string): Promise<CallQuality | null>;
  /** The microphone or camera chosen in Settings changed: live calls move to it. */
  switchDevice(kind: 'audio' | 'video'): Promise<void>;
}
