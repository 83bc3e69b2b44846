/**
 * What the MatrixRTC test peer page exposes as `window.rtcPeer`: Element Call's building
 * blocks (matrix-js-sdk's MatrixRTC session, livekit-client with end-to-end encryption),
 * driven through their public API only. Plain data only: everything crosses page.evaluate.
 */
import type { PeerCredentials } from './peerTypes.js';

export interface RtcPeerState {
  /** This device's membership is in the room's session. */
  joined: boolean;
  /** Connected to the SFU. */
  connected: boolean;
  /** The user IDs with a live membership in the room's session (ours included). */
  members: string[];
  /** LiveKit identities of the other participants in the SFU room. */
  remoteParticipants: string[];
  /** Ring notifications this peer sent (event IDs), newest last. */
  notificationsSent: string[];
  /** When the newest ring notification's send request left the page (Date.now()), or null. */
  notificationSendStartedAt: number | null;
  /** Ring notifications from others, newest last (what answer() and decline() act on). */
  ringsReceived: { eventId: string; roomId: string; sender: string; intent: string | null }[];
  /** Declines seen in the room: which notification, and who declined. */
  declines: { notificationEventId: string; sender: string }[];
  /** The other participants' published tracks: LiveKit's source (microphone, camera, screen_share…) and muted. */
  remoteTracks: { source: string; muted: boolean; subscribed: boolean }[];
  /** LiveKit says the room is end-to-end encrypted. */
  e2ee: boolean;
  /** Media keys received from others (participant identities). */
  keysFrom: string[];
  /** Something went wrong (the last error). */
  error: string | null;
}

/** What arrives from the other side, decrypted: packets, and audio energy / decoded frames. */
export interface RtcInbound {
  audioPackets: number;
  audioEnergy: number;
  videoPackets: number;
  videoFramesDecoded: number;
}

export interface RtcPeerApi {
  start(credentials: PeerCredentials): Promise<void>;
  /**
   * Joins the room's session and rings (a ring notification with this lifetime), publishing
   * at the homeserver's LiveKit service or at `serviceUrl` (a token service of its own).
   */
  call(roomId: string, options: { video: boolean; lifetimeMs?: number; serviceUrl?: string }): Promise<void>;
  /** Camera off and on as Element Call does it: the camera track muted and unmuted. */
  setCamera(on: boolean): Promise<void>;
  /** Answers the newest ring: joins its room's session (no ring of its own), as Element X does. */
  answer(options: { video: boolean }): Promise<void>;
  /** Declines the newest ring (`org.matrix.msc4310.rtc.decline` referencing it). */
  decline(): Promise<void>;
  /** Leaves the session (and the SFU). */
  hangup(): Promise<void>;
  state(): Promise<RtcPeerState>;
  inbound(): Promise<RtcInbound>;
  /** Resolves with Date.now() once audio packets arrive from the other side (the benchmark). */
  firstAudioAt(): Promise<number>;
  stop(): Promise<void>;
}
