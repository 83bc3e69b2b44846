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
  /** Declines seen in the room: which notification, and who declined. */
  declines: { notificationEventId: string; sender: string }[];
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
  /** Joins the room's session and rings (a ring notification with this lifetime). */
  call(roomId: string, options: { video: boolean; lifetimeMs?: number }): Promise<void>;
  /** Leaves the session (and the SFU). */
  hangup(): Promise<void>;
  state(): Promise<RtcPeerState>;
  inbound(): Promise<RtcInbound>;
  stop(): Promise<void>;
}
