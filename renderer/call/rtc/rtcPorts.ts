/**
 * What the MatrixRTC engine needs from the world, as ports: the room's session on the
 * Matrix side (memberships, joining with a delayed leave, the media keys, the decline)
 * and the SFU on the media side (LiveKit). The engine holds the rules; matrixRtc.ts and
 * livekitMedia.ts implement these over matrix-js-sdk and livekit-client, and the unit
 * tests over fakes.
 */
import type { SfuQuality } from '../callQuality.js';
import type { EngineLog, MediaAcquirer } from '../contract.js';
import type { CallIntent, RtcMembership } from './events.js';

export interface RtcRoomFacts {
  /** A direct chat of two (Switchboard rings for 1:1 calls only). */
  readonly directChat: boolean;
  /** The other person, in a direct chat. */
  readonly peerUserId: string | null;
}

/** A media key for one participant (ours included), as the session hands it over. */
export interface RtcMediaKey {
  readonly key: Uint8Array;
  readonly index: number;
  /** The participant's LiveKit identity (`@user:server:DEVICE` for the session-state form). */
  readonly identity: string;
}

/** This device in a room's session: its membership (with the delayed leave) and the keys. */
export interface RtcJoinedSession {
  /** Every key known so far and every later one (keys rotate: the newest index wins). */
  onKey(listener: (key: RtcMediaKey) => void): () => void;
  /** The session could not keep our membership (the homeserver refused, gave up retrying). */
  onFailure(listener: (reason: string) => void): () => void;
  /** Joined to ring: the ring notification went out (its event ID, what a decline references). */
  onRingSent(listener: (eventId: string) => void): () => void;
  /** This device's LiveKit identity. */
  readonly identity: string;
  /** Empties the membership now (the delayed leave is sent or cancelled). */
  leave(): Promise<void>;
}

export interface RtcMatrix {
  readonly userId: string;
  readonly deviceId: string;
  room(roomId: string): RtcRoomFacts | null;
  /** The room's live session memberships, each already validated (events.ts). */
  memberships(roomId: string): readonly RtcMembership[];
  /** This device may post its call membership in the room (the room's power levels allow it). */
  canJoin(roomId: string): boolean;
  /** Called with the room ID whenever its memberships change. */
  onMembershipsChanged(listener: (roomId: string) => void): () => void;
  /** The LiveKit token services the homeserver advertises. */
  advertisedServices(): Promise<readonly string[]>;
  /** Joins the room's session; with `ring`, rings the others (a notification with that lifetime). */
  join(
    roomId: string,
    options: { serviceUrl: string; intent: CallIntent; ring?: { lifetimeMs: number } },
  ): Promise<RtcJoinedSession>;
  /** `org.matrix.msc4310.rtc.decline` referencing the ring notification. */
  sendDecline(roomId: string, notificationEventId: string): Promise<void>;
}

export interface LivekitGrant {
  readonly url: string;
  readonly jwt: string;
}

/** One remote stream as the call's screen shows it. */
export interface RtcRemoteStream {
  readonly stream: MediaStream;
  readonly purpose: 'm.usermedia' | 'm.screenshare';
}

export type MediaRoomEvent =
  | { kind: 'remote-media' }
  | { kind: 'participant-left'; identity: string }
  | { kind: 'reconnecting' }
  | { kind: 'reconnected' }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'encryption-error'; message: string };

/** A connected LiveKit room, publishing our media, end-to-end encrypted. */
export interface MediaRoom {
  /** The remote participants' identities. */
  remoteIdentities(): readonly string[];
  remoteStreams(): readonly RtcRemoteStream[];
  /** The remote side sends video (a camera track that is not muted). */
  remoteVideo(): boolean;
  remoteScreenSharing(): boolean;
  on(listener: (event: MediaRoomEvent) => void): () => void;
  setMicrophoneMuted(muted: boolean): Promise<void>;
  /** Publishes this camera track (null: stops the camera). */
  setCamera(track: MediaStreamTrack | null): Promise<void>;
  setScreenShare(stream: MediaStream | null): Promise<void>;
  replaceMicrophone(track: MediaStreamTrack): Promise<void>;
  /** The SFU's judgement of the call's connections: the worse of ours and the other side's. */
  sfuQuality(): SfuQuality;
  /** The WebRTC statistics of every media track (tests and the benchmark read them). */
  stats(): Promise<RTCStatsReport[]>;
  disconnect(): Promise<void>;
}

export interface MediaConnector {
  /** Gets ready for connect (loads livekit-client, which the window does not load until a call needs it). */
  prepare?(): void;
  connect(options: {
    grant: LivekitGrant;
    /** Where the keys come from; media is not sent or shown in the clear without them. */
    keys: RtcJoinedSession;
    /** What to publish: the microphone track, and the camera's when video. */
    tracks: readonly MediaStreamTrack[];
    iceServers: readonly RTCIceServer[];
    /** How long to keep trying to get back to a lost SFU before the room disconnects (sfuReconnect.ts). */
    reconnectWindowMs: number;
  }): Promise<MediaRoom>;
}

/** What the MatrixRTC engine and each of its calls work with. */
export interface RtcServices {
  matrix: RtcMatrix;
  media: MediaConnector;
  acquire: MediaAcquirer;
  /** main's `rtc.token`: the LiveKit token for a room from a token service. */
  token: (request: { roomId: string; serviceUrl: string }) => Promise<LivekitGrant>;
  iceServers: () => Promise<RTCIceServer[]>;
  log: EngineLog;
}
