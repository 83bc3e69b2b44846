/**
 * What a test peer page exposes as `window.peer`, shared by the pages (Chromium) and the
 * Node side that drives them. Plain data only: everything crosses page.evaluate as JSON.
 */

/** The account a peer signs in with: a Synapse user's own access token, no gateway. */
export interface PeerCredentials {
  baseUrl: string;
  userId: string;
  accessToken: string;
  deviceId: string;
}

/**
 * One entry in a peer's event log. `at` is the page's wall clock in ms
 * (performance.timeOrigin + performance.now()), comparable across pages of one machine.
 *
 * - `send`: a PUT /send/m.call.* left the page (`at`); `detail.doneMs` is when the
 *   homeserver answered. `detail` summarises the content (version, party_id, lifetime,
 *   candidate count, end-of-candidates, reason…).
 * - `received`: an m.call.* event arrived from the homeserver (own echoes included, marked
 *   `own`); same summary, plus the sync's `age`.
 * - `incoming`: the peer saw an incoming call it would ring for.
 * - `answer-pressed`: answer() was called.
 * - `state`: the call's state changed (`detail.state`).
 * - `media-flowing`: inbound packets > 0 for every kind the call carries.
 * - `hangup`: the call ended (`detail.reason`, `detail.party`).
 * - `error`: the call implementation reported an error.
 */
export type PeerLogKind =
  'send' | 'received' | 'incoming' | 'answer-pressed' | 'state' | 'media-flowing' | 'hangup' | 'error';

export interface PeerLogEntry {
  at: number;
  kind: PeerLogKind;
  callId: string | null;
  detail: Record<string, unknown>;
}

export interface PeerCallState {
  /** The implementation's state name (MatrixCall's CallState values; the v0 peer uses the same names). */
  callState: string;
  callId: string | null;
  direction: 'inbound' | 'outbound' | null;
  type: 'voice' | 'video' | null;
  hangupReason: string | null;
  hangupParty: string | null;
  remoteOnHold: boolean;
  localOnHold: boolean;
  /** How many calls this peer has seen or placed so far. */
  calls: number;
}

export interface InboundPackets {
  audio: number;
  video: number;
}

export interface PlaceCallOptions {
  video: boolean;
}

/** `window.peer` on both peer pages (the v0 peer's `hold` throws: version 0 has no renegotiation). */
export interface PeerApi {
  start(credentials: PeerCredentials): Promise<void>;
  /** Places a call in the room; resolves with its call_id once the invite has been sent. */
  placeCall(roomId: string, options: PlaceCallOptions): Promise<string>;
  /** Answers the current ringing call (with video when the invite had video). */
  answer(): Promise<void>;
  reject(): Promise<void>;
  hangup(): Promise<void>;
  hold(on: boolean): Promise<void>;
  setVideoMuted(muted: boolean): Promise<void>;
  state(): Promise<PeerCallState>;
  inboundPackets(): Promise<InboundPackets>;
  log(): Promise<PeerLogEntry[]>;
  /** Stops syncing; sends nothing (the v0 peer also drops its call silently). Close the page afterwards. */
  stop(): Promise<void>;
}
